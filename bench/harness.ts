/**
 * @module A tiny benchmark runner: options from the command line, a warm-up, then N timed rounds
 * of a fixed number of operations per case (about `--time` seconds in all, interleaved with the
 * other cases of its comparison group), reporting the median round's ops/s, bytes/s and entries/s
 * with the spread. It asserts nothing about speed: targets
 * are compared and printed by bench/core.bench.ts, never thrown.
 */

import v8 from 'node:v8'
import vm from 'node:vm'

export interface BenchOptions {
  /** Seconds of timed rounds per case (after the warm-up). */
  time: number
  /** Timed rounds per case; the median round is reported. */
  rounds: number
  /** Seconds of warm-up per case. */
  warmup: number
  /** Print one JSON document instead of the table. */
  json: boolean
  /** Also write the JSON document to this file. */
  out: string | null
  /** Only run cases whose id matches. */
  filter: RegExp | null
  /** Records per stream. */
  records: number
  /** Most bytes per core.input() chunk. */
  chunk: number
}

export const USAGE = `usage: tsx bench/core.bench.ts [--json] [--out file.json] [--time s] [--rounds n] [--warmup s]
                              [--filter regex] [--records n] [--chunk bytes]
  --time     seconds of timed rounds per case (default 1)
  --rounds   timed rounds per case, the median is reported (default 10)
  --warmup   seconds of warm-up per case (default 0.3)
  --filter   run only the cases whose id matches (e.g. 'framer\\.packed', 'matcher')
  --records  records per input stream (default 100000)
  --chunk    most bytes handed to core.input() at once, message-aligned (default 1048576)`

export function parseArgs(argv: readonly string[]): BenchOptions {
  const opts: BenchOptions = {
    time: 1,
    rounds: 10,
    warmup: 0.3,
    json: false,
    out: null,
    filter: null,
    records: 100_000,
    chunk: 1 << 20,
  }
  const num = (name: string, v: string | undefined, min: number): number => {
    const n = Number(v)
    if (v === undefined || !Number.isFinite(n) || n < min) throw new Error(`${name} needs a number >= ${min}\n${USAGE}`)
    return n
  }
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].includes('=') ? argv[i].split(/=(.*)/s, 2) : [argv[i], undefined]
    const value = () => inline ?? argv[++i]
    switch (flag) {
      case '--json':
        opts.json = true
        break
      case '--out':
        opts.out = value() ?? null
        break
      case '--time':
        opts.time = num(flag, value(), 0.01)
        break
      case '--rounds':
        opts.rounds = Math.round(num(flag, value(), 1))
        break
      case '--warmup':
        opts.warmup = num(flag, value(), 0)
        break
      case '--filter':
        opts.filter = new RegExp(value() ?? '')
        break
      case '--records':
        opts.records = Math.round(num(flag, value(), 1000))
        break
      case '--chunk':
        opts.chunk = Math.round(num(flag, value(), 1024))
        break
      case '--help':
      // biome-ignore lint/suspicious/noFallthroughSwitchClause: process.exit ends the case
      case '-h':
        console.log(USAGE)
        process.exit(0)
      default:
        throw new Error(`unknown argument ${argv[i]}\n${USAGE}`)
    }
  }
  return opts
}

/** What the implementation under test is. */
export type Impl = 'sluice' | 'sluice-nfa' | '@msgpack/msgpack' | 'msgpackr' | 'naive-regex' | 'diagnostic'

/** A speed target from the issue (printed PASS/MISS, never asserted). */
export interface Target {
  metric: 'bytesPerSec' | 'entriesPerSec' | 'ratio'
  min: number
  /** For `ratio`: the competitor case id. */
  vs?: string
}

export interface BenchCase {
  /** Stable id, e.g. `framer.packed.sluice`. */
  id: string
  group: 'framer' | 'matcher' | 'packer' | 'json'
  /** The input (packed, message, …, or the tag set). */
  input: string
  /** Human label for the table. */
  label: string
  impl: Impl
  /** What one operation does (for the README-style description in the JSON). */
  description: string
  bytesPerOp: number
  entriesPerOp: number
  /** What entriesPerOp counts (`entries`, `lookups`). */
  unit: string
  /** Runs before this case's warm-up (e.g. puts bytes in WASM memory). */
  prepare?: () => void
  /** One operation; returns a checksum that the harness keeps (so the work cannot be elided). */
  run: () => number
  targets?: Target[]
  /** Competitor case ids: ratio = this case's entries/s ÷ theirs (same run). */
  compareTo?: string[]
}

export interface Measurement {
  opsPerSec: number
  bytesPerSec: number
  entriesPerSec: number
  /** Per round, ops/s. */
  rounds: number[]
  minOpsPerSec: number
  maxOpsPerSec: number
  opsPerRound: number
  warmupOps: number
  /** Seconds spent in timed rounds. */
  seconds: number
  checksum: number
}

