/**
 * @module Shared pieces of the workerd tests: the core from the imported module, a platform on
 * the real `connect()` and fetch, runtimes built from .conf text with the test plugins, a log kept
 * in memory, the peers of global-setup.ts (ports via inject) and polling.
 */

import { connect } from 'cloudflare:sockets'
import { inject } from 'vitest'
import coreModule from '../../wasm/build/core.wasm'
import { Core } from '../../wasm/core.ts'
import { createLogger, type LogRecord } from '../../engine/log.ts'
import { captureOutput } from '../../test/helpers/capture-output.ts'
import type { EdgePlatform, QueueProducer } from '../src/platform.ts'
import { buildEdgeRuntime, type EdgeRuntime } from '../src/runtime.ts'
import type { EdgeSettings } from '../src/settings.ts'
import type {} from './peers.ts'
import { flakyOutput } from './plugins.ts'

export const core = Core.fromModule(coreModule)
export const peers = inject('peers')

export function platform(queues: Record<string, QueueProducer> = {}, doFetch: typeof fetch = (i, init) => fetch(i, init)): EdgePlatform {
  return { connect: (a, o) => connect(a, o), fetch: doFetch, queue: (name) => queues[name] }
}

export interface TestRuntime {
  runtime: EdgeRuntime
  logs: LogRecord[]
  post(path: string, body: BodyInit | null, headers?: Record<string, string>): Promise<Response>
}

const opened: EdgeRuntime[] = []

/** A runtime from .conf text (auth off unless tokens are given). */
export async function runtime(
  conf: string,
  options: Partial<EdgeSettings> & { platform?: EdgePlatform; now?: () => number } = {},
): Promise<TestRuntime> {
  const logs: LogRecord[] = []
  const log = createLogger((r) => logs.push(r), 'debug')
  const settings: EdgeSettings = {
    config: conf,
    configSource: 'SLUICE_CONFIG',
    tokens: undefined,
    auth: false,
    rateLimit: undefined,
    logLevel: 'debug',
    hostname: 'edge.test',
    kv: null,
    ...options,
  }
  const rt = await buildEdgeRuntime(core, settings, options.platform ?? platform(), log, {
    plugins: [captureOutput, flakyOutput],
    now: options.now,
  })
  opened.push(rt)
  return {
    runtime: rt,
    logs,
    post: (path, body, headers = {}) =>
      Promise.resolve(rt.app.request(path, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } })),
  }
}

/** Stops every runtime made since the last call (afterEach). */
export async function stopRuntimes(): Promise<void> {
  await Promise.all(opened.splice(0).map((r) => r.stop()))
}

/** GET a control endpoint of global-setup.ts. */
export async function control<T>(path: string): Promise<T> {
  const res = await fetch(`http://127.0.0.1:${peers.control}${path}`)
  return (await res.json()) as T
}

export interface Received {
  tag: string
  time: [number, number]
  integerTime: boolean
  record: Record<string, unknown>
}

/** Polls until `check` holds (every 10 ms, up to `timeoutMs`). */
export async function waitUntil(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

/** Events a peer received under tags starting with `tag`, once there are at least `n`. */
export async function receivedBy(peer: string, tag: string, n: number): Promise<Received[]> {
  let events: Received[] = []
  await waitUntil(
    async () => (events = await control<Received[]>(`/events/${peer}?tag=${encodeURIComponent(tag)}`)).length >= n,
    `${n} events of ${tag} at ${peer}`,
  )
  return events
}

let unique = 0
/** A tag nobody else uses (test files run side by side against the same peers). */
export function uniqueTag(prefix: string): string {
  return `${prefix}.${crypto.randomUUID().slice(0, 8)}${(unique++).toString(36)}`
}
