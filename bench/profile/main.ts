/**
 * @module `npm run bench:profile -- --scenario grep-ack8`: where sluice's CPU goes in one
 * bench:compare scenario. Starts the daemon under `node --cpu-prof` (NODE_OPTIONS) with the
 * scenario's config, drives it with bench/compare's Forward load generator (for `relay-ack` through
 * an out_forward into the JS sink), stops it with SIGTERM so V8 writes the profile, and prints the
 * self time per category (garbage collection, the WebAssembly core, socket internals, sluice's own
 * code …) and the top functions. Measures only.
 *
 * Options: --scenario ID (forward-ack1, forward-noack, forward-ack8, grep-ack8, gzip-ack,
 * relay-ack, relay-keepalive; default forward-ack8), --events N (default 2,000,000), --top N (default 30),
 * --keep DIR (keep the .cpuprofile there), --json.
 */

import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { SLUICE_BIN, startSluice } from '../../node-server/cli/testing/sluice-process.ts'
import { runForwardLoad } from '../compare/run-forward-load.ts'
import { type ForwardLoad, SCENARIOS, sluiceForwardConfig, sluiceRelayConfig } from '../compare/scenarios.ts'
import { bundleBaselines, killAll, startBaseline } from '../compare/servers.ts'
import { cpuSeconds, memory } from '../relay/proc-stats.ts'
import { type CpuProfile, summarize, summaryText } from './summary.ts'

interface Options {
  scenario: string
  events: number
  top: number
  keep: string | null
  json: boolean
}

function parse(argv: string[]): Options {
  const o: Options = { scenario: 'forward-ack8', events: 2_000_000, top: 30, keep: null, json: false }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const v = () => argv[++i]
    if (a === '--scenario') o.scenario = v()
    else if (a === '--events') o.events = Number(v())
    else if (a === '--top') o.top = Number(v())
    else if (a === '--keep') o.keep = v()
    else if (a === '--json') o.json = true
    else throw new Error(`bench:profile: unknown argument ${a}`)
  }
  return o
}

async function main(): Promise<void> {
  const o = parse(process.argv.slice(2))
  const scenario = SCENARIOS.find((s) => s.id === o.scenario)
  if (scenario === undefined || (scenario.kind !== 'forward' && scenario.kind !== 'relay')) {
    throw new Error(
      `bench:profile: --scenario must be one of ${SCENARIOS.filter((s) => s.kind === 'forward' || s.kind === 'relay')
        .map((s) => s.id)
        .join(', ')}`,
    )
  }
  const dir = mkdtempSync(join(tmpdir(), 'sluice-profile-'))
  const profDir = join(dir, 'prof')
  try {
    bundleBaselines(dir)
    const messages = Math.max(1, Math.round((o.events * scenario.load.eventsShare) / 1000))
    const sink = scenario.kind === 'relay' ? await startBaseline('js-sink', ['--expect', String(messages * 1000)]) : null
    const config = scenario.kind === 'relay' ? sluiceRelayConfig(sink!.port, true, scenario.keepalive) : sluiceForwardConfig(scenario.grep)
    const confPath = join(dir, 'sluice.conf')
    writeFileSync(confPath, config)
    // --cpu-prof is not allowed in NODE_OPTIONS: run node with it, then the executable.
    const p = startSluice(['--cpu-prof', `--cpu-prof-dir=${profDir}`, SLUICE_BIN, '-c', confPath, '--no-api'], {
      command: process.execPath,
    })
    const port = await p.port('in')
    await p.waitForLine(/\[info\] started /)
    const c0 = cpuSeconds(p.pid)
    const r = await runForwardLoad(port, scenario.load, messages)
    // No result line from the generator (run-forward-load.ts gives source '' then).
    if (r.source === '') throw new Error(`the load generator failed: ${r.errors.join('; ')}`)
    let seconds = r.seconds
    if (sink !== null) {
      const deadline = Date.now() + 120_000
      while (!sink.output().includes('{') && Date.now() < deadline) await new Promise((res) => setTimeout(res, 50))
      const line = sink
        .output()
        .split('\n')
        .find((l) => l.startsWith('{'))
      if (line) seconds = Math.max(seconds, (JSON.parse(line) as { seconds: number }).seconds)
    }
    const c1 = cpuSeconds(p.pid)
    const peak = memory(p.pid)?.peak ?? null
    p.child.kill('SIGTERM')
    await p.exited
    await sink?.stop()
    const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'))
    if (file === undefined) throw new Error('no .cpuprofile was written')
    if (o.keep !== null) {
      mkdirSync(o.keep, { recursive: true })
      cpSync(join(profDir, file), join(o.keep, `${o.scenario}-${file}`))
    }
    const summary = summarize(JSON.parse(readFileSync(join(profDir, file), 'utf8')) as CpuProfile, o.top)
    const head = {
      scenario: o.scenario,
      events: messages * 1000,
      eventsPerSec: r.eventsPerSec,
      seconds,
      cpuSeconds: c0 !== null && c1 !== null ? c1 - c0 : null,
      peakRssBytes: peak,
      loadavg: loadavg(),
    }
    if (o.json) {
      process.stdout.write(`${JSON.stringify({ ...head, summary }, null, 2)}\n`)
      return
    }
    process.stdout.write(
      `${o.scenario}: ${(messages * 1000).toLocaleString('en-US')} events, load generator ${(r.eventsPerSec / 1e6).toFixed(2)} M events/s, ` +
        `sluice CPU ${head.cpuSeconds?.toFixed(1) ?? '?'} s over ${seconds.toFixed(1)} s, peak RSS ${peak === null ? '?' : (peak / 1e6).toFixed(0)} MB, ` +
        `load ${head.loadavg.map((x) => x.toFixed(1)).join(' ')}\n\n${summaryText(summary)}`,
    )
  } finally {
    killAll()
    rmSync(dir, { recursive: true, force: true })
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    killAll()
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`)
    process.exit(1)
  },
)
