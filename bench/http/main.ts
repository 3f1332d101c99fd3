/**
 * @module `npm run bench:http`: in_http throughput against a naive Node server, in one run. Starts
 * the real `sluice` daemon (in_http on 127.0.0.1:0 → out_null) and bench/http/naive-server.mjs
 * (node:http + JSON.parse + @msgpack/msgpack encode of each record + 200), warms both up, then
 * drives them with the same load — POST of a 100-event JSON array (bench/edge/payload.ts) over 8
 * keep-alive connections, Debian's wrk (a Node generator when wrk cannot be had) — in interleaved
 * rounds (sluice, naive, sluice, naive …) so a burst of other load hits both. Prints req/s,
 * events/s, CPU% (the server process's user+system time over the round) and peak RSS of each,
 * and the ratio. Checks that every request was answered 2xx and that sluice's out_null counted
 * every event. Measures only; asserts nothing. Target: sluice ≥ 2× the naive server.
 *
 * The figures: medians over the rounds; "ratio" is the median of the per-round ratios (each sluice
 * round against the naive round right after it: the least disturbed comparison on a shared
 * machine); "CPU ratio" compares CPU milliseconds per request, which other load disturbs least.
 *
 * Options: --duration S (per round, default 5), --rounds N (default 6), --conns N (default 8),
 * --warmup S (default 3), --events N (per request, default 100), --node-load, --json.
 */

import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { startSluice, type SluiceProcess } from '../../node-server/cli/testing/sluice-process.ts'
import { batchBody } from '../edge/payload.ts'
import { cpuSeconds, memory } from '../relay/proc-stats.ts'
import { ensureWrk, type LoadResult, runNodeLoad, runWrk } from './load.ts'

interface Server {
  name: 'sluice' | 'naive'
  pid: number
  url: string
  stop(): Promise<void>
  /** Events the server handled so far. */
  events(): Promise<number>
}

interface Round {
  server: Server['name']
  load: LoadResult
  cpuPercent: number
}

const NAIVE = new URL('./naive-server.mjs', import.meta.url)

async function startSluiceServer(dir: string): Promise<Server> {
  const conf = join(dir, 'sluice.conf')
  writeFileSync(
    conf,
    '<source>\n  @type http\n  @id in\n  bind 127.0.0.1\n  port 0\n</source>\n<match **>\n  @type null\n  @id out\n</match>\n',
  )
  const p: SluiceProcess = startSluice(['-c', conf, '--api-port', '0'])
  const [port, api] = [await p.port('in'), await p.port('api')]
  return {
    name: 'sluice',
    pid: p.pid,
    url: `http://127.0.0.1:${port}/bench.http`,
    stop: async () => {
      p.signal('SIGTERM')
      await p.exited
    },
    events: async () => {
      const res = await fetch(`http://127.0.0.1:${api}/api/plugins.json?@id=out&with_config=false`)
      const body = (await res.json()) as { plugins: { emit_records?: number; events_out?: number }[] }
      return Math.max(body.plugins[0]?.emit_records ?? 0, body.plugins[0]?.events_out ?? 0)
    },
  }
}

