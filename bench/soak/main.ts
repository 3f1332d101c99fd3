/**
 * @module `npm run bench:soak`: a real sluice daemon (in_forward → filter_grep → out_null, no HTTP
 * API) under constant Forward load from `sluice bench` (PackedForward, 1,000 records of ~150 bytes
 * per message, acks on, --rate events/s) for --minutes (default 10), sampling the daemon's RSS
 * every --interval seconds. Prints the curve (time, RSS, acknowledged events/s, daemon CPU) as it
 * goes, then the verdict (curve.ts): RSS growth between the median of the first third and of the
 * last third within --bound (default 10% of the first third's median). Exit code 1 when the bound
 * is exceeded, the load failed, or the daemon died. Measures one machine at one moment: on a
 * shared machine the events/s column says what load the daemon really had.
 *
 * Options: --minutes N (default 10), --rate N (default 20000), --interval S (default 5),
 * --bound FRACTION (default 0.10), --json (the samples and the verdict as JSON on stdout).
 */

import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs, type OptionSpec } from '../../node-server/cli/args.ts'
import { SLUICE_BIN, startSluice } from '../../node-server/cli/testing/sluice-process.ts'
import { cpuSeconds, memory } from '../relay/proc-stats.ts'
import { type SoakSample, soakVerdict } from './curve.ts'

const OPTIONS: OptionSpec[] = [
  { name: 'minutes', type: 'string', description: 'how long the load runs (default 10)' },
  { name: 'rate', type: 'string', description: 'events per second (default 20000)' },
  { name: 'interval', type: 'string', description: 'seconds between RSS samples (default 5)' },
  { name: 'bound', type: 'string', description: 'allowed growth, a fraction of the first third median (default 0.10)' },
  { name: 'json', type: 'flag', description: 'print the samples and the verdict as JSON' },
]

const CONFIG = `<source>
  @type forward
  @id in
  bind 127.0.0.1
  port 0
</source>

<filter **>
  @type grep
  @id grep
  <exclude>
    key message
    pattern /^$/
  </exclude>
</filter>

<match **>
  @type null
  @id out
</match>
`

const MB = 1024 * 1024
const mb = (bytes: number) => (bytes / MB).toFixed(1)

function positive(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback
  const n = Number(value)
  if (!(n > 0)) throw new Error(`bench:soak: --${name} must be a positive number, got ${JSON.stringify(value)}`)
  return n
}

