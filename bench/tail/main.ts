/**
 * @module `npm run bench:tail`: in_tail read from the head of a file and parsed into out_null,
 * against a plain Node baseline in the same run (readline + JSON.parse or RegExp exec +
 * @msgpack/msgpack encode per line), each in its own process: lines/s, CPU % (user + system over
 * wall time; 100 = one core), peak RSS, and the ratio. Cases: json over generated ~150-byte JSON
 * lines; apache_error and regexp over loghub's Apache_2k.log repeated. Then an RSS check while
 * tailing a 2 GB file (skipped when the disk lacks space). Inputs live in a scratch directory
 * removed at the end. `--help` lists the options.
 */

import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, statfsSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { nodeRegistry } from '../../node-server/plugins/registry.ts'
import { writeApacheFile, writeBigFile, writeJsonFile } from './data.ts'

interface Run {
  lines: number
  seconds: number
  cpuSeconds: number
  peakRss: number
  maxRss: number
  samples?: number[]
}

const HELP = `npm run bench:tail [-- options]
  --lines N          JSON lines (default 2000000)
  --apache-lines N   Apache error lines (default 2000000)
  --reps N           runs of each side per case, the median is shown (default 1)
  --only a,b         cases: json, apache_error, regexp, rss (default all)
  --big-gb G         size of the RSS check's file (default 2)
  --cpu-prof DIR     write a --cpu-prof profile of each sluice run to DIR
  --json             print the results as one JSON document`

const argv = process.argv.slice(2)
if (argv.includes('--help')) {
  console.log(HELP)
  process.exit(0)
}
const opt = (name: string, fallback: string) => {
  const i = argv.indexOf(`--${name}`)
  return i < 0 ? fallback : argv[i + 1]
}
const jsonLines = Number(opt('lines', '2000000'))
const apacheLines = Number(opt('apache-lines', '2000000'))
const reps = Number(opt('reps', '1'))
const only = new Set(opt('only', 'json,apache_error,regexp,rss').split(','))
const bigBytes = Number(opt('big-gb', '2')) * 1024 ** 3
const cpuProf = opt('cpu-prof', '')
const asJson = argv.includes('--json')

const here = new URL('.', import.meta.url).pathname
const progress = (text: string) => process.stderr.write(`${text}\n`)

function child(script: string, args: string[], nodeArgs: string[] = []): Promise<Run> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', join(here, script), ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    p.stdout.setEncoding('utf8').on('data', (t: string) => {
      out += t
    })
    p.stderr.setEncoding('utf8').on('data', (t: string) => {
      err += t
    })
    p.on('close', (code) => {
      const line = out.trim().split('\n').pop() ?? ''
      if (code !== 0 || !line.startsWith('{')) return reject(new Error(`${script} failed (${code}): ${err}`))
      resolve(JSON.parse(line) as Run)
    })
  })
}

function median(runs: Run[]): Run {
  return [...runs].sort((a, b) => a.lines / a.seconds - b.lines / b.seconds)[Math.floor(runs.length / 2)]
}

const APACHE_REGEXP =
  '/^\\[[^ ]* (?<time>[^\\]]*)\\] \\[(?<level>[^\\]]*)\\](?: \\[pid (?<pid>[^\\]]*)\\])?( \\[client (?<client>[^\\]]*)\\])? (?<message>.*)$/'

interface Case {
  name: string
  file: string
  lines: number
  parse: string
  baseline: 'json' | 'regexp'
  /** The target ratio (sluice lines/s over the baseline's). */
  target: number
}

