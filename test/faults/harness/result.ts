/**
 * @module What a fault scenario reports, and the table `npm run test:faults` prints: scenario,
 * sent, acked, delivered, duplicated, lost acked, lost unacked, peak RSS per process, duration.
 */

import type { BenchResult } from '../../../node-server/cli/bench/run.ts'
import type { Tally } from './count.ts'

export interface ScenarioResult {
  id: string
  title: string
  tally: Tally
  /** Peak RSS (bytes) per process: bench, forwarder, receiver, and any other the scenario ran. */
  peakRss: Record<string, number>
  durationS: number
  /** Unexpected exits of the sluice processes (a crash, never a kill the scenario did). */
  crashes: number
  bench: BenchResult
  /** What happened, for the report (kills, outages, mounts, fuzz counts…). */
  notes: string[]
  /** The most duplicates the scenario allows (what can be in flight at its faults), when it sets one. */
  duplicateBound?: number
}

export interface ScenarioOptions {
  /** Scratch directory (removed by the caller). */
  dir: string
  /** Main load time in seconds; each scenario scales its phases from it. */
  durationS: number
  /** Bench events per second. */
  rate: number
  /** Progress lines. */
  log: (line: string) => void
}

const mb = (n: number | undefined) => (n === undefined || n === 0 ? '-' : `${(n / 1024 / 1024).toFixed(0)} MB`)
const int = (n: number) => n.toLocaleString('en-US')

/** The table of every run. */
export function resultTable(results: readonly ScenarioResult[]): string {
  const head = [
    'scenario',
    'sent',
    'acked',
    'delivered',
    'duplicated',
    'lost acked',
    'lost unacked',
    'peak RSS bench / forwarder / receiver',
    'duration',
  ]
  const rows = results.map((r) => [
    r.id,
    int(r.tally.sent),
    int(r.tally.acked),
    int(r.tally.delivered),
    int(r.tally.duplicated),
    int(r.tally.lostAcked),
    int(r.tally.lostUnacked),
    `${mb(r.peakRss.bench)} / ${mb(r.peakRss.forwarder)} / ${mb(r.peakRss.receiver)}`,
    `${r.durationS.toFixed(0)} s`,
  ])
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)))
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 0 || i === 7 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`
  const out = [
    line(head),
    `|${widths.map((w, i) => (i === 0 || i === 7 ? ':' : '-') + '-'.repeat(w) + (i === 0 || i === 7 ? '-' : ':')).join('|')}|`,
    ...rows.map(line),
  ]
  const notes = results.flatMap((r) => r.notes.map((n) => `- ${r.id}: ${n}`))
  return out.join('\n') + '\n' + (notes.length ? `\n${notes.join('\n')}\n` : '')
}
