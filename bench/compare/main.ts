/**
 * @module `npm run bench:compare`: sluice against in-run baselines (a pure-JS Forward sink, a naive
 * node:http in_http) and, when `FLUENT_BIT=/path/to/fluent-bit` is set, against Fluent Bit, on the
 * Performance issue's scenarios (scenarios.ts). Every server is a child of this process; within a
 * scenario the servers take turns (round-robin) for --reps runs each and the medians are reported,
 * so a burst of load on the shared machine hits them alike. Prints events/s (req/s for HTTP), the
 * servers' CPU % and peak RSS, idle RSS and sluice's ratios as a table, or JSON with --json.
 * Measures only; asserts nothing.
 *
 * Options: --reps N (default 3), --only id,id, --events N (per Forward run, default 2,000,000),
 * --http-seconds S (default 8), --json, --out FILE (also write the JSON there), --workers 1,2
 * (sluice once per count, `<system> workers N` for N > 1, named sluice-wN; CPU and RSS are the
 * supervisor's and its workers'), --conns N (Forward connections per run instead of the
 * scenario's 1: one connection is served by one worker).
 */

import { accessSync, constants, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { nodeRegistry } from '../../node-server/plugins/registry.ts'
import { treeCpuSeconds as cpuSeconds, treeMemory as memory } from '../relay/proc-stats.ts'
import { runForwardLoad } from './run-forward-load.ts'
import { ensureWrk, runHttpLoad } from './http-load.ts'
import { compareTable, type Row, type RunResult, summarize } from './report.ts'
import {
  type ForwardLoad,
  fluentBitForwardArgs,
  fluentBitHttpArgs,
  fluentBitRelayArgs,
  SCENARIOS,
  type Scenario,
  sluiceForwardConfig,
  sluiceHttpConfig,
  sluiceRelayConfig,
} from './scenarios.ts'
import { bundleBaselines, killAll, type Server, sleep, startBaseline, startFluentBit, startSluiceServer } from './servers.ts'

interface Options {
  reps: number
  only: string[] | null
  events: number
  httpSeconds: number
  json: boolean
  out: string | null
  /** sluice's `<system> workers` counts, each a server of its own (default [1]). */
  workers: number[]
  /** Forward connections per run (null: the scenario's). */
  conns: number | null
}

const USAGE = `usage: npm run bench:compare -- [--reps N] [--only ${SCENARIOS.map((s) => s.id).join(',')}]
                               [--events N] [--http-seconds S] [--json] [--out FILE]
                               [--workers 1,2] [--conns N]
  FLUENT_BIT=/path/to/fluent-bit adds Fluent Bit to every scenario (see bench/README.md)`

function parse(argv: string[]): Options {
  const o: Options = { reps: 3, only: null, events: 2_000_000, httpSeconds: 8, json: false, out: null, workers: [1], conns: null }
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].includes('=') ? argv[i].split(/=(.*)/s, 2) : [argv[i], undefined]
    const v = () => inline ?? argv[++i]
    const num = (min: number) => {
      const n = Number(v())
      if (!Number.isFinite(n) || n < min) throw new Error(`${flag} needs a number >= ${min}\n${USAGE}`)
      return n
    }
    if (flag === '--reps') o.reps = Math.round(num(1))
    else if (flag === '--events') o.events = Math.round(num(1000))
    else if (flag === '--http-seconds') o.httpSeconds = num(1)
    else if (flag === '--only') {
      o.only = v().split(',')
      const unknown = o.only.filter((id) => !SCENARIOS.some((s) => s.id === id))
      if (unknown.length) throw new Error(`unknown scenario ${unknown.join(', ')}\n${USAGE}`)
    } else if (flag === '--workers') {
      o.workers = v()
        .split(',')
        .map((n) => Number(n))
      if (o.workers.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`--workers needs counts >= 1, e.g. 1,2\n${USAGE}`)
    } else if (flag === '--conns') o.conns = Math.round(num(1))
    else if (flag === '--json') o.json = true
    else if (flag === '--out') o.out = v()
    else if (flag === '--help' || flag === '-h') {
      console.log(USAGE)
      process.exit(0)
    } else throw new Error(`unknown argument ${argv[i]}\n${USAGE}`)
  }
  return o
}