const scratch = mkdtempSync(join(tmpdir(), 'sluice-bench-tail-'))
const results: Record<string, unknown>[] = []
try {
  const cases: Case[] = []
  if (only.has('json')) {
    const file = join(scratch, 'json.log')
    progress(`generating ${jsonLines} JSON lines…`)
    const size = writeJsonFile(file, jsonLines)
    progress(`  ${(size / 1e6).toFixed(0)} MB, ${(size / jsonLines).toFixed(0)} B/line`)
    cases.push({ name: 'json', file, lines: jsonLines, parse: '@type json', baseline: 'json', target: 3 })
  }
  if (only.has('apache_error') || only.has('regexp')) {
    const file = join(scratch, 'apache.log')
    progress(`generating ${apacheLines} Apache error lines (loghub Apache_2k.log repeated)…`)
    const size = writeApacheFile(file, apacheLines)
    progress(`  ${(size / 1e6).toFixed(0)} MB, ${(size / apacheLines).toFixed(0)} B/line`)
    if (only.has('apache_error'))
      cases.push({ name: 'apache_error', file, lines: apacheLines, parse: '@type apache_error', baseline: 'regexp', target: 1.5 })
    if (only.has('regexp')) {
      cases.push({
        name: 'regexp',
        file,
        lines: apacheLines,
        parse: `@type regexp\nexpression ${APACHE_REGEXP}`,
        baseline: 'regexp',
        target: 1.5,
      })
    }
  }
  const registry = nodeRegistry()
  for (const c of cases) {
    const type = /@type (\S+)/.exec(c.parse)![1]
    if (registry.get('parser', type) === undefined) {
      results.push({ case: c.name, skipped: `this build has no parser_${type}` })
      continue
    }
    const sluiceRuns: Run[] = []
    const baseRuns: Run[] = []
    for (let r = 0; r < reps; r++) {
      progress(`${c.name}: baseline run ${r + 1}/${reps}`)
      baseRuns.push(await child('run-baseline.ts', ['--file', c.file, '--mode', c.baseline]))
      progress(`${c.name}: sluice run ${r + 1}/${reps}`)
      // Each thread (the main one, tsx's loader) writes its own profile into the case's directory.
      const prof = cpuProf === '' ? [] : ['--cpu-prof', `--cpu-prof-dir=${join(cpuProf, `${c.name}-${r}`)}`]
      sluiceRuns.push(await child('run-sluice.ts', ['--file', c.file, '--lines', String(c.lines), '--parse', c.parse], prof))
    }
    const s = median(sluiceRuns)
    const b = median(baseRuns)
    const sRate = s.lines / s.seconds
    const bRate = b.lines / b.seconds
    results.push({
      case: c.name,
      lines: c.lines,
      sluice: {
        linesPerSec: Math.round(sRate),
        cpuPercent: Math.round((100 * s.cpuSeconds) / s.seconds),
        peakRssMB: Math.round(s.peakRss / 2 ** 20),
      },
      baseline: {
        linesPerSec: Math.round(bRate),
        cpuPercent: Math.round((100 * b.cpuSeconds) / b.seconds),
        peakRssMB: Math.round(b.peakRss / 2 ** 20),
      },
      ratio: Number((sRate / bRate).toFixed(2)),
      cpuPerLineRatio: Number((b.cpuSeconds / b.lines / (s.cpuSeconds / s.lines)).toFixed(2)),
      target: c.target,
    })
  }
  if (only.has('rss')) {
    const free = statfsSync(scratch)
    const available = free.bavail * free.bsize
    if (registry.get('parser', 'json') === undefined) {
      results.push({ case: 'rss', skipped: 'this build has no parser_json' })
    } else if (available < bigBytes * 1.2) {
      results.push({
        case: 'rss',
        skipped: `needs ${((bigBytes * 1.2) / 2 ** 30).toFixed(1)} GiB free in ${tmpdir()}, has ${(available / 2 ** 30).toFixed(1)} GiB`,
      })
    } else {
      const file = join(scratch, 'big.log')
      progress(`generating a ${(bigBytes / 2 ** 30).toFixed(1)} GiB file…`)
      const lines = writeBigFile(file, bigBytes)
      progress(`rss: sluice tails ${lines} lines (${(statSync(file).size / 2 ** 30).toFixed(2)} GiB), json parser`)
      const s = await child('run-sluice.ts', ['--file', file, '--lines', String(lines), '--parse', '@type json'])
      results.push({
        case: 'rss',
        fileGiB: Number((statSync(file).size / 2 ** 30).toFixed(2)),
        lines,
        linesPerSec: Math.round(s.lines / s.seconds),
        peakRssMB: Math.round(s.peakRss / 2 ** 20),
        rssSamplesMB: (s.samples ?? []).map((x) => Math.round(x / 2 ** 20)),
      })
      rmSync(file)
    }
  }
} finally {
  rmSync(scratch, { recursive: true, force: true })
}

if (asJson) {
  console.log(JSON.stringify({ node: process.version, results }, null, 2))
} else {
  console.log(`\nin_tail → null, read_from_head, one file (node ${process.version})`)
  console.log('case          side       lines/s   CPU%  peak RSS   ratio  target')
  for (const r of results) {
    if (r.skipped && r.case !== 'rss') {
      console.log(`${String(r.case).padEnd(13)} skipped: ${r.skipped}`)
      continue
    }
    if (r.case === 'rss') {
      if (r.skipped) console.log(`rss           skipped: ${r.skipped}`)
      else {
        const samples = r.rssSamplesMB as number[]
        console.log(
          `rss           sluice  ${String(r.linesPerSec).padStart(10)}         ${String(r.peakRssMB).padStart(5)} MB  while tailing ${r.fileGiB} GiB (${r.lines} lines); RSS every 0.5 s: ${samples.slice(0, 8).join(', ')}${samples.length > 8 ? ' … ' + samples.slice(-3).join(', ') : ''} MB`,
        )
      }
      continue
    }
    const s = r.sluice as Record<string, number>
    const b = r.baseline as Record<string, number>
    const ratio = r.ratio as number
    console.log(
      `${String(r.case).padEnd(13)} sluice  ${String(s.linesPerSec).padStart(10)} ${String(s.cpuPercent).padStart(6)} ${String(s.peakRssMB).padStart(6)} MB  ${ratio.toFixed(2).padStart(5)}x  ≥${r.target}x ${ratio >= (r.target as number) ? 'PASS' : 'MISS'}`,
    )
    console.log(
      `${''.padEnd(13)} node    ${String(b.linesPerSec).padStart(10)} ${String(b.cpuPercent).padStart(6)} ${String(b.peakRssMB).padStart(6)} MB  (CPU per line: node/sluice ${r.cpuPerLineRatio}x)`,
    )
  }
}
