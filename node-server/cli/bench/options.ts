/**
 * @module `sluice bench` options: declared for parsing and help, read into `BenchOptions` with
 * defaults (packed mode, 1,000 events per message, 150-byte records, 1 connection, 10 s).
 */

import { parseTime } from '../../../engine/config/types.ts'
import { integerOption, stringOption, UsageError, type OptionSpec, type ParsedOptions } from '../args.ts'

export type BenchMode = 'message' | 'forward' | 'packed' | 'compressed'
export const BENCH_MODES: readonly BenchMode[] = ['message', 'forward', 'packed', 'compressed']

export interface BenchOptions {
  host: string
  port: number
  conns: number
  /** Stop sending after this long (ms); null when --events decides. */
  durationMs: number | null
  /** Total events over all connections; null when --duration decides. */
  events: number | null
  /** Events per second over all connections; null = as fast as possible. */
  rate: number | null
  mode: BenchMode
  /** Events per Forward message (message mode: messages per write). */
  batch: number
  /** Target msgpack size of each record, in bytes. */
  recordSize: number
  tag: string
  ack: boolean
  /** Most unacknowledged messages per connection (with --ack). */
  window: number
  /** A chunk not acknowledged within this is an error (ms). */
  ackTimeoutMs: number
  json: boolean
  /** Live progress on stderr; undefined = when stdout is a TTY. */
  progress: boolean | undefined
  /** Where the loghub samples are (default ../shared/data/loghub from the repo). */
  dataDir: string | undefined
  /** --seq: every record carries a unique `seq` number, starting here; null = off. */
  seqStart: number | null
  /** --reconnect: reopen lost connections and resend unacknowledged messages. */
  reconnect: boolean
}

export const BENCH_OPTIONS: readonly OptionSpec[] = [
  { name: 'host', type: 'string', value: 'HOST', description: 'server address (default 127.0.0.1)' },
  { name: 'port', type: 'string', value: 'PORT', description: 'server port (default 24224)' },
  { name: 'conns', type: 'string', value: 'N', description: 'parallel connections (default 1)' },
  { name: 'duration', type: 'string', value: 'TIME', description: 'how long to send, e.g. 10s, 1m (default 10s)' },
  { name: 'events', type: 'string', value: 'N', description: 'send exactly N events in total instead of --duration' },
  { name: 'rate', type: 'string', value: 'N', description: 'events per second over all connections (default: as fast as possible)' },
  { name: 'mode', type: 'string', value: 'MODE', description: 'message|forward|packed|compressed (default packed)' },
  { name: 'batch', type: 'string', value: 'N', description: 'events per message; message mode: messages per write (default 1000)' },
  { name: 'record-size', type: 'string', value: 'BYTES', description: 'msgpack size of each record (default 150)' },
  { name: 'tag', type: 'string', value: 'TAG', description: 'event tag (default bench.sluice)' },
  { name: 'ack', type: 'flag', description: 'ask for acks (chunk option) and measure their latency' },
  { name: 'window', type: 'string', value: 'N', description: 'most unacknowledged messages per connection with --ack (default 8)' },
  {
    name: 'ack-timeout',
    type: 'string',
    value: 'TIME',
    description: 'an unacknowledged message older than this is an error (default 60s)',
  },
  { name: 'json', type: 'flag', description: 'print the result as JSON' },
  { name: 'progress', type: 'flag', description: 'live progress on stderr even when stdout is not a TTY (--no-progress: never)' },
  { name: 'data', type: 'string', value: 'DIR', description: 'directory of loghub *.log samples (default ../shared/data/loghub)' },
  { name: 'seq', type: 'flag', description: 'number every event: records get a unique "seq" key; --json lists the acknowledged numbers' },
  { name: 'seq-start', type: 'string', value: 'N', description: 'first sequence number with --seq (default 0)' },
  {
    name: 'reconnect',
    type: 'flag',
    description: 'reopen a lost connection (and after an ack timeout) and resend every unacknowledged message',
  },
  { name: 'help', short: 'h', type: 'flag', description: 'this help' },
]

function positive(options: ParsedOptions, name: string, fallback: number, max = 1e12): number {
  const n = integerOption(options, name, 1, max)
  return n ?? fallback
}

function seconds(options: ParsedOptions, name: string): number | undefined {
  const text = stringOption(options, name)
  if (text === undefined) return undefined
  const t = parseTime(text)
  if (!t.ok || t.value <= 0) throw new UsageError(`--${name} must be a positive time such as 10s or 1m, got ${JSON.stringify(text)}`)
  return t.value * 1000
}

export function readBenchOptions(options: ParsedOptions): BenchOptions {
  const mode = (stringOption(options, 'mode') ?? 'packed') as BenchMode
  if (!BENCH_MODES.includes(mode)) throw new UsageError(`--mode must be one of ${BENCH_MODES.join(', ')}, got ${JSON.stringify(mode)}`)
  const events = integerOption(options, 'events', 1) ?? null
  const duration = seconds(options, 'duration')
  if (events !== null && duration !== undefined) throw new UsageError('give --duration or --events, not both')
  const recordSize = positive(options, 'record-size', 150, 16 * 1024 * 1024)
  if (recordSize < 16) throw new UsageError('--record-size must be at least 16 bytes')
  const tag = stringOption(options, 'tag') ?? 'bench.sluice'
  if (tag === '') throw new UsageError('--tag must not be empty')
  return {
    host: stringOption(options, 'host') ?? '127.0.0.1',
    port: integerOption(options, 'port', 1, 65535) ?? 24224,
    conns: positive(options, 'conns', 1, 10_000),
    durationMs: events !== null ? null : (duration ?? 10_000),
    events,
    rate: integerOption(options, 'rate', 1) ?? null,
    mode,
    batch: positive(options, 'batch', 1000, 1_000_000),
    recordSize,
    tag,
    ack: options.ack === true,
    window: positive(options, 'window', 8, 1_000_000),
    ackTimeoutMs: seconds(options, 'ack-timeout') ?? 60_000,
    json: options.json === true,
    progress: typeof options.progress === 'boolean' ? options.progress : undefined,
    dataDir: stringOption(options, 'data'),
    seqStart:
      options.seq === true || stringOption(options, 'seq-start') !== undefined ? (integerOption(options, 'seq-start', 0) ?? 0) : null,
    reconnect: options.reconnect === true,
  }
}
