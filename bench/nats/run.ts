/**
 * @module One bench:nats run: a fresh nats-server (JetStream, file storage, temp store), one agent
 * sluice (in_forward → out_nats, memory buffer) and N aggregator sluices (in_nats on one durable
 * consumer → out_null), all real processes on loopback. `sluice bench --ack` drives the agent for
 * the load time; the run then waits until the aggregators' out_null counted every acknowledged
 * event, and reads each process's CPU time and peak RSS from /proc. Measures only.
 */

import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { BenchResult } from '../../node-server/cli/bench/run.ts'
import { SLUICE_BIN, startSluice, type SluiceProcess } from '../../node-server/cli/testing/sluice-process.ts'
import { NatsSandbox } from '../../test/helpers/nats-server.ts'
import { cpuSeconds, memory } from '../relay/proc-stats.ts'

export interface NatsBenchOptions {
  aggregators: number
  durationS: number
  conns: number
  batch: number
  recordSize: number
  window: number
  /** out_nats flush_thread_count: chunks published (and waiting for acks) at once. */
  publishers: number
  chunkLimit: string
  /**
   * e2e: aggregators consume while the agent is loaded. drain: the agent fills the stream with no
   * aggregator running, then the aggregators start and the time to consume the backlog is measured
   * (the aggregator side alone, without the agent and the load generator competing for the cores).
   */
  mode: 'e2e' | 'drain'
}

export interface ProcessReport {
  name: string
  peakRssBytes: number | null
  idleRssBytes: number | null
  cpuSeconds: number | null
  /** CPU time over load + drain (100 = one core busy). */
  cpuPercent: number | null
}

export interface NatsRun {
  mode: 'e2e' | 'drain'
  aggregators: number
  bench: BenchResult
  /** Events each aggregator's out_null counted. */
  perAggregator: number[]
  delivered: number
  drainMs: number
  /** e2e: delivered / (load time + drain time), agent → JetStream → aggregators; drain: delivered / the time the aggregators took from their start. */
  deliveredPerSec: number
  messagesInStream: number | null
  /** drain: events consumed while the aggregators were still starting (not in the rate). */
  consumedBeforeAllUp: number
  processes: ProcessReport[]
  errors: string[]
}

const DRAIN_TIMEOUT_MS = 120_000
const STALL_MS = 10_000

function agentConfig(url: string, o: NatsBenchOptions): string {
  return `<source>
  @type forward
  @id in
  bind 127.0.0.1
  port 0
</source>
<match **>
  @type nats
  @id out
  servers ${url}
  subject logs.\${tag}
  stream LOGS
  create_stream true
  <buffer tag>
    @type memory
    flush_mode interval
    flush_interval 0.1
    flush_thread_interval 0.02
    flush_thread_count ${o.publishers}
    chunk_limit_size ${o.chunkLimit}
    total_limit_size 512m
    overflow_action block
  </buffer>
</match>
`
}

function aggregatorConfig(url: string): string {
  return `<source>
  @type nats
  @id in
  servers ${url}
  stream LOGS
  consumer aggregators
</source>
<match **>
  @type null
  @id out
</match>
`
}

async function pluginStatus(apiPort: number): Promise<{ emit_records?: number; events_out?: number; buffer_total_queued_size?: number }> {
  const res = await fetch(`http://127.0.0.1:${apiPort}/api/plugins.json?@id=out&with_config=false`)
  const body = (await res.json()) as { plugins: { emit_records?: number; events_out?: number; buffer_total_queued_size?: number }[] }
  return body.plugins[0] ?? {}
}

