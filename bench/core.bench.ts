/**
 * @module `npm run bench`: builds the inputs from the loghub samples, checks that the core and the
 * JavaScript decoders find the same entries, then times the framer, matcher and packer cases and
 * prints one table (case, metric, value, target, ratio vs competitor, PASS/MISS) — or, with
 * `--json`, one JSON document — plus where the core's time goes. Targets are reported, never
 * asserted: the machine is shared and noisy, compare ratios from the same run.
 */

import os from 'node:os'
import { writeFileSync, mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { loadCore } from '../wasm/load-node.ts'
import { framerCases } from './framer.bench.ts'
import { fmt, measureGroup, parseArgs, sinkValue, table, type BenchCase, type Check, type Measurement, type Target } from './harness.ts'
import { buildInputs, describeInputs, DEFAULT_INPUT_OPTIONS, LOGHUB_DIR, type StreamInput } from './inputs.ts'
import { jsonCases } from './json.bench.ts'
import { matcherCases } from './matcher.bench.ts'
import { packerCases } from './packer.bench.ts'

interface Result extends Measurement {
  case: BenchCase
}

interface TargetOutcome {
  case: string
  metric: Target['metric']
  vs?: string
  min: number
  value: number
  pass: boolean
}

function machine() {
  const cpus = os.cpus()
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    availableParallelism: typeof os.availableParallelism === 'function' ? os.availableParallelism() : cpus.length,
    totalMemGB: Number((os.totalmem() / 2 ** 30).toFixed(1)),
    loadavg: os.loadavg().map((x) => Number(x.toFixed(2))),
    platform: `${os.platform()} ${os.release()}`,
    arch: os.arch(),
  }
}

/** Progress goes to stderr so stdout is only the table (or only the JSON). */
function log(msg: string): void {
  process.stderr.write(msg + '\n')
}

function valueOf(r: Result, metric: Target['metric'], results: Map<string, Result>, vs?: string): number {
  if (metric === 'bytesPerSec') return r.bytesPerSec
  if (metric === 'entriesPerSec') return r.entriesPerSec
  const other = vs ? results.get(vs) : undefined
  return other ? r.entriesPerSec / other.entriesPerSec : NaN
}

function targetText(t: Target, unit: string): string {
  if (t.metric === 'bytesPerSec') return `>= ${t.min / 1e9} GB/s`
  if (t.metric === 'entriesPerSec') return `>= ${t.min / 1e6} M ${unit}/s`
  return `>= ${t.min}x`
}

/** The competitor's name for the ratio column: its library, or the case name for a diagnostic. */
const implName = (results: Map<string, Result>, id: string): string => {
  const impl = results.get(id)?.case.impl
  return impl === undefined || impl === 'diagnostic' ? (id.split('.').pop() ?? id) : impl
}

/**
 * Where the core's time goes, from the diagnostic cases of the same run: `best` uses each case's
 * fastest round (the least disturbed by other load, so the parts are comparable), `median` the
 * median round.
 */