async function main(): Promise<number> {
  const { options } = parseArgs(process.argv.slice(2), OPTIONS)
  const minutes = positive(options.minutes, 'minutes', 10)
  const rate = Math.round(positive(options.rate, 'rate', 20_000))
  const intervalS = positive(options.interval, 'interval', 5)
  const bound = positive(options.bound, 'bound', 0.1)
  const json = options.json === true
  const log = (line: string) => process.stderr.write(`${line}\n`)

  const dir = mkdtempSync(join(tmpdir(), 'sluice-soak-'))
  const conf = join(dir, 'soak.conf')
  writeFileSync(conf, CONFIG)
  const daemon = startSluice(['-c', conf, '--no-api'])
  let load: ReturnType<typeof spawn> | null = null
  try {
    const port = await daemon.port('in')
    await daemon.waitForLine(/\[info\] started /)
    const pid = daemon.child.pid!
    const idle = memory(pid)?.rss ?? Number.NaN
    log(
      `bench:soak: sluice pid ${pid} (in_forward → filter_grep → out_null), idle RSS ${mb(idle)} MB; ` +
        `${rate.toLocaleString('en-US')} events/s with acks for ${minutes} min, a sample every ${intervalS} s`,
    )

    // The load: `sluice bench` with a rate limit; its progress lines (stderr) carry the acknowledged count.
    load = spawn(
      process.execPath,
      [SLUICE_BIN, 'bench', '--port', String(port), '--duration', `${Math.round(minutes * 60)}s`, '--rate', String(rate)].concat([
        '--ack',
        '--progress',
        '--json',
      ]),
      { stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let acked = 0
    let loadOut = ''
    let loadErr = ''
    load.stdout!.on('data', (d: Buffer) => (loadOut += d))
    load.stderr!.on('data', (d: Buffer) => {
      loadErr += d
      const all = [...loadErr.matchAll(/acked ([\d,]+)/g)]
      if (all.length > 0) acked = Number(all[all.length - 1][1].replace(/,/g, ''))
      if (loadErr.length > 64_000) loadErr = loadErr.slice(-4_000)
    })
    const loadDone = new Promise<number | null>((resolve) => load!.once('close', (code) => resolve(code)))
    let finished = false
    void loadDone.then(() => (finished = true))
    // The clock starts with the load's first progress line (its connections are open by then).
    await new Promise<void>((resolve) => {
      const check = () => (/ ev\/s/.test(loadErr) || finished ? resolve() : setTimeout(check, 50))
      check()
    })

    const samples: SoakSample[] = []
    const started = Date.now()
    let last = { at: started, acked: 0, cpu: cpuSeconds(pid) ?? 0 }
    if (!json) log('   time      RSS   events/s   CPU')
    while (!finished) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, intervalS * 1000)
        void loadDone.then(() => {
          clearTimeout(timer)
          resolve()
        })
      })
      if (finished) break
      const now = Date.now()
      const mem = memory(pid)
      const cpu = cpuSeconds(pid)
      if (mem === null || cpu === null) throw new Error(`the daemon (pid ${pid}) is gone: ${daemon.stderr.slice(-500)}`)
      const dt = (now - last.at) / 1000
      const sample: SoakSample = {
        t: Math.round((now - started) / 100) / 10,
        rss: mem.rss,
        eventsPerSec: Math.round((acked - last.acked) / dt),
        cpu: Math.round(((cpu - last.cpu) / dt) * 100) / 100,
      }
      samples.push(sample)
      last = { at: now, acked, cpu }
      if (!json)
        log(
          `${sample.t.toFixed(0).padStart(6)} s ${mb(sample.rss).padStart(6)} MB ${sample.eventsPerSec.toLocaleString('en-US').padStart(10)} ${sample.cpu.toFixed(2).padStart(5)}`,
        )
    }
    const code = await loadDone
    if (code !== 0) throw new Error(`the load generator exited with ${code}: ${loadErr.slice(-500)}`)
    const result = JSON.parse(loadOut) as { eventsPerSec: number; ackedEvents: number | null; errors?: unknown }
    const verdict = soakVerdict(samples, bound)
    const summary = {
      node: process.version,
      cpus: cpus().length,
      minutes,
      rate,
      intervalS,
      idleRss: idle,
      load: { eventsPerSec: result.eventsPerSec, ackedEvents: result.ackedEvents },
      verdict,
      samples,
    }
    if (json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`)
    else {
      process.stdout.write(
        `bench:soak: ${samples.length} samples over ${minutes} min at ${Math.round(result.eventsPerSec).toLocaleString('en-US')} events/s ` +
          `(${(result.ackedEvents ?? 0).toLocaleString('en-US')} acknowledged); RSS idle ${mb(idle)} MB, ` +
          `first third median ${mb(verdict.firstMedian)} MB, last third median ${mb(verdict.lastMedian)} MB, ` +
          `growth ${verdict.growth >= 0 ? '+' : ''}${mb(verdict.growth)} MB (${(verdict.growthRatio * 100).toFixed(1)}%), max ${mb(verdict.maxRss)} MB\n` +
          `bench:soak: ${verdict.ok ? 'PASS' : 'FAIL'}: growth ${verdict.ok ? 'within' : 'beyond'} ${(bound * 100).toFixed(0)}% of the first third median\n`,
      )
    }
    return verdict.ok ? 0 : 1
  } finally {
    if (load !== null && load.exitCode === null) load.kill('SIGTERM')
    daemon.signal('SIGTERM')
    await daemon.exited
    rmSync(dir, { recursive: true, force: true })
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench:soak: ${error instanceof Error ? error.message : String(error)}\n`)
    process.exit(1)
  },
)
