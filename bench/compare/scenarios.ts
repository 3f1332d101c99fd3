/**
 * @module The scenarios of `bench:compare` (the Performance issue's table) and how each server is
 * configured for them: sluice as a config, Fluent Bit as command-line arguments, the baselines as
 * their own servers. Every server does the same job on the same bytes:
 *
 * | id | load | sluice | baseline | Fluent Bit |
 * |---|---|---|---|---|
 * | forward-ack1 | PackedForward, ack window 1 | in_forward → out_null | JS sink | in_forward → null |
 * | forward-noack | no ack (the run ends when the server read everything) | same | same | same |
 * | forward-ack8 | ack window 8 | same | same | same |
 * | grep-ack8 | ack window 8 | + filter_grep exclude level /^debug$/ | JS sink dropping level == "debug" | + grep exclude=level ^debug$ |
 * | gzip-ack | CompressedPackedForward, ack window 1 | in_forward → out_null | JS sink (gunzip) | in_forward → null |
 * | relay-ack | ack window 8 → relay → out_forward(require_ack_response) → JS sink; events/s end to end at the sink | out_forward, flush 0.1 s | — | out forward, Flush 0.1 s |
 * | relay-keepalive | same as relay-ack | + `keepalive true`: one connection, chunks of the 4 flush threads pipelined on it | — | same as relay-ack (its upstream keeps connections alive by default) |
 * | http-json | POST of a 100-event JSON array, 8 keep-alive connections | in_http → out_null | node:http + JSON.parse + msgpack encode per record | in_http → null |
 * | idle-rss | none: RSS after 15 s without traffic (and once settled after start) | in_forward → out_null | JS sink, naive HTTP | in_forward → null |
 */

import { FORWARD_BUFFER } from '../relay/scenarios.ts'

export type ScenarioId =
  | 'forward-ack1'
  | 'forward-noack'
  | 'forward-ack8'
  | 'grep-ack8'
  | 'gzip-ack'
  | 'relay-ack'
  | 'relay-keepalive'
  | 'http-json'
  | 'idle-rss'

export interface ForwardLoad {
  ack: boolean
  window: number
  compress: boolean
  conns: number
  /** Share of --events this scenario sends (gzip is slower to build and to read). */
  eventsShare: number
}

export type Scenario =
  | { id: ScenarioId; kind: 'forward'; title: string; load: ForwardLoad; grep: boolean }
  | { id: ScenarioId; kind: 'relay'; title: string; load: ForwardLoad; keepalive: boolean }
  | { id: ScenarioId; kind: 'http'; title: string; conns: number }
  | { id: ScenarioId; kind: 'idle'; title: string }

const load = (ack: boolean, window: number, compress = false, eventsShare = 1): ForwardLoad => ({
  ack,
  window,
  compress,
  conns: 1,
  eventsShare,
})

export const SCENARIOS: readonly Scenario[] = [
  { id: 'forward-ack1', kind: 'forward', title: 'in_forward → null, ack window 1', load: load(true, 1), grep: false },
  { id: 'forward-noack', kind: 'forward', title: 'in_forward → null, no ack', load: load(false, 1), grep: false },
  { id: 'forward-ack8', kind: 'forward', title: 'in_forward → null, ack window 8', load: load(true, 8), grep: false },
  { id: 'grep-ack8', kind: 'forward', title: 'in_forward → filter_grep → null, ack window 8', load: load(true, 8), grep: true },
  {
    id: 'gzip-ack',
    kind: 'forward',
    title: 'CompressedPackedForward (gzip) → null, ack window 1',
    load: load(true, 1, true, 0.5),
    grep: false,
  },
  {
    id: 'relay-ack',
    kind: 'relay',
    title: 'relay: in_forward → out_forward(ack) → sink, end to end',
    load: load(true, 8, false, 0.75),
    keepalive: false,
  },
  {
    id: 'relay-keepalive',
    kind: 'relay',
    title: 'relay as relay-ack, out_forward keepalive (pipelined acks on one connection)',
    load: load(true, 8, false, 0.75),
    keepalive: true,
  },
  { id: 'http-json', kind: 'http', title: 'in_http POST of 100-event JSON arrays, 8 keep-alive connections', conns: 8 },
  { id: 'idle-rss', kind: 'idle', title: 'idle RSS, 15 s after start' },
]

const FORWARD_SOURCE = `<source>
  @type forward
  @id in
  bind 127.0.0.1
  port 0
</source>
`

const GREP = `<filter **>
  @type grep
  <exclude>
    key level
    pattern /^debug$/
  </exclude>
</filter>
`

const NULL = `<match **>
  @type null
</match>
`

/** sluice's config for a forward scenario. */
export function sluiceForwardConfig(grep: boolean): string {
  return FORWARD_SOURCE + (grep ? GREP : '') + NULL
}

/**
 * sluice as the relay: out_forward with acks to the sink, flushed every 0.1 s (bench:relay's buffer);
 * with `keepalive` the flush threads' chunks share one connection, their acks pipelined.
 */
export function sluiceRelayConfig(sinkPort: number, withBuffer: boolean, keepalive = false): string {
  return `${FORWARD_SOURCE}<match **>
  @type forward
  require_ack_response true
${keepalive ? '  keepalive true\n' : ''}  <server>
    host 127.0.0.1
    port ${sinkPort}
  </server>
${withBuffer ? FORWARD_BUFFER : ''}</match>
`
}

export function sluiceHttpConfig(): string {
  return `<source>
  @type http
  @id in
  bind 127.0.0.1
  port 0
</source>
${NULL}`
}

/** Fluent Bit's arguments for a forward scenario. */
export function fluentBitForwardArgs(grep: boolean): (port: number) => string[] {
  return (port) => [
    '-q',
    '-i',
    'forward',
    '-p',
    'listen=127.0.0.1',
    '-p',
    `port=${port}`,
    ...(grep ? ['-F', 'grep', '-p', 'exclude=level ^debug$', '-m', '*'] : []),
    '-o',
    'null',
    '-m',
    '*',
  ]
}

/** Fluent Bit as the relay (Flush 0.1 s, like sluice's flush_interval). */
export function fluentBitRelayArgs(sinkPort: number): (port: number) => string[] {
  return (port) => [
    '-q',
    '-f',
    '0.1',
    '-i',
    'forward',
    '-p',
    'listen=127.0.0.1',
    '-p',
    `port=${port}`,
    '-o',
    'forward',
    '-p',
    'host=127.0.0.1',
    '-p',
    `port=${sinkPort}`,
    '-p',
    'require_ack_response=true',
    '-m',
    '*',
  ]
}

export function fluentBitHttpArgs(): (port: number) => string[] {
  return (port) => ['-q', '-i', 'http', '-p', 'listen=127.0.0.1', '-p', `port=${port}`, '-o', 'null', '-m', '*']
}
