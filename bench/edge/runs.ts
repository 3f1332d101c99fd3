/**
 * @module The two ways the benchmark serves the edge app: in this Node process (the same runtime
 * the Worker builds, called with `app.request`; CPU from process.cpuUsage) and under `wrangler
 * dev` (local workerd; load from this process over loopback HTTP with keep-alive; CPU of the
 * workerd processes from /proc). Both measure requests/s and CPU per 100-event batch.
 */

import { createHash } from 'node:crypto'
import { connect as netConnect } from 'node:net'
import { Duplex } from 'node:stream'
import { createLogger } from '../../engine/log.ts'
import { outNull } from '../../engine/plugins/out_null/index.ts'
import { loadCore } from '../../wasm/load-node.ts'
import type { EdgePlatform, EdgeSocket } from '../../edge/src/platform.ts'
import { buildEdgeRuntime, type EdgeRuntime } from '../../edge/src/runtime.ts'
import { inForward, type ForwardInput } from '../../node-server/plugins/in_forward/index.ts'
import { startAgent } from '../../test/helpers/agent.ts'
import { startWranglerDev } from '../../test/edge/wrangler-dev.ts'
import { cpuSeconds } from '../relay/proc-stats.ts'

export const TOKEN = 'bench-token'
export const TOKENS = JSON.stringify([{ name: 'bench', sha256: createHash('sha256').update(TOKEN).digest('hex'), tags: '**' }])

export interface Run {
  where: string
  output: string
  requests: number
  seconds: number
  requestsPerSecond: number
  /** CPU milliseconds per request (one 100-event batch). */
  cpuMsPerBatch: number
  statuses: Record<string, number>
}

/** A platform whose connect() is a node:net socket as web streams. */
export function nodePlatform(): EdgePlatform {
  return {
    connect({ hostname, port }): EdgeSocket {
      const socket = netConnect(port, hostname)
      const { readable, writable } = Duplex.toWeb(socket)
      return {
        readable: readable as ReadableStream<Uint8Array>,
        writable: writable as WritableStream<Uint8Array>,
        opened: new Promise((resolve, reject) => {
          socket.once('connect', resolve)
          socket.once('error', reject)
        }),
        closed: new Promise((resolve) => socket.once('close', resolve)),
        close: async () => {
          socket.destroy()
        },
      }
    },
    fetch: (input, init) => fetch(input, init),
    queue: () => undefined,
  }
}

/**
 * How a benchmark request carries its body: with its Content-Length, as an HTTP client sends a body
 * it knows (fetch, curl, every SDK), or without one (a streamed upload: the ingest counts the
 * stream against body_size_limit). Until the edgecpu change the benchmark sent no Content-Length.
 */
export type BodyLength = 'content-length' | 'streamed'

/** The request headers of a benchmark request. */
export function benchHeaders(body: string, length: BodyLength): Record<string, string> {
  const headers: Record<string, string> = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }
  if (length === 'content-length') headers['content-length'] = String(Buffer.byteLength(body))
  return headers
}

/** The edge app in this process: `<match **>` → null, or → forward (ack) to an in_forward here. */
export async function runNode(
  body: string,
  output: 'null' | 'forward',
  durationS: number,
  length: BodyLength = 'content-length',
): Promise<Run> {
  let receiver: Awaited<ReturnType<typeof startAgent>> | null = null
  let match = '<match **>\n  @type null\n</match>'
  if (output === 'forward') {
    receiver = await startAgent(
      '<source>\n  @type forward\n  @id in\n  bind 127.0.0.1\n  port 0\n</source>\n<match **>\n  @type null\n</match>',
      [inForward, outNull],
    )
    const port = (receiver.agent.plugins.find((p) => p.id === 'in')!.plugin as ForwardInput).address().port
    match = `<match **>\n  @type forward\n  <server>\n    host 127.0.0.1\n    port ${port}\n  </server>\n</match>`
  }
  const runtime = await edgeNodeRuntime(match)
  const init = { method: 'POST', body, headers: benchHeaders(body, length) }
  const statuses: Record<string, number> = {}
  for (let i = 0; i < 200; i++) await runtime.app.request('/bench/app', init) // warm-up
  const cpu = process.cpuUsage()
  const start = performance.now()
  let requests = 0
  while (performance.now() - start < durationS * 1000) {
    const res = await runtime.app.request('/bench/app', init)
    statuses[res.status] = (statuses[res.status] ?? 0) + 1
    await res.arrayBuffer()
    requests++
  }
  const seconds = (performance.now() - start) / 1000
  const used = process.cpuUsage(cpu)
  await runtime.stop()
  await receiver?.stop()
  return {
    where: `Node (app.request)${length === 'streamed' ? ', no Content-Length' : ''}`,
    output: output === 'null' ? 'null' : 'forward+ack (receiver in the same process)',
    requests,
    seconds,
    requestsPerSecond: requests / seconds,
    cpuMsPerBatch: (used.user + used.system) / 1000 / requests,
    statuses,
  }
}