async function emitted(apiPort: number): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${apiPort}/api/plugins.json?@id=out&with_config=false`)
  const body = (await res.json()) as { plugins: { emit_records?: number; events_out?: number }[] }
  const p = body.plugins[0]
  return Math.max(p?.emit_records ?? 0, p?.events_out ?? 0)
}

function runBench(args: string[]): { done: Promise<BenchResult>; pid: number } {
  const child = spawn(process.execPath, [SLUICE_BIN, 'bench', ...args, '--json', '--no-progress'], { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  child.stdout.setEncoding('utf8').on('data', (t: string) => {
    out += t
  })
  child.stderr.setEncoding('utf8').on('data', (t: string) => {
    err += t
  })
  const done = new Promise<BenchResult>((resolve, reject) => {
    child.on('close', () => {
      try {
        resolve(JSON.parse(out) as BenchResult)
      } catch {
        reject(new Error(`sluice bench failed: ${err || out}`))
      }
    })
  })
  return { done, pid: child.pid! }
}

export async function runNats(o: NatsBenchOptions): Promise<NatsRun> {
  const sandbox = new NatsSandbox('sluice-bench-nats-')
  const procs: { name: string; p: SluiceProcess; api: number }[] = []
  const errors: string[] = []
  try {
    const nats = await sandbox.server()
    const start = async (name: string, config: string) => {
      const path = join(sandbox.dir, `${name}.conf`)
      writeFileSync(path, config)
      const p = startSluice(['-c', path, '--api-port', '0'])
      const api = await p.port('api')
      await p.waitForLine(/\[info\] started /)
      procs.push({ name, p, api })
      return p
    }
    if (o.mode === 'e2e') for (let i = 1; i <= o.aggregators; i++) await start(`aggregator ${i}`, aggregatorConfig(nats.url))
    const agent = await start('agent', agentConfig(nats.url, o))
    const agentPort = await agent.port('in')
    const pids = [...procs.map((x) => ({ name: x.name, pid: x.p.pid })), { name: 'nats-server', pid: nats.pid! }]
    const idle = new Map(pids.map((x) => [x.name, memory(x.pid)?.rss ?? null]))
    const cpu0 = new Map(pids.map((x) => [x.name, cpuSeconds(x.pid)]))
    const load = runBench([
      '--port',
      String(agentPort),
      '--duration',
      `${o.durationS}s`,
      '--mode',
      'packed',
      '--batch',
      String(o.batch),
      '--record-size',
      String(o.recordSize),
      '--conns',
      String(o.conns),
      '--ack',
      '--window',
      String(o.window),
    ])
    let benchPeak = 0
    const poll = setInterval(() => {
      benchPeak = Math.max(benchPeak, memory(load.pid)?.peak ?? 0)
    }, 200)
    const bench = await load.done
    clearInterval(poll)
    errors.push(...bench.errors)
    let loadEnd = Date.now()
    let consumedBeforeAllUp = 0
    const expected = bench.ackedEvents ?? bench.events
    if (o.mode === 'drain') {
      // Everything published (the agent's buffer empty), then the aggregators start on the backlog.
      const agentApi = procs.find((x) => x.name === 'agent')!.api
      for (;;) {
        const st = await pluginStatus(agentApi)
        if ((st.buffer_total_queued_size ?? 0) === 0) break
        if (Date.now() - loadEnd > DRAIN_TIMEOUT_MS) throw new Error('the agent did not publish its buffer')
        await new Promise((r) => setTimeout(r, 50))
      }
      // All at once; the first ones up start on the backlog before the last is: the rate counts
      // only what was consumed once every aggregator was running.
      const started = await Promise.all(
        Array.from({ length: o.aggregators }, (_, i) => start(`aggregator ${i + 1}`, aggregatorConfig(nats.url)).then((p) => ({ i, p }))),
      )
      for (const { i, p } of started) {
        pids.push({ name: `aggregator ${i + 1}`, pid: p.pid })
        idle.set(`aggregator ${i + 1}`, memory(p.pid)?.rss ?? null)
      }
      // CPU from here on: the drain alone.
      for (const x of pids) cpu0.set(x.name, cpuSeconds(x.pid))
      loadEnd = Date.now()
      const early = procs.filter((x) => x.name.startsWith('aggregator'))
      consumedBeforeAllUp = (await Promise.all(early.map((a) => emitted(a.api)))).reduce((a, b) => a + b, 0)
    }
    const aggregators = procs.filter((x) => x.name.startsWith('aggregator')).sort((a, b) => a.name.localeCompare(b.name))
    let perAggregator: number[] = []
    let delivered = 0
    let lastChange = Date.now()
    for (;;) {
      perAggregator = await Promise.all(aggregators.map((a) => emitted(a.api)))
      const n = perAggregator.reduce((a, b) => a + b, 0)
      if (n !== delivered) {
        delivered = n
        lastChange = Date.now()
      }
      if (delivered >= expected) break
      if (Date.now() - lastChange > STALL_MS || Date.now() - loadEnd > DRAIN_TIMEOUT_MS) {
        errors.push(`only ${delivered} of ${expected} events reached the aggregators`)
        break
      }
      await new Promise((r) => setTimeout(r, 50))
    }
    const drainMs = Math.max(0, (delivered >= expected ? Date.now() : lastChange) - loadEnd)
    const wallS = o.mode === 'drain' ? drainMs / 1000 : (bench.elapsedMs + drainMs) / 1000
    const processes: ProcessReport[] = pids.map((x) => {
      const c0 = cpu0.get(x.name)
      const c1 = cpuSeconds(x.pid)
      const used = c0 != null && c1 !== null ? c1 - c0 : null
      return {
        name: x.name,
        idleRssBytes: idle.get(x.name) ?? null,
        peakRssBytes: memory(x.pid)?.peak ?? null,
        cpuSeconds: used,
        cpuPercent: used === null ? null : (used / wallS) * 100,
      }
    })
    if (o.mode === 'e2e') {
      processes.push({
        name: 'sluice bench (load)',
        idleRssBytes: null,
        peakRssBytes: benchPeak || null,
        cpuSeconds: bench.cpuMs / 1000,
        cpuPercent: (bench.cpuMs / 1000 / wallS) * 100,
      })
    }
    const stream = await fetchStreamCount(nats.url)
    return {
      mode: o.mode,
      aggregators: o.aggregators,
      bench,
      perAggregator,
      delivered,
      drainMs,
      deliveredPerSec: (delivered - consumedBeforeAllUp) / wallS,
      consumedBeforeAllUp,
      messagesInStream: stream,
      processes,
      errors,
    }
  } finally {
    for (const x of procs) x.p.signal('SIGTERM')
    await Promise.all(
      procs.map(async (x) => {
        const timer = setTimeout(() => void x.p.kill(), 10_000)
        await x.p.exited
        clearTimeout(timer)
      }),
    )
    await sandbox.remove()
  }
}

async function fetchStreamCount(url: string): Promise<number | null> {
  const { connect } = await import('@nats-io/transport-node')
  const { jetstreamManager } = await import('@nats-io/jetstream')
  const nc = await connect({ servers: url })
  try {
    return (await (await jetstreamManager(nc)).streams.info('LOGS')).state.messages
  } catch {
    return null
  } finally {
    await nc.close()
  }
}