const log = (line: string) => process.stderr.write(`${line}\n`)
/** How long the idle-rss row leaves each server without traffic before it reads the RSS. */
const IDLE_WAIT_MS = 15_000

/** The Fluent Bit binary from FLUENT_BIT, checked; null when unset. */
function fluentBitBinary(): string | null {
  const bin = process.env.FLUENT_BIT
  if (!bin) return null
  try {
    accessSync(bin, constants.X_OK)
  } catch {
    throw new Error(`FLUENT_BIT=${bin} is not an executable file`)
  }
  return bin
}

async function measuredForward(server: Server, load: ForwardLoad, messages: number): Promise<RunResult> {
  const c0 = cpuSeconds(server.pid)
  const r = await runForwardLoad(server.port, load, messages)
  const c1 = cpuSeconds(server.pid)
  return {
    eventsPerSec: r.eventsPerSec,
    cpuPct: c0 !== null && c1 !== null && r.seconds > 0 ? ((c1 - c0) / r.seconds) * 100 : null,
    seconds: r.seconds,
    errors: r.errors,
  }
}

type Starter = () => Promise<Server>

/** Starts every server, warms each up, then runs `reps` rounds of `run` round-robin. */
async function roundRobin(
  scenario: Scenario,
  starters: [string, Starter][],
  reps: number,
  warm: (s: Server) => Promise<unknown>,
  run: (s: Server) => Promise<RunResult>,
): Promise<Row[]> {
  const servers: { name: string; server: Server | null; runs: RunResult[]; error: string | null }[] = []
  try {
    for (const [name, start] of starters) {
      try {
        const server = await start()
        await warm(server)
        servers.push({ name, server, runs: [], error: null })
      } catch (e) {
        servers.push({ name, server: null, runs: [], error: (e as Error).message.split('\n')[0] })
      }
    }
    for (let rep = 0; rep < reps; rep++) {
      for (const s of servers) {
        if (s.server === null) continue
        const r = await run(s.server)
        log(
          `bench:compare:   ${scenario.id} ${s.name} run ${rep + 1}/${reps}: ${(r.eventsPerSec / 1e6).toFixed(2)} M events/s${r.cpuPct !== null ? `, CPU ${r.cpuPct.toFixed(0)} %` : ''}${r.errors.length ? ` ERROR ${r.errors[0]}` : ''}`,
        )
        s.runs.push(r)
      }
    }
    return servers.map((s) =>
      summarize(scenario, s.name, s.error ? [{ eventsPerSec: 0, cpuPct: null, seconds: 0, errors: [s.error] }] : s.runs, {
        peak: s.server ? (memory(s.server.pid)?.peak ?? null) : null,
        idle: s.server?.idleRss ?? null,
      }),
    )
  } finally {
    for (const s of servers) await s.server?.stop()
  }
}

/** Waits for the sink's `--expect` JSON line (at most `timeoutMs`). */
async function sinkResult(sink: Server, timeoutMs: number): Promise<{ eventsPerSec: number; seconds: number } | null> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const line = sink
      .output()
      .split('\n')
      .find((l) => l.startsWith('{'))
    if (line) return JSON.parse(line) as { eventsPerSec: number; seconds: number }
    await new Promise((r) => setTimeout(r, 50))
  }
  return null
}

/** One relay run with fresh processes: load → relay → JS sink; events/s end to end at the sink. */
async function relayRun(
  startRelay: (sinkPort: number) => Promise<Server>,
  load: ForwardLoad,
  messages: number,
): Promise<RunResult & { peak: number | null }> {
  const sink = await startBaseline('js-sink', ['--expect', String(messages * 1000)])
  let relay: Server | null = null
  try {
    relay = await startRelay(sink.port)
    const c0 = cpuSeconds(relay.pid)
    const r = await runForwardLoad(relay.port, load, messages)
    const got = r.errors.length === 0 ? await sinkResult(sink, 120_000) : null
    const c1 = cpuSeconds(relay.pid)
    const busy = Math.max(r.seconds, got?.seconds ?? 0)
    const errors = [...r.errors, ...(got === null && r.errors.length === 0 ? ['the sink did not receive every event within 120 s'] : [])]
    return {
      eventsPerSec: got?.eventsPerSec ?? 0,
      ingestPerSec: r.eventsPerSec,
      cpuPct: c0 !== null && c1 !== null && busy > 0 ? ((c1 - c0) / busy) * 100 : null,
      seconds: got?.seconds ?? 0,
      errors,
      peak: memory(relay.pid)?.peak ?? null,
    }
  } finally {
    await relay?.stop()
    await sink.stop()
  }
}

