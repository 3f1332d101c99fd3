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
  aggregators: number
  bench: BenchResult
  /** Events each aggregator's out_null counted. */
  perAggregator: number[]
  delivered: number
  drainMs: number
  /** delivered / (load time + drain time): end to end, agent → JetStream → aggregators. */
  deliveredPerSec: number
  messagesInStream: number | null
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
    for (let i = 1; i <= o.aggregators; i++) await start(`aggregator ${i}`, aggregatorConfig(nats.url))
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
    const loadEnd = Date.now()
    const expected = bench.ackedEvents ?? bench.events
    const aggregators = procs.filter((x) => x.name.startsWith('aggregator'))
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
    const wallS = (bench.elapsedMs + drainMs) / 1000
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
    processes.push({
      name: 'sluice bench (load)',
      idleRssBytes: null,
      peakRssBytes: benchPeak || null,
      cpuSeconds: bench.cpuMs / 1000,
      cpuPercent: (bench.cpuMs / 1000 / wallS) * 100,
    })
    const stream = await fetchStreamCount(nats.url)
    return {
      aggregators: o.aggregators,
      bench,
      perAggregator,
      delivered,
      drainMs,
      deliveredPerSec: delivered / wallS,
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