async function startNaiveServer(): Promise<Server> {
  const child: ChildProcess = spawn(process.execPath, [NAIVE.pathname], { stdio: ['ignore', 'pipe', 'inherit'] })
  const port = await new Promise<number>((resolve, reject) => {
    let out = ''
    child.stdout!.setEncoding('utf8').on('data', (t: string) => {
      out += t
      const m = /\{"port":(\d+)\}/.exec(out)
      if (m) resolve(Number(m[1]))
    })
    child.once('exit', (code) => reject(new Error(`the naive server exited (${code})`)))
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  return {
    name: 'naive',
    pid: child.pid!,
    url: `http://127.0.0.1:${port}/bench.http`,
    stop: async () => {
      child.kill('SIGTERM')
      await exited
    },
    events: async () => ((await (await fetch(`http://127.0.0.1:${port}/count`)).json()) as { events: number }).events,
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '5' },
      rounds: { type: 'string', default: '6' },
      conns: { type: 'string', default: '8' },
      warmup: { type: 'string', default: '3' },
      events: { type: 'string', default: '100' },
      'node-load': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  })
  const duration = Number(values.duration)
  const rounds = Number(values.rounds)
  const conns = Number(values.conns)
  const events = Number(values.events)
  const body = batchBody(events)
  const useWrk = !values['node-load'] && ensureWrk()
  const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-http-'))
  const log = (m: string) => process.stderr.write(`bench:http: ${m}\n`)
  const servers: Server[] = []
  try {
    servers.push(await startSluiceServer(dir), await startNaiveServer())
    const load = (s: Server, seconds: number) =>
      useWrk ? runWrk(s.url, body, conns, seconds, dir) : runNodeLoad(s.url, body, conns, seconds)
    for (const s of servers) {
      log(`warm-up ${s.name} (${values.warmup} s)`)
      await load(s, Number(values.warmup))
    }
    const before = new Map<Server, number>()
    for (const s of servers) before.set(s, await s.events())
    const results: Round[] = []
    for (let r = 0; r < rounds; r++) {
      for (const s of servers) {
        log(`round ${r + 1}/${rounds}: ${s.name} (${duration} s, ${conns} connections, ${useWrk ? 'wrk' : 'node load'})`)
        const cpu0 = cpuSeconds(s.pid) ?? NaN
        const t0 = performance.now()
        const result = await load(s, duration)
        const wall = (performance.now() - t0) / 1000
        const cpu = ((cpuSeconds(s.pid) ?? NaN) - cpu0) / wall
        results.push({ server: s.name, load: result, cpuPercent: 100 * cpu })
      }
    }
    const report = servers.map((s) => {
      const mine = results.filter((x) => x.server === s.name)
      const requests = mine.reduce((n, x) => n + x.load.requests, 0)
      return {
        server: s.name,
        requestsPerSec: median(mine.map((x) => x.load.requestsPerSec)),
        eventsPerSec: median(mine.map((x) => x.load.requestsPerSec)) * events,
        cpuPercent: median(mine.map((x) => x.cpuPercent)),
        peakRssBytes: memory(s.pid)?.peak ?? NaN,
        requests,
        errors: mine.reduce((n, x) => n + x.load.errors, 0),
        rounds: mine.map((x) => ({ requestsPerSec: x.load.requestsPerSec, cpuPercent: x.cpuPercent })),
      }
    })
    // Every event of every answered request must have arrived (sluice: out_null's count).
    const checks: string[] = []
    for (const s of servers) {
      const counted = (await s.events()) - (before.get(s) ?? 0)
      const r = report.find((x) => x.server === s.name)!
      const expected = (r.requests - r.errors) * events
      checks.push(
        `${s.name}: ${counted.toLocaleString('en-US')} events counted for ${r.requests.toLocaleString('en-US')} requests (${r.errors} not 2xx) ${counted >= expected ? 'OK' : `MISSING ${expected - counted}`}`,
      )
    }
    const sluice = report.find((x) => x.server === 'sluice')!
    const naive = report.find((x) => x.server === 'naive')!
    const pairRatios = sluice.rounds.map((r, i) => r.requestsPerSec / naive.rounds[i].requestsPerSec)
    const ratio = median(pairRatios)
    const cpuPerRequest = (r: (typeof report)[number]) => (10 * r.cpuPercent) / r.requestsPerSec
    const cpuRatio = cpuPerRequest(naive) / cpuPerRequest(sluice)
    const doc = {
      benchmark: 'in_http vs a naive Node server (npm run bench:http)',
      date: new Date().toISOString(),
      node: process.version,
      cpu: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`,
      loadavg: loadavg().map((x) => Number(x.toFixed(2))),
      load: {
        tool: useWrk ? 'wrk' : 'node',
        connections: conns,
        secondsPerRound: duration,
        rounds,
        eventsPerRequest: events,
        bodyBytes: body.length,
      },
      servers: report,
      ratio,
      pairRatios,
      cpuRatio,
      target: { min: 2, pass: ratio >= 2 },
      checks,
    }
    if (values.json) {
      process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`)
      return
    }
    const mib = (b: number) => (b / 2 ** 20).toFixed(1)
    const lines = [
      `sluice in_http benchmark — ${doc.cpu}, Node ${process.version}, load ${doc.loadavg.join(' ')}`,
      `load: ${doc.load.tool}, ${conns} keep-alive connections, POST of a ${events}-event JSON array (${body.length} bytes), ${rounds} interleaved rounds of ${duration} s (medians)`,
      '',
      `${'server'.padEnd(8)} ${'req/s'.padStart(9)} ${'events/s'.padStart(11)} ${'CPU%'.padStart(6)} ${'CPU ms/req'.padStart(11)} ${'peak RSS'.padStart(10)}  rounds (req/s)`,
    ]
    for (const r of report) {
      lines.push(
        `${r.server.padEnd(8)} ${r.requestsPerSec.toFixed(0).padStart(9)} ${r.eventsPerSec.toFixed(0).padStart(11)} ${r.cpuPercent.toFixed(0).padStart(6)} ${((10 * r.cpuPercent) / r.requestsPerSec).toFixed(3).padStart(11)} ${`${mib(r.peakRssBytes)} MiB`.padStart(10)}  ${r.rounds.map((x) => x.requestsPerSec.toFixed(0)).join(', ')}`,
      )
    }
    lines.push(
      '',
      `ratio sluice / naive: ${ratio.toFixed(2)}x req/s (median of the rounds' pairs: ${pairRatios.map((x) => x.toFixed(2)).join(', ')}; target >= 2x: ${ratio >= 2 ? 'PASS' : 'MISS'})`,
      `CPU per request: sluice ${cpuPerRequest(sluice).toFixed(3)} ms, naive ${cpuPerRequest(naive).toFixed(3)} ms: ${cpuRatio.toFixed(2)}x less`,
      ...checks,
      '',
    )
    process.stdout.write(lines.join('\n'))
  } finally {
    for (const s of servers) await s.stop().catch(() => {})
    rmSync(dir, { recursive: true, force: true })
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:http: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
  process.exitCode = 1
})