async function runScenario(scenario: Scenario, o: Options, fb: string | null, dir: string, useWrk: boolean): Promise<Row[]> {
  const withFb = <T>(list: [string, T][], make: (bin: string) => T): [string, T][] => (fb ? [...list, ['fluent-bit', make(fb)]] : list)
  const sluices = <T>(make: (workers: number) => T): [string, T][] => o.workers.map((n) => [n === 1 ? 'sluice' : `sluice-w${n}`, make(n)])
  if (scenario.kind === 'forward') {
    const messages = Math.max(1, Math.round((o.events * scenario.load.eventsShare) / 1000))
    const exclude = scenario.grep ? ['--exclude', 'level=debug'] : []
    const load = o.conns === null ? scenario.load : { ...scenario.load, conns: o.conns }
    const starters = withFb<Starter>(
      [
        ...sluices<Starter>((n) => () => startSluiceServer(sluiceForwardConfig(scenario.grep), dir, scenario.id, n)),
        ['js-sink', () => startBaseline('js-sink', exclude)],
      ],
      (bin) => () => startFluentBit(bin, fluentBitForwardArgs(scenario.grep)),
    )
    return roundRobin(
      scenario,
      starters,
      o.reps,
      (s) => runForwardLoad(s.port, load, 50),
      (s) => measuredForward(s, load, messages),
    )
  }
  if (scenario.kind === 'relay') {
    const messages = Math.max(1, Math.round((o.events * scenario.load.eventsShare) / 1000))
    const spec = nodeRegistry().get('output', 'forward')
    const withBuffer = spec?.schema.sections?.some((s) => s.name === 'buffer') ?? false
    const relays = withFb<(sinkPort: number) => Promise<Server>>(
      sluices(
        (n) => (sinkPort: number) => startSluiceServer(sluiceRelayConfig(sinkPort, withBuffer, scenario.keepalive), dir, scenario.id, n),
      ),
      (bin) => (sinkPort) => startFluentBit(bin, fluentBitRelayArgs(sinkPort)),
    )
    const runs = new Map<string, (RunResult & { peak: number | null })[]>(relays.map(([n]) => [n, []]))
    for (let rep = 0; rep < o.reps; rep++) {
      for (const [name, start] of relays) {
        const r = await relayRun(start, o.conns === null ? scenario.load : { ...scenario.load, conns: o.conns }, messages).catch(
          (e: Error) => ({
            eventsPerSec: 0,
            cpuPct: null,
            seconds: 0,
            errors: [e.message.split('\n')[0]],
            peak: null,
          }),
        )
        log(
          `bench:compare:   ${scenario.id} ${name} run ${rep + 1}/${o.reps}: ${(r.eventsPerSec / 1e6).toFixed(2)} M events/s end to end${r.errors.length ? ` ERROR ${r.errors[0]}` : ''}`,
        )
        runs.get(name)!.push(r)
      }
    }
    return relays.map(([name]) => {
      const rs = runs.get(name)!
      const peaks = rs.map((r) => r.peak).filter((p): p is number => p !== null)
      return summarize(scenario, name, rs, { peak: peaks.length ? Math.max(...peaks) : null, idle: null })
    })
  }
  if (scenario.kind === 'http') {
    const starters = withFb<Starter>(
      [
        ...sluices<Starter>((n) => () => startSluiceServer(sluiceHttpConfig(), dir, scenario.id, n)),
        ['naive-http', () => startBaseline('naive-http')],
      ],
      (bin) => () => startFluentBit(bin, fluentBitHttpArgs()),
    )
    return roundRobin(
      scenario,
      starters,
      o.reps,
      (s) => runHttpLoad(s.port, scenario.conns, 1, dir, useWrk),
      async (s) => {
        const c0 = cpuSeconds(s.pid)
        const r = await runHttpLoad(s.port, scenario.conns, o.httpSeconds, dir, useWrk)
        const c1 = cpuSeconds(s.pid)
        return {
          eventsPerSec: r.eventsPerSec,
          requestsPerSec: r.requestsPerSec,
          cpuPct: c0 !== null && c1 !== null ? ((c1 - c0) / r.seconds) * 100 : null,
          seconds: r.seconds,
          errors: [...r.errors, ...(r.non2xx > 0 ? [`${r.non2xx} answers were not 2xx`] : [])],
        }
      },
    )
  }
  // Idle RSS: each server started alone and left without traffic for IDLE_WAIT_MS (V8's memory
  // reducer, which gives back what start-up allocated, runs about 8 s after the allocation rate
  // falls); the row keeps the RSS once it stopped changing after start too, and the high-water mark.
  const starters = withFb<Starter>(
    [
      ...sluices<Starter>((n) => () => startSluiceServer(sluiceForwardConfig(false), dir, 'idle', n)),
      ['js-sink', () => startBaseline('js-sink')],
      ['naive-http', () => startBaseline('naive-http')],
    ],
    (bin) => () => startFluentBit(bin, fluentBitForwardArgs(false)),
  )
  const rows: Row[] = []
  for (const [name, start] of starters) {
    const s = await start()
    await sleep(IDLE_WAIT_MS)
    const m = memory(s.pid)
    rows.push(summarize(scenario, name, [], { peak: m?.peak ?? null, idle: m?.rss ?? null, start: s.idleRss }))
    await s.stop()
  }
  return rows
}