function breakdown(
  results: Map<string, Result>,
  packed: StreamInput,
  message: StreamInput,
  which: 'best' | 'median',
  missTagBytes: number,
) {
  /** Milliseconds per operation of a measured case (NaN when it was filtered out). */
  const msPerOp = (id: string): number => {
    const r = results.get(id)
    return r ? 1000 / (which === 'best' ? r.maxOpsPerSec : r.opsPerSec) : NaN
  }
  const perSec = (r: Result | undefined) => (r ? (which === 'best' ? r.maxOpsPerSec : r.opsPerSec) * r.case.entriesPerOp : NaN)
  const perK = (ms: number, entries: number) => (ms * 1e3 * 1000) / entries // µs per 1,000 entries
  const copy = msPerOp('framer.packed.diag.copy-only')
  const frameOnly = msPerOp('framer.packed.diag.frame-only')
  const full = msPerOp('framer.packed.sluice')
  const noCopy = msPerOp('framer.packed.diag.no-copy')
  const whole = msPerOp('framer.packed.diag.whole-copy')
  const socket = msPerOp('framer.packed.diag.socket-64k')
  const mFrameOnly = msPerOp('framer.message.diag.frame-only')
  const mFull = msPerOp('framer.message.sluice')
  const gunzip = msPerOp('framer.compressed.diag.gunzip-only')
  const compressed = msPerOp('framer.compressed.sluice')
  const lookup = results.get('matcher.core.cached')
  const raw = results.get('matcher.diag.raw-export')
  const oneTag = results.get('matcher.diag.one-tag')
  const callFloor = results.get('matcher.diag.call-floor')
  const uniq = results.get('matcher.core.unique')
  const missDfa = results.get('matcher.core.miss-heavy')
  const missNfa = results.get('matcher.nfa.miss-heavy')
  const missNaive = results.get('matcher.naive.miss-heavy')
  const n = packed.entries
  const b = packed.stream.length
  return {
    packed: {
      usPer1000Entries: {
        copy: perK(copy, n),
        frame: perK(frameOnly - copy, n),
        walk: perK(full - frameOnly, n),
        total: perK(full, n),
        frameAndWalkWithoutCopy: perK(noCopy, n),
        wholeStreamCopyThenFrameAndWalk: perK(whole, n),
        socket64kReads: perK(socket, n),
      },
      GBps: {
        copyAlone: b / (copy / 1e3) / 1e9,
        frameAloneWithoutCopy: b / ((frameOnly - copy) / 1e3) / 1e9,
        frameAndWalkWithoutCopy: b / (noCopy / 1e3) / 1e9,
      },
    },
    message: {
      usPer1000Entries: {
        frameWithCopy: perK(mFrameOnly, message.entries),
        walk: perK(mFull - mFrameOnly, message.entries),
        total: perK(mFull, message.entries),
      },
    },
    compressed: { gunzipShare: gunzip / compressed },
    matcher: {
      nsPerLookup: 1e9 / perSec(lookup),
      nsPerLookupRawExport: 1e9 / perSec(raw),
      nsPerLookupOneHotTag: 1e9 / perSec(oneTag),
      nsPerEmptyExportCall: 1e9 / perSec(callFloor),
      nsPerUncachedLookup: 1e9 / perSec(uniq),
      missHeavy: {
        nsPerLookupDfa: 1e9 / perSec(missDfa),
        nsPerLookupNfa: 1e9 / perSec(missNfa),
        nsPerLookupNaive: 1e9 / perSec(missNaive),
        nsPerTagByteDfa: 1e9 / perSec(missDfa) / missTagBytes,
        avgTagBytes: missTagBytes,
      },
    },
  }
}