/** Keeps every checksum alive. */
let sink = 0

export function sinkValue(): number {
  return sink
}

/** Node's gc() when it can be had without a command-line flag (to start each case with a clean heap). */
const gc: (() => void) | null = (() => {
  try {
    v8.setFlagsFromString('--expose-gc')
    return vm.runInNewContext('gc') as () => void
  } catch {
    return null
  }
})()

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

interface Calibrated {
  c: BenchCase
  warmupOps: number
  opsPerRound: number
  rounds: number[]
  seconds: number
  checksum: number
}

/** Warm-up (at least 3 operations and `warmup` seconds), then sizes a round to time/rounds seconds. */
function calibrate(c: BenchCase, opts: BenchOptions): Calibrated {
  c.prepare?.()
  gc?.()
  let warmupOps = 0
  let t0 = performance.now()
  do {
    sink = (sink + c.run()) | 0
    warmupOps++
  } while (warmupOps < 3 || performance.now() - t0 < opts.warmup * 1000)
  // Re-time a few operations now that the code is optimized.
  const probe = Math.max(1, Math.ceil(warmupOps * 0.25))
  t0 = performance.now()
  for (let i = 0; i < probe; i++) sink = (sink + c.run()) | 0
  const perOpMs = Math.max((performance.now() - t0) / probe, 1e-6)
  const opsPerRound = Math.max(1, Math.round((opts.time * 1000) / opts.rounds / perOpMs))
  return { c, warmupOps, opsPerRound, rounds: [], seconds: 0, checksum: 0 }
}

/**
 * Measures a group of cases that will be compared with each other: each is warmed up and sized,
 * then the timed rounds run round-robin (case A round 1, case B round 1, …, A round 2, …) so a
 * burst of load on the shared machine hits every case of the group alike. Before each round: the
 * case's `prepare` and a garbage collection (neither timed), so no case pays for another's garbage.
 * The median round counts.
 */
export function measureGroup(cases: readonly BenchCase[], opts: BenchOptions, onCase?: (c: BenchCase) => void): Measurement[] {
  const cal = cases.map((c) => {
    onCase?.(c)
    return calibrate(c, opts)
  })
  for (let r = 0; r < opts.rounds; r++) {
    for (const k of cal) {
      k.c.prepare?.()
      gc?.()
      const run = k.c.run
      const n = k.opsPerRound
      let checksum = k.checksum
      const start = performance.now()
      for (let i = 0; i < n; i++) checksum = (checksum + run()) | 0
      const ms = performance.now() - start
      k.checksum = checksum
      k.seconds += ms / 1000
      k.rounds.push((n * 1000) / ms)
    }
  }
  return cal.map((k) => {
    sink = (sink + k.checksum) | 0
    const opsPerSec = median(k.rounds)
    return {
      opsPerSec,
      bytesPerSec: opsPerSec * k.c.bytesPerOp,
      entriesPerSec: opsPerSec * k.c.entriesPerOp,
      rounds: k.rounds,
      minOpsPerSec: Math.min(...k.rounds),
      maxOpsPerSec: Math.max(...k.rounds),
      opsPerRound: k.opsPerRound,
      warmupOps: k.warmupOps,
      seconds: k.seconds,
      checksum: k.checksum,
    }
  })
}

// ---- formatting --------------------------------------------------------------------------------

export function fmt(n: number, digits = 2): string {
  if (!Number.isFinite(n)) return String(n)
  return n.toFixed(digits)
}

/** Renders rows as an aligned text table (first row is the header). */
export function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)))
  const line = (r: readonly string[]) =>
    r
      .map((cell, i) => (cell ?? '').padEnd(widths[i]))
      .join('  ')
      .trimEnd()
  const sep = widths.map((w) => '-'.repeat(w)).join('  ')
  return [line(rows[0]), sep, ...rows.slice(1).map(line)].join('\n')
}

/** A correctness check run before timing (counts against what the inputs hold). */
export interface Check {
  id: string
  ok: boolean
  detail: string
}

/** Compares named numbers; one Check with every difference listed. */
export function compare(id: string, got: Record<string, number>, want: Record<string, number>): Check {
  const diffs = Object.keys(want)
    .filter((k) => got[k] !== want[k])
    .map((k) => `${k}: got ${got[k]}, want ${want[k]}`)
  return {
    id,
    ok: diffs.length === 0,
    detail:
      diffs.length === 0
        ? Object.entries(got)
            .map(([k, v]) => `${k}=${v}`)
            .join(' ')
        : diffs.join('; '),
  }
}
