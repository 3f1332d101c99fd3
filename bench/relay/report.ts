/**
 * @module The relay benchmark's table: one row per scenario and ack setting, one column group per
 * process (CPU %, peak RSS, idle RSS).
 */

import type { RelayRun } from './run-scenario.ts'

const int = (n: number) => Math.round(n).toLocaleString('en-US')
const mb = (b: number | null) => (b === null ? '-' : `${(b / 1048576).toFixed(0)} MB`)
const pct = (p: number | null) => (p === null ? '-' : `${p.toFixed(0)} %`)
const ms = (n: number) => (n >= 100 ? n.toFixed(0) : n.toFixed(1))

export function relayTable(runs: readonly RelayRun[]): string {
  const header = [
    'scenario',
    'ack',
    'events/s',
    'MB/s',
    'delivered/s',
    'delivered',
    'ack p50/p90/p99/max ms',
    'CPU A',
    'CPU B',
    'bench CPU',
    'peak RSS A',
    'peak RSS B',
    'idle RSS A',
    'idle RSS B',
  ]
  const rows = runs.map((r) => {
    const a = r.nodes[0]
    const b = r.nodes[1]
    const l = r.bench.ackLatency
    return [
      `${r.scenario} ${r.title}`,
      r.ack ? 'yes' : 'no',
      int(r.bench.eventsPerSec),
      r.bench.mbPerSec.toFixed(1),
      int(r.deliveredPerSec),
      int(r.delivered),
      l ? `${ms(l.p50Ms)}/${ms(l.p90Ms)}/${ms(l.p99Ms)}/${ms(l.maxMs)}` : '-',
      pct(a?.cpuPercent ?? null),
      pct(b?.cpuPercent ?? null),
      pct((r.bench.cpuMs / r.bench.elapsedMs) * 100),
      mb(a?.peakRssBytes ?? null),
      mb(b?.peakRssBytes ?? null),
      mb(a?.idleRssBytes ?? null),
      mb(b?.idleRssBytes ?? null),
    ]
  })
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)))
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)]
  for (const r of runs) for (const e of r.errors) out.push(`! ${r.scenario} ack=${r.ack ? 'yes' : 'no'}: ${e}`)
  return out.join('\n') + '\n'
}
