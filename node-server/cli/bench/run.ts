/**
 * @module Runs a `sluice bench` load: builds the records and units, opens every connection, sends
 * for --duration or --events (split evenly over the connections, --rate too), reports progress
 * once per second through a callback, and returns the totals: events, bytes, elapsed time,
 * events/s, MB/s and the ack latency summary.
 */

import type { Core } from '../../../wasm/core.ts'
import { loadCore } from '../../../wasm/load-node.ts'
import { BenchConnection } from './connection.ts'
import { Histogram, type LatencySummary } from './histogram.ts'
import type { BenchOptions } from './options.ts'
import { Payloads } from './payloads.ts'
import { buildRecordPool, LOGHUB_DIR } from './records.ts'
import { RangeSet, SeqCounter, SeqMessages } from './seq.ts'

export interface BenchResult {
  target: string
  mode: string
  conns: number
  batch: number
  ack: boolean
  window: number | null
  rate: number | null
  records: { source: 'loghub' | 'generated'; detail: string; meanBytes: number }
  /** Events written (and acknowledged, with --ack). */
  events: number
  ackedEvents: number | null
  messages: number
  /** Bytes written on the wire (messages with their framing). */
  bytes: number
  recordBytes: number
  elapsedMs: number
  eventsPerSec: number
  /** Wire megabytes (10^6 bytes) per second. */
  mbPerSec: number
  ackLatency: LatencySummary | null
  /** CPU the bench process used while sending (user + system, ms): is the load generator the limit? */
  cpuMs: number
  /** --reconnect: connections opened again, events sent again. */
  reconnects: number
  resentEvents: number
  /** --seq: the numbers handed out were [first, next); `acked` lists the acknowledged ones as [from, to) ranges. */
  seq: { first: number; next: number; acked: [number, number][] } | null
  errors: string[]
}

export interface ProgressSample {
  elapsedMs: number
  events: number
  bytes: number
  ackedEvents: number
  inflight: number
  eventsPerSec: number
  mbPerSec: number
}

export interface BenchHooks {
  /** Called once per second while sending. */
  progress?(sample: ProgressSample): void
  core?: Core
}

function split(total: number, parts: number, i: number): number {
  return Math.floor(total / parts) + (i < total % parts ? 1 : 0)
}

/**
 * @example
 * const result = await runBench({ ...options, port: 24224, events: 100_000 })
 * console.log(result.eventsPerSec)
 */
export async function runBench(options: BenchOptions, hooks: BenchHooks = {}): Promise<BenchResult> {
  const pool = buildRecordPool(options.recordSize, options.dataDir ?? LOGHUB_DIR)
  const core = hooks.core ?? (await loadCore())
  const payloads = new Payloads(core, pool, options.mode, options.batch, options.tag, options.ack)
  const seq =
    options.seqStart === null
      ? null
      : {
          messages: new SeqMessages(pool, options.mode, options.tag, options.ack),
          counter: new SeqCounter(options.seqStart),
          acked: new RangeSet(),
        }
  const conns: BenchConnection[] = []
  for (let i = 0; i < options.conns; i++) {
    conns.push(
      new BenchConnection({
        host: options.host,
        port: options.port,
        payloads,
        ack: options.ack,
        window: options.window,
        rate: options.rate === null ? null : options.rate / options.conns,
        quota: options.events === null ? null : split(options.events, options.conns, i),
        burst: options.mode === 'message' ? options.batch : 1,
        ackTimeoutMs: options.ackTimeoutMs,
        seq,
        reconnect: options.reconnect,
      }),
    )
  }
  const connected = await Promise.allSettled(
    conns.map((c) => (options.reconnect ? connectRetrying(c, Date.now() + options.ackTimeoutMs) : c.connect())),
  )
  const refused = connected.find((r): r is PromiseRejectedResult => r.status === 'rejected')
  if (refused) {
    for (const c of conns) c.abort()
    throw refused.reason
  }
  const start = Date.now()
  const cpuStart = process.cpuUsage()
  const stopAt = options.durationMs === null ? null : start + options.durationMs
  let last = { at: start, events: 0, bytes: 0 }
  const timer = hooks.progress
    ? setInterval(() => {
        const now = Date.now()
        const events = sum(conns, (c) => c.stats.events)
        const bytes = sum(conns, (c) => c.stats.bytes)
        const dt = (now - last.at) / 1000
        hooks.progress!({
          elapsedMs: now - start,
          events,
          bytes,
          ackedEvents: sum(conns, (c) => c.stats.ackedEvents),
          inflight: sum(conns, (c) => c.inflightCount),
          eventsPerSec: (events - last.events) / dt,
          mbPerSec: (bytes - last.bytes) / dt / 1e6,
        })
        last = { at: now, events, bytes }
      }, 1000)
    : null
  try {
    await Promise.all(conns.map((c) => c.run(stopAt)))
  } finally {
    if (timer) clearInterval(timer)
  }
  const cpu = process.cpuUsage(cpuStart)
  const finished = Math.max(...conns.map((c) => c.stats.finishedAt))
  const elapsedMs = Math.max(1, (finished > 0 ? finished : Date.now()) - start)
  const latency = new Histogram()
  for (const c of conns) latency.merge(c.stats.latency)
  const events = sum(conns, (c) => c.stats.events)
  const ackedEvents = sum(conns, (c) => c.stats.ackedEvents)
  const bytes = sum(conns, (c) => c.stats.bytes)
  const counted = options.ack ? ackedEvents : events
  const errors = conns.flatMap((c, i) => (c.stats.error ? [`connection ${i + 1}: ${c.stats.error}`] : []))
  const unknown = sum(conns, (c) => c.stats.unknownAcks)
  if (unknown > 0) errors.push(`${unknown} acks matched no message sent`)
  return {
    target: `${options.host}:${options.port}`,
    mode: options.mode,
    conns: options.conns,
    batch: options.batch,
    ack: options.ack,
    window: options.ack ? options.window : null,
    rate: options.rate,
    records: { source: pool.source, detail: pool.detail, meanBytes: pool.meanBytes },
    events,
    ackedEvents: options.ack ? ackedEvents : null,
    messages: sum(conns, (c) => c.stats.messages),
    bytes,
    recordBytes: sum(conns, (c) => c.stats.recordBytes),
    elapsedMs,
    eventsPerSec: counted / (elapsedMs / 1000),
    mbPerSec: bytes / (elapsedMs / 1000) / 1e6,
    ackLatency: options.ack ? latency.summary() : null,
    cpuMs: (cpu.user + cpu.system) / 1000,
    reconnects: sum(conns, (c) => c.stats.reconnects),
    resentEvents: sum(conns, (c) => c.stats.resentEvents),
    seq: seq === null ? null : { first: seq.counter.first, next: seq.counter.next, acked: seq.acked.toJSON() },
    errors,
  }
}

function sum(conns: readonly BenchConnection[], f: (c: BenchConnection) => number): number {
  let s = 0
  for (const c of conns) s += f(c)
  return s
}

/** --reconnect: the first connection is retried too (the server may be restarting). */
async function connectRetrying(c: BenchConnection, until: number): Promise<void> {
  for (let wait = 50; ; wait = Math.min(wait * 2, 1_000)) {
    try {
      return await c.connect()
    } catch (error) {
      if (Date.now() + wait > until) throw error
      await new Promise((resolve) => setTimeout(resolve, wait))
    }
  }
}