async function main(): Promise<number> {
  const o = parse(process.argv.slice(2))
  const fb = fluentBitBinary()
  const scenarios = SCENARIOS.filter((s) => o.only === null || o.only.includes(s.id))
  const useWrk = scenarios.some((s) => s.kind === 'http') ? ensureWrk(log) : false
  if (!fb) log('bench:compare: FLUENT_BIT is not set: sluice against the in-run baselines only (see bench/README.md to add Fluent Bit)')
  const dir = mkdtempSync(join(tmpdir(), 'sluice-compare-'))
  const started = new Date()
  const load0 = loadavg()
  const rows: Row[] = []
  try {
    bundleBaselines(dir)
    for (const s of scenarios) {
      log(`bench:compare: ${s.id} (${s.title}) …`)
      rows.push(...(await runScenario(s, o, fb, dir, useWrk)))
    }
  } finally {
    killAll()
    rmSync(dir, { recursive: true, force: true })
  }
  const doc = {
    benchmark: 'sluice vs baselines and Fluent Bit (npm run bench:compare)',
    date: started.toISOString(),
    node: process.version,
    machine: { cpu: cpus()[0]?.model, cores: cpus().length, loadavgAtStart: load0, loadavgAtEnd: loadavg() },
    fluentBit: fb,
    httpLoad: useWrk ? 'wrk' : 'node',
    options: o,
    rows,
  }
  if (o.out) {
    mkdirSync(dirname(o.out), { recursive: true })
    writeFileSync(o.out, `${JSON.stringify(doc, null, 2)}\n`)
  }
  if (o.json) process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`)
  else {
    process.stdout.write(
      `sluice vs baselines${fb ? ' and Fluent Bit' : ''} — ${started.toISOString()}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ` +
        `load ${load0.map((x) => x.toFixed(2)).join(' ')}, Node ${process.version}\n` +
        `${o.reps} runs per server, round-robin, medians; Forward runs of ${o.events.toLocaleString('en-US')} events (~150 B loghub records), ` +
        `${scenarios.some((s) => s.kind === 'http') ? `HTTP ${o.httpSeconds} s per run with ${useWrk ? 'wrk' : 'a Node load generator'}; ` : ''}` +
        `CPU = the server's, 100 % = one core\n\n`,
    )
    process.stdout.write(compareTable(rows))
  }
  return rows.some((r) => r.errors.length > 0) ? 1 : 0
}

process.on('SIGINT', () => {
  killAll()
  process.exit(130)
})

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    killAll()
    process.stderr.write(`bench:compare: ${e instanceof Error ? e.message : String(e)}\n`)
    process.exit(1)
  },
)