/** The edge runtime in this process for a route config (the bench token, auth on, no rate limit). */
export async function edgeNodeRuntime(config: string): Promise<EdgeRuntime> {
  return buildEdgeRuntime(
    await loadCore(),
    {
      config,
      configSource: 'SLUICE_CONFIG',
      tokens: TOKENS,
      auth: true,
      rateLimit: undefined,
      logLevel: 'warn',
      hostname: 'bench',
      kv: null,
    },
    nodePlatform(),
    createLogger(() => {}, 'warn'),
  )
}

/** The Worker under wrangler dev (`<match **>` → null), loaded by `concurrency` keep-alive clients. */
export async function runWrangler(body: string, durationS: number, concurrency: number): Promise<Run> {
  const dev = await startWranglerDev(
    { SLUICE_TOKENS: TOKENS, SLUICE_CONFIG: '<match **>\n  @type null\n</match>', SLUICE_LOG_LEVEL: 'warn' },
    { logLevel: 'warn' },
  )
  try {
    const url = `${dev.url}/bench/app`
    const init = { method: 'POST', body, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' } }
    const statuses: Record<string, number> = {}
    const once = async () => {
      const res = await fetch(url, init)
      statuses[res.status] = (statuses[res.status] ?? 0) + 1
      await res.arrayBuffer()
    }
    for (let i = 0; i < 200; i++) await once() // warm-up (the isolate builds its runtime on the first request)
    const pids = dev.workerdPids()
    const cpuOf = () => pids.reduce((n, pid) => n + (cpuSeconds(pid) ?? 0), 0)
    const cpu0 = cpuOf()
    const start = performance.now()
    let requests = 0
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() - start < durationS * 1000) {
          await once()
          requests++
        }
      }),
    )
    const seconds = (performance.now() - start) / 1000
    const cpuMs = (cpuOf() - cpu0) * 1000
    return {
      where: `wrangler dev (workerd, ${concurrency} clients)`,
      output: 'null',
      requests,
      seconds,
      requestsPerSecond: requests / seconds,
      cpuMsPerBatch: cpuMs / requests,
      statuses,
    }
  } finally {
    await dev.stop()
  }
}

export const BENCH_WORKER = new URL('../../edge/bench/wrangler.jsonc', import.meta.url).pathname

/**
 * The isolate's own CPU per batch under wrangler dev: the bench Worker runs the edge app `n` times
 * inside one request (no HTTP server, no dev proxy); the workerd processes' CPU over that request / n.
 */
export async function runIsolate(body: string, n: number, length: BodyLength = 'content-length'): Promise<Run> {
  const dev = await startWranglerDev(
    { SLUICE_TOKENS: TOKENS, SLUICE_CONFIG: '<match **>\n  @type null\n</match>', SLUICE_LOG_LEVEL: 'warn' },
    { logLevel: 'warn', config: BENCH_WORKER },
  )
  try {
    const loop = async (count: number) => {
      const res = await fetch(`${dev.url}/__loop?n=${count}${length === 'content-length' ? '&length=1' : ''}`, {
        method: 'POST',
        body,
        headers: { authorization: `Bearer ${TOKEN}` },
      })
      return (await res.json()) as { statuses: Record<string, number> }
    }
    await loop(200) // warm-up: the runtime is built, the JIT is warm
    const pids = dev.workerdPids()
    const cpuOf = () => pids.reduce((sum, pid) => sum + (cpuSeconds(pid) ?? 0), 0)
    const cpu0 = cpuOf()
    const start = performance.now()
    const { statuses } = await loop(n)
    const seconds = (performance.now() - start) / 1000
    const cpuMs = (cpuOf() - cpu0) * 1000
    return {
      where: `workerd isolate (loop)${length === 'streamed' ? ', no Content-Length' : ''}`,
      output: 'null',
      requests: n,
      seconds,
      requestsPerSecond: n / seconds,
      cpuMsPerBatch: cpuMs / n,
      statuses,
    }
  } finally {
    await dev.stop()
  }
}
