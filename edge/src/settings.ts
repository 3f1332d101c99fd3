/**
 * @module The edge's settings from the Worker's environment: the route config (SLUICE_CONFIG, a
 * var or secret holding the JSON config model — as an object or text — or Fluentd .conf text,
 * else the KV key `config` of SLUICE_KV), the tokens (SLUICE_TOKENS, plus KV keys `token:<sha256>`), SLUICE_AUTH (`off`
 * disables authentication: local development only), SLUICE_RATE_LIMIT (default per-token rate,
 * `50` or `50/100` = rate/burst), SLUICE_LOG_LEVEL and SLUICE_HOSTNAME. KV reads are cached for
 * 30 s per isolate (KV itself takes up to a minute to propagate a change).
 */

import type { KvReader } from './auth/tokens.ts'

export interface EdgeEnv {
  /** Text, or the JSON model itself (a wrangler.jsonc var may be an object). */
  SLUICE_CONFIG?: string | object
  /** JSON text, or the array itself. */
  SLUICE_TOKENS?: string | object
  SLUICE_AUTH?: string
  SLUICE_RATE_LIMIT?: string
  SLUICE_LOG_LEVEL?: string
  SLUICE_HOSTNAME?: string
  SLUICE_KV?: KvReader
  /** Queue producers and other bindings, by name. */
  [binding: string]: unknown
}

export interface EdgeSettings {
  /** The config text (JSON model or .conf) and where it came from. */
  config: string
  configSource: 'SLUICE_CONFIG' | 'KV config' | 'default'
  tokens: string | undefined
  auth: boolean
  rateLimit: string | undefined
  logLevel: string | undefined
  hostname: string
  kv: KvReader | null
}

/** With no config anywhere: every event is accepted and dropped (and /healthz says so). */
export const DEFAULT_CONFIG = '<match **>\n  @type null\n</match>\n'

const KV_TTL_MS = 30_000
let kvConfig: { kv: KvReader; text: string | null; until: number } | null = null

export async function loadSettings(env: EdgeEnv, now: () => number = Date.now): Promise<EdgeSettings> {
  const kv = isKv(env.SLUICE_KV) ? env.SLUICE_KV : null
  let config = textOf(env.SLUICE_CONFIG)
  let configSource: EdgeSettings['configSource'] = 'SLUICE_CONFIG'
  if ((config === undefined || config.trim() === '') && kv !== null) {
    if (kvConfig === null || kvConfig.kv !== kv || kvConfig.until <= now())
      kvConfig = { kv, text: await kv.get('config'), until: now() + KV_TTL_MS }
    config = kvConfig.text ?? undefined
    configSource = 'KV config'
  }
  if (config === undefined || config.trim() === '') {
    config = DEFAULT_CONFIG
    configSource = 'default'
  }
  return {
    config,
    configSource,
    tokens: textOf(env.SLUICE_TOKENS),
    auth: (env.SLUICE_AUTH ?? 'on').trim().toLowerCase() !== 'off',
    rateLimit: env.SLUICE_RATE_LIMIT,
    logLevel: env.SLUICE_LOG_LEVEL,
    hostname: env.SLUICE_HOSTNAME ?? 'sluice-edge',
    kv,
  }
}

function textOf(value: string | object | undefined): string | undefined {
  return value === undefined || typeof value === 'string' ? value : JSON.stringify(value)
}

function isKv(value: unknown): value is KvReader {
  return typeof value === 'object' && value !== null && typeof (value as KvReader).get === 'function'
}