function breakdownLines(bd: ReturnType<typeof breakdown>): string[] {
  const p = bd.packed.usPer1000Entries
  const g = bd.packed.GBps
  const m = bd.message.usPer1000Entries
  const us = (x: number) => (Number.isFinite(x) ? `${fmt(x, 1)} us` : 'n/a')
  return [
    "Where the core's time goes (same run, each case's fastest round; the parts are separate cases, so they need not add up exactly):",
    `  packed, per 1,000 entries: copy ${us(p.copy)} + frame ${us(p.frame)} + JS entry walk ${us(p.walk)} = ${us(p.total)} measured end to end`,
    `  packed: copy alone ${fmt(g.copyAlone)} GB/s; frame alone (no copy, no walk) ${fmt(g.frameAloneWithoutCopy)} GB/s; frame+walk without copy ${fmt(g.frameAndWalkWithoutCopy)} GB/s`,
    `  packed variants per 1,000 entries: bytes already in WASM ${us(p.frameAndWalkWithoutCopy)}; one whole-stream copy ${us(p.wholeStreamCopyThenFrameAndWalk)}; 64 KiB socket reads ${us(p.socket64kReads)}`,
    `  message mode, per 1,000 entries: copy+frame ${us(m.frameWithCopy)} + JS entry walk ${us(m.walk)} = ${us(m.total)}`,
    `  compressed: gunzipSync is ${Number.isFinite(bd.compressed.gunzipShare) ? (100 * bd.compressed.gunzipShare).toFixed(0) + '%' : 'n/a'} of the sluice compressed case`,
    `  matcher, ns per lookup: lookupAt on the tag mix ${fmt(bd.matcher.nsPerLookup, 1)}; raw routesLookup export ${fmt(bd.matcher.nsPerLookupRawExport, 1)}; ` +
      `one hot tag ${fmt(bd.matcher.nsPerLookupOneHotTag, 1)}; empty export call ${fmt(bd.matcher.nsPerEmptyExportCall, 1)}; cache miss (50 rules evaluated) ${fmt(bd.matcher.nsPerUncachedLookup, 0)}`,
    `  matcher, miss-heavy (100k distinct tags, avg ${fmt(bd.matcher.missHeavy.avgTagBytes, 1)} B), ns per lookup: DFA ${fmt(bd.matcher.missHeavy.nsPerLookupDfa, 0)} ` +
      `(${fmt(bd.matcher.missHeavy.nsPerTagByteDfa, 2)} ns per tag byte, cache probe and insert included); NFA (DFA off) ${fmt(bd.matcher.missHeavy.nsPerLookupNfa, 0)}; ` +
      `naive 50 RegExps ${fmt(bd.matcher.missHeavy.nsPerLookupNaive, 0)}`,
  ]
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2))
  const started = new Date()
  const mach = machine()
  const inputOptions = { ...DEFAULT_INPUT_OPTIONS, records: opts.records, chunkBytes: opts.chunk }

  log(`bench: building inputs from ${LOGHUB_DIR} ...`)
  const inputs = buildInputs(inputOptions)
  const inputLines = describeInputs(inputs)
  log(`bench: inputs built in ${(inputs.buildMs / 1000).toFixed(1)} s`)

  // One core instance per group: each has its own memory, input region and tables.
  const [framerCore, matcherCore, packerCore, jsonCore] = await Promise.all([loadCore(), loadCore(), loadCore(), loadCore()])
  const framer = framerCases(framerCore, inputs)
  const matcher = matcherCases(matcherCore)
  const packer = packerCases(packerCore, inputs)
  const jsonBench = jsonCases(jsonCore, inputs)
  const checks: Check[] = [...framer.checks, ...matcher.checks, ...packer.checks, ...jsonBench.checks]
  for (const c of checks) if (!c.ok) log(`bench: CHECK FAILED ${c.id}: ${c.detail}`)

  const all = [...framer.cases, ...matcher.cases, ...packer.cases, ...jsonBench.cases]
  const selected = opts.filter ? all.filter((c) => opts.filter!.test(c.id)) : all
  // Cases compared with each other run their rounds interleaved (see measureGroup).
  const groups = new Map<string, BenchCase[]>()
  for (const c of selected) {
    const key = c.group === 'framer' || c.group === 'json' ? `${c.group}.${c.input}` : c.group
    groups.set(key, [...(groups.get(key) ?? []), c])
  }
  const results = new Map<string, Result>()
  for (const [key, group] of groups) {
    log(`bench: ${key}: ${group.length} cases, ${opts.rounds} interleaved rounds of ~${fmt((opts.time / opts.rounds) * 1000, 0)} ms each`)
    const ms = measureGroup(group, opts, (c) => log(`bench:   warm-up ${c.id}`))
    group.forEach((c, i) => results.set(c.id, { ...ms[i], case: c }))
  }

  // Targets and ratios, all from this run.
  const outcomes: TargetOutcome[] = []
  const rows: string[][] = [['case', 'metric', 'value', 'target', 'ratio vs competitor (same run)', 'PASS/MISS', 'best round (spread)']]
  for (const r of results.values()) {
    const c = r.case
    const spread = `±${fmt((100 * (r.maxOpsPerSec - r.minOpsPerSec)) / 2 / r.opsPerSec, 0)}%`
    const best = (perOp: number, scale: number) => `${fmt((r.maxOpsPerSec * perOp) / scale)} (${spread})`
    const ratios = (c.compareTo ?? [])
      .filter((id) => results.has(id))
      .map((id) => `${fmt(r.entriesPerSec / results.get(id)!.entriesPerSec)}x ${implName(results, id)}`)
      .join(', ')
    const find = (metric: Target['metric']) => c.targets?.find((t) => t.metric === metric)
    const judge = (t: Target | undefined, value: number): string => {
      if (!t) return ''
      const pass = value >= t.min
      outcomes.push({ case: c.id, metric: t.metric, vs: t.vs, min: t.min, value, pass })
      return pass ? 'PASS' : 'MISS'
    }
    let label = c.label
    if (c.bytesPerOp > 0) {
      const t = find('bytesPerSec')
      rows.push([
        label,
        'GB/s',
        fmt(r.bytesPerSec / 1e9),
        t ? targetText(t, c.unit) : '',
        '',
        judge(t, r.bytesPerSec),
        best(c.bytesPerOp, 1e9),
      ])
      label = ''
    }
    const te = find('entriesPerSec')
    rows.push([
      label,
      `M ${c.unit}/s`,
      fmt(r.entriesPerSec / 1e6),
      te ? targetText(te, c.unit) : '',
      ratios,
      judge(te, r.entriesPerSec),
      best(c.entriesPerOp, 1e6),
    ])
    for (const t of c.targets ?? []) {
      if (t.metric !== 'ratio' || !t.vs || !results.has(t.vs)) continue
      const v = valueOf(r, 'ratio', results, t.vs)
      rows.push([
        '',
        `speed-up vs ${implName(results, t.vs)}`,
        `${fmt(v)}x`,
        targetText(t, c.unit),
        `${fmt(v)}x ${implName(results, t.vs)}`,
        judge(t, v),
        '',
      ])
    }
  }
  const missTagBytes = Number(matcher.info.missHeavyAvgTagBytes)
  const bd = breakdown(results, inputs.packed, inputs.message, 'best', missTagBytes)
  const bdMedian = breakdown(results, inputs.packed, inputs.message, 'median', missTagBytes)
  const pass = outcomes.filter((o) => o.pass).length
  const miss = outcomes.length - pass

  const doc = {
    benchmark: 'sluice core (npm run bench)',
    date: started.toISOString(),
    node: process.version,
    v8: process.versions.v8,
    machine: mach,
    options: opts.filter ? { ...opts, filter: opts.filter.source } : opts,
    inputs: {
      source: LOGHUB_DIR,
      license: 'loghub (https://github.com/logpai/loghub), read in place; see LICENSE there',
      records: inputs.records.records.length,
      recordBytes: { average: inputs.records.averageBytes, min: inputs.records.minBytes, max: inputs.records.maxBytes },
      entriesPerMessage: inputOptions.entriesPerMessage,
      chunkBytes: inputOptions.chunkBytes,
      sources: inputs.records.sources,
      streams: Object.fromEntries(
        [inputs.packed, inputs.message, inputs.forward, inputs.compressed].map((s) => [
          s.name,
          {
            messages: s.messages,
            entries: s.entries,
            bytes: s.stream.length,
            chunks: s.chunks.length,
            recordBytes: s.recordBytes,
            inflatedBytes: s.inflatedBytes || undefined,
          },
        ]),
      ),
      buildMs: Math.round(inputs.buildMs),
    },
    matcher: matcher.info,
    packer: packer.info,
    json: jsonBench.info,
    checks,
    cases: [...results.values()].map((r) => ({
      id: r.case.id,
      group: r.case.group,
      input: r.case.input,
      label: r.case.label,
      impl: r.case.impl,
      description: r.case.description,
      unit: r.case.unit,
      bytesPerOp: r.case.bytesPerOp,
      entriesPerOp: r.case.entriesPerOp,
      opsPerSec: r.opsPerSec,
      bytesPerSec: r.bytesPerSec,
      entriesPerSec: r.entriesPerSec,
      minOpsPerSec: r.minOpsPerSec,
      maxOpsPerSec: r.maxOpsPerSec,
      roundsOpsPerSec: r.rounds,
      opsPerRound: r.opsPerRound,
      warmupOps: r.warmupOps,
      seconds: r.seconds,
      ratios: Object.fromEntries(
        (r.case.compareTo ?? []).filter((id) => results.has(id)).map((id) => [id, r.entriesPerSec / results.get(id)!.entriesPerSec]),
      ),
    })),
    targets: outcomes,
    summary: { targets: outcomes.length, pass, miss, checksFailed: checks.filter((c) => !c.ok).length },
    breakdown: { best: bd, median: bdMedian },
    sink: sinkValue(),
  }
  const json = JSON.stringify(doc, null, 2)
  if (opts.out) {
    mkdirSync(dirname(opts.out), { recursive: true })
    writeFileSync(opts.out, json + '\n')
    log(`bench: wrote ${opts.out}`)
  }
  if (opts.json) {
    process.stdout.write(json + '\n')
    return
  }

  const out: string[] = []
  out.push(`sluice core benchmark — ${started.toISOString()}`)
  out.push(
    `machine: ${mach.cpuModel}, ${mach.cores} cores (${mach.availableParallelism} available), ${mach.totalMemGB} GB, ` +
      `load ${mach.loadavg.join(' ')}; node ${process.version} (V8 ${process.versions.v8}), ${mach.platform} ${mach.arch}`,
  )
  out.push(
    `options: --time ${opts.time} s, --rounds ${opts.rounds} (median), --warmup ${opts.warmup} s${opts.filter ? `, --filter ${opts.filter.source}` : ''}`,
  )
  for (const l of inputLines) out.push(`input ${l}`)
  out.push(
    `matcher: ${matcher.info.rules} rules (${matcher.info.filters} filters), ${matcher.info.distinctTags} tags ` +
      `(${matcher.info.tagsWithoutMatch} without a match; ${((100 * Number(matcher.info.sequenceWithoutMatch)) / Number(matcher.info.sequenceLength)).toFixed(0)}% of lookups), ` +
      `${matcher.info.sequenceLength} lookups per op; packer: ${packer.info.entries} entries per op into 1 MiB chunks (~${packer.info.entriesPerSealedMessage} entries per sealed message)`,
  )
  const failed = checks.filter((c) => !c.ok)
  out.push(
    failed.length === 0
      ? `checks: ${checks.length} passed (core, @msgpack/msgpack and msgpackr find the same entries, times and record bytes; core routes == naive routes; packed output decodes)`
      : `checks: ${failed.length} of ${checks.length} FAILED:\n${failed.map((c) => `  ${c.id}: ${c.detail}`).join('\n')}`,
  )
  out.push('')
  out.push(table(rows))
  out.push('')
  out.push(
    `targets: ${pass} PASS, ${miss} MISS (of ${outcomes.length}); GB = 1e9 bytes; ratios compare entries/s of the same bytes in this run`,
  )
  out.push('')
  out.push(...breakdownLines(bd))
  process.stdout.write(out.join('\n') + '\n')
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e)
  process.exit(1)
})
