/**
 * @module `bench:compare`'s results: one row per (scenario, server) with the median of its runs,
 * and the text table — events/s (and req/s for HTTP), the range of the runs, server CPU %, peak and
 * idle RSS, and sluice's ratios to every other server of the same scenario (events/s, and events
 * per CPU-second).
 */

export interface RunResult {
  /** Events per second (end to end at the sink for the relay). */
  eventsPerSec: number
  /** Requests per second (HTTP only). */
  requestsPerSec?: number
  /** Server CPU over the run, 100 = one core busy (null when it could not be read). */
  cpuPct: number | null
  seconds: number
  /** The relay: events/s the relay acknowledged (what the load generator saw). */
  ingestPerSec?: number
  errors: string[]
}

export interface Row {
  scenario: string
  title: string
  server: string
  runs: RunResult[]
  eventsPerSec: number
  minEventsPerSec: number
  maxEventsPerSec: number
  requestsPerSec: number | null
  ingestPerSec: number | null
  cpuPct: number | null
  peakRssBytes: number | null
  idleRssBytes: number | null
  /** idle-rss only: the RSS once it stopped changing after start (idleRssBytes is read after IDLE_WAIT_MS). */
  startRssBytes?: number | null
  errors: string[]
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

export function summarize(
  scenario: { id: string; title: string },
  server: string,
  runs: RunResult[],
  rss: { peak: number | null; idle: number | null; start?: number | null },
): Row {
  const ok = runs.filter((r) => r.errors.length === 0)
  const eps = ok.map((r) => r.eventsPerSec)
  const cpus = ok.map((r) => r.cpuPct).filter((c): c is number => c !== null)
  const rps = ok.map((r) => r.requestsPerSec).filter((c): c is number => c !== undefined)
  const ingest = ok.map((r) => r.ingestPerSec).filter((c): c is number => c !== undefined)
  return {
    scenario: scenario.id,
    title: scenario.title,
    server,
    runs,
    eventsPerSec: eps.length ? median(eps) : 0,
    minEventsPerSec: eps.length ? Math.min(...eps) : 0,
    maxEventsPerSec: eps.length ? Math.max(...eps) : 0,
    requestsPerSec: rps.length ? median(rps) : null,
    ingestPerSec: ingest.length ? median(ingest) : null,
    cpuPct: cpus.length ? median(cpus) : null,
    peakRssBytes: rss.peak,
    idleRssBytes: rss.idle,
    ...(rss.start !== undefined ? { startRssBytes: rss.start } : {}),
    errors: runs.flatMap((r) => r.errors),
  }
}

const si = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k` : n.toFixed(0))
const mb = (b: number | null) => (b === null ? '-' : `${(b / 1048576).toFixed(0)} MB`)
/** The idle-rss row's figures, to 0.1 MB: idle, and at start. */
const mbIdle = (r: Row) =>
  r.idleRssBytes === null
    ? '-'
    : `${(r.idleRssBytes / 1048576).toFixed(1)} MB${r.startRssBytes ? ` (start ${(r.startRssBytes / 1048576).toFixed(1)})` : ''}`

/** Events per CPU-second (how much work one core-second buys). */
const efficiency = (r: Row) => (r.cpuPct && r.cpuPct > 0 ? r.eventsPerSec / (r.cpuPct / 100) : Number.NaN)

/** sluice's figures over this row's (×): events/s and events per CPU-second. */
function ratios(rows: readonly Row[], r: Row): [string, string] {
  const s = rows.find((x) => x.scenario === r.scenario && x.server === 'sluice')
  if (!s || r.server === 'sluice' || r.eventsPerSec === 0 || s.eventsPerSec === 0) return ['', '']
  const e = efficiency(s) / efficiency(r)
  return [`${(s.eventsPerSec / r.eventsPerSec).toFixed(2)}x`, Number.isFinite(e) ? `${e.toFixed(2)}x` : '-']
}

export function compareTable(rows: readonly Row[]): string {
  const header = ['scenario', 'server', 'events/s', 'runs min–max', 'req/s', 'CPU', 'peak RSS', 'idle RSS', 'sluice ÷ this', 'per CPU-s']
  const body = rows.map((r) => {
    const [speed, eff] = ratios(rows, r)
    const idle = r.scenario === 'idle-rss'
    return [
      r.scenario,
      r.server,
      idle ? '-' : r.eventsPerSec > 0 ? si(r.eventsPerSec) : 'failed',
      idle || r.runs.length === 0 ? '-' : `${si(r.minEventsPerSec)}–${si(r.maxEventsPerSec)}`,
      r.requestsPerSec === null ? '' : si(r.requestsPerSec),
      r.cpuPct === null ? '-' : `${r.cpuPct.toFixed(0)} %`,
      mb(r.peakRssBytes),
      idle ? mbIdle(r) : mb(r.idleRssBytes),
      idle ? idleRatio(rows, r) : speed,
      idle ? '' : eff,
    ]
  })
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)))
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('  ')
      .trimEnd()
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('  ')]
  let last = ''
  for (let i = 0; i < rows.length; i++) {
    if (rows[i].scenario !== last && last !== '') out.push('')
    last = rows[i].scenario
    out.push(line(body[i]))
  }
  for (const r of rows) for (const e of [...new Set(r.errors)]) out.push(`! ${r.scenario} ${r.server}: ${e}`)
  return `${out.join('\n')}\n`
}

/** For idle RSS the ratio is memory: sluice's idle RSS over this one's. */
function idleRatio(rows: readonly Row[], r: Row): string {
  const s = rows.find((x) => x.scenario === r.scenario && x.server === 'sluice')
  if (!s || r.server === 'sluice' || !s.idleRssBytes || !r.idleRssBytes) return ''
  return `${(s.idleRssBytes / r.idleRssBytes).toFixed(2)}x RSS`
}
