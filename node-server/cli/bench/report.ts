/**
 * @module How `sluice bench` shows its numbers: a progress line (stderr, once per second) and the
 * final table, or the result as JSON.
 */

import type { BenchResult, ProgressSample } from './run.ts'

const int = (n: number) => Math.round(n).toLocaleString('en-US')
const ms = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2)) + ' ms'

export function progressLine(s: ProgressSample): string {
  const parts = [
    `[${(s.elapsedMs / 1000).toFixed(0).padStart(4)}s]`,
    `${int(s.events)} events`,
    `${int(s.eventsPerSec)} ev/s`,
    `${s.mbPerSec.toFixed(1)} MB/s`,
  ]
  if (s.inflight > 0 || s.ackedEvents > 0) parts.push(`acked ${int(s.ackedEvents)}`, `in flight ${s.inflight}`)
  return parts.join('  ')
}

/** The final table (metric, value). */
export function resultTable(r: BenchResult): string {
  const rows: [string, string][] = [
    ['target', r.target],
    [
      'mode',
      `${r.mode}, ${r.mode === 'message' ? `${r.batch} messages per write` : `${r.batch} events per message`}, ${r.conns} connection${r.conns === 1 ? '' : 's'}`,
    ],
    ['ack', r.ack ? `yes, window ${r.window} per connection` : 'no'],
    ['rate limit', r.rate === null ? 'none' : `${int(r.rate)} events/s`],
    ['records', `${r.records.detail}; ${r.records.meanBytes.toFixed(0)} B each`],
    [
      'events',
      `${int(r.events)} sent${r.ackedEvents !== null ? `, ${int(r.ackedEvents)} acknowledged` : ''} in ${int(r.messages)} messages`,
    ],
    ['elapsed', `${(r.elapsedMs / 1000).toFixed(2)} s`],
    ['events/s', int(r.eventsPerSec)],
    ['MB/s', `${r.mbPerSec.toFixed(1)} (wire; ${int(r.bytes)} bytes)`],
  ]
  if (r.ackLatency) {
    const l = r.ackLatency
    rows.push(['ack latency', `p50 ${ms(l.p50Ms)}  p90 ${ms(l.p90Ms)}  p99 ${ms(l.p99Ms)}  max ${ms(l.maxMs)}  (${int(l.count)} acks)`])
  }
  if (r.reconnects > 0) rows.push(['reconnects', `${int(r.reconnects)} (${int(r.resentEvents)} unacknowledged events sent again)`])
  if (r.seq)
    rows.push([
      'seq',
      `${int(r.seq.first)} … ${int(r.seq.next - 1)}${r.ack ? `, ${int(r.seq.acked.reduce((n, [a, b]) => n + b - a, 0))} acknowledged in ${r.seq.acked.length} ranges` : ''}`,
    ])
  rows.push(['bench CPU', `${(r.cpuMs / 1000).toFixed(2)} s (${((r.cpuMs / r.elapsedMs) * 100).toFixed(0)} % of one core)`])
  for (const e of r.errors) rows.push(['error', e])
  const width = Math.max(...rows.map(([k]) => k.length)) + 2
  return rows.map(([k, v]) => `${k.padEnd(width)}${v}`).join('\n') + '\n'
}

export function resultJson(r: BenchResult): string {
  return JSON.stringify(r, null, 2) + '\n'
}
