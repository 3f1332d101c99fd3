/**
 * @module One isolate's edge: the config (JSON model, or .conf text) built into an agent with the
 * edge registry (routes, filters and outputs evaluated by the core, as node-server does), its
 * `<source @type http>` (added with defaults when the config has none) serving the ingest app
 * behind the guard, and the queue consumer. A config that does not build gives a runtime whose
 * every answer names the errors (500; /healthz 503), so a bad deploy is visible, not silent; so
 * does auth with no token to match (/healthz 503 `no_tokens`, every POST 401).
 */

import { Hono } from 'hono'
import { buildAgent, type Agent } from '../../engine/agent.ts'
import { createElement, fromJson, type ConfigLocs, type ConfigModel } from '../../engine/config/model.ts'
import { parseConfig } from '../../engine/config/parse.ts'
import { edgeError } from '../../engine/ingest/edge-responses.ts'
import type { Logger } from '../../engine/log.ts'
import type { PluginSpec } from '../../engine/plugin.ts'
import * as abi from '../../wasm/abi.ts'
import type { Core } from '../../wasm/core.ts'
import { createEdgeApp } from './app.ts'
import { parseRate, RateLimiter } from './auth/rate-limit.ts'
import { parseTokens, TokenStore } from './auth/tokens.ts'
import { messageOf } from './errors.ts'
import type { EdgePlatform } from './platform.ts'
import type { EdgeHttpSource } from './plugins/in_http/index.ts'
import { consumeBatch, type ConsumeResult, type QueueBatch } from './plugins/out_queue/consumer.ts'
import type { QueueOutput } from './plugins/out_queue/index.ts'
import { edgeRegistry } from './registry.ts'
import type { EdgeSettings } from './settings.ts'

export interface EdgeRuntime {
  /** Answers every HTTP request. */
  readonly app: Hono
  /** The built agent (null when the config has errors). */
  readonly agent: Agent | null
  readonly errors: readonly string[]
  /** The Worker's `queue()` handler. */
  consume(batch: QueueBatch): Promise<ConsumeResult>
  stop(): Promise<void>
}

export interface RuntimeOptions {
  /** Plugins added to the edge registry (tests add their outputs). */
  plugins?: readonly PluginSpec[]
  /** The clock of the plugins (ms since the epoch); tests fix it. */
  now?: () => number
}

export async function buildEdgeRuntime(
  core: Core,
  settings: EdgeSettings,
  platform: EdgePlatform,
  log: Logger,
  options: RuntimeOptions = {},
): Promise<EdgeRuntime> {
  let tokens: TokenStore | null = null
  let listed = 0
  let model: ConfigModel
  let locs: ConfigLocs | undefined
  try {
    if (settings.auth) {
      const records = settings.tokens === undefined ? [] : parseTokens(settings.tokens)
      listed = records.length
      tokens = new TokenStore(core, records, settings.kv)
    }
    ;({ model, locs } = readConfig(settings))
  } catch (error) {
    return failed([messageOf(error)], log)
  }
  const sources = model.root.elements.filter((e) => e.name === 'source')
  if (sources.length > 1)
    return failed([`the edge serves one <source @type http>; the config has ${sources.length} <source> directives`], log)
  if (sources.length === 0)
    model = { ...model, root: { ...model.root, elements: [createElement('source', '', { '@type': 'http' }), ...model.root.elements] } }

  const built = buildAgent(model, locs, {
    core,
    registry: edgeRegistry(platform).register(...(options.plugins ?? [])),
    log,
    runtime: 'workers',
    hostname: settings.hostname,
    now: options.now,
  })
  for (const w of built.warnings) log.warn(w.message)
  if (built.agent === null)
    return failed(
      built.errors.map((e) => e.message),
      log,
    )
  const agent = built.agent
  await agent.start()
  const source = agent.plugins.find((p) => p.kind === 'input')!.plugin as EdgeHttpSource
  const queueOutputs = agent.plugins.filter((p) => p.kind === 'output' && p.type === 'queue').map((p) => p.plugin as QueueOutput)
  // Auth on, no listed token and no KV to look tokens up in: nothing can be accepted.
  const noTokens = settings.auth && listed === 0 && settings.kv === null ? NO_TOKENS : null
  if (!settings.auth) log.warn('SLUICE_AUTH is off: anyone can send events (local development only)')
  else if (noTokens !== null) log.error(noTokens)

  const app = createEdgeApp({
    source,
    tokens,
    limiter: new RateLimiter(),
    defaultRate: parseRate(settings.rateLimit),
    log,
    unusable: noTokens,
    health: () => ({
      config: settings.configSource,
      core_abi: abi.ABI_VERSION,
      auth: settings.auth,
      tokens: listed,
      token_kv: settings.kv !== null,
      outputs: agent.plugins.filter((p) => p.kind === 'output').map((p) => p.type),
    }),
  })
  return {
    app,
    agent,
    errors: [],
    consume: (batch) => consumeBatch(batch, queueOutputs, log),
    async stop() {
      tokens?.free()
      await agent.stop(5_000)
    },
  }
}

/** What /healthz and the log say when auth is on and no token can match. */
export const NO_TOKENS =
  'no tokens: every request will be refused (401); set SLUICE_TOKENS (`npm run -s edge:token` makes one) or bind SLUICE_KV with token:<sha256> keys, or SLUICE_AUTH off for local development'

/** The config model from its text: JSON (the canonical model) when it starts with `{`, else Fluentd .conf. */
function readConfig(settings: EdgeSettings): { model: ConfigModel; locs?: ConfigLocs } {
  const text = settings.config.trim()
  if (text.startsWith('{')) return { model: fromJson(text) }
  const parsed = parseConfig(text, settings.configSource, { env: {}, hostname: settings.hostname, workerId: 0 })
  if (parsed.errors.length > 0) throw new Error(parsed.errors.map((e) => e.message).join('\n'))
  return { model: parsed.config, locs: parsed.locs }
}

function failed(errors: string[], log: Logger): EdgeRuntime {
  for (const e of errors) log.error('the edge config is invalid', { error: e })
  const app = new Hono()
  app.get('/healthz', (c) => c.json({ status: 'error', errors }, 503))
  app.all('*', () => edgeError(500, `the edge config is invalid: ${errors.join('; ')}`))
  return {
    app,
    agent: null,
    errors,
    async consume(batch) {
      log.error('queue batch not delivered: the edge config is invalid', { queue: batch.queue, messages: batch.messages.length })
      for (const m of batch.messages) m.retry({ delaySeconds: 60 })
      return { delivered: 0, retried: batch.messages.length }
    },
    async stop() {},
  }
}
