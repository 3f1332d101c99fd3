/**
 * @module One relay run: start the scenario's sluice processes (downstream first; ports read from
 * their `listening` lines), note their idle RSS, drive the first with `sluice bench --json` (a
 * child process), wait until the last one's out_null counted every event, then read each
 * process's CPU time and peak RSS from /proc and stop them with SIGTERM.
 */

import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { BenchResult } from '../../node-server/cli/bench/run.ts'
import { SLUICE_BIN, startSluice, type SluiceProcess } from '../../node-server/cli/testing/sluice-process.ts'
import { cpuSeconds, memory } from './proc-stats.ts'
import { nodeRegistry } from '../../node-server/plugins/registry.ts'
import { FORWARD_BUFFER, FORWARD_FILE_BUFFER, sinkNode, type Scenario } from './scenarios.ts'

/** The `<buffer>` of out_forward, when its schema has one. */
function forwardBuffer(): string {
  const spec = nodeRegistry().get('output', 'forward')
  return spec?.schema.sections?.some((s) => s.name === 'buffer') ? FORWARD_BUFFER : ''
}

export interface RelayOptions {
  durationS: number
  conns: number
  batch: number
  recordSize: number
  window: number
  /** Scratch directory for the configs. */
  dir: string
}

export interface NodeReport {
  name: string
  pid: number
  idleRssBytes: number | null
  peakRssBytes: number | null
  cpuSeconds: number | null
  /** CPU time over the load time + drain time (100 = one core busy; the idle bench start-up adds a little CPU, no time). */
  cpuPercent: number | null
}

export interface RelayRun {
  scenario: string
  title: string
  ack: boolean
  bench: BenchResult
  /** Events the last node's out_null counted. */
  delivered: number
  /** From the end of the load until the last event was counted. */
  drainMs: number
  /** delivered / (the bench's load time + drain time). */
  deliveredPerSec: number
  nodes: NodeReport[]
  errors: string[]
}

const DRAIN_TIMEOUT_MS = 60_000
const STABLE_MS = 3_000

/** The count of events the plugin `out` received, from the API. */
async function outCount(apiPort: number): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${apiPort}/api/plugins.json?@id=out&with_config=false`)
  const body = (await res.json()) as { plugins: { emit_records?: number; events_out?: number }[] }
  const p = body.plugins[0]
  return Math.max(p?.emit_records ?? 0, p?.events_out ?? 0)
}

function runBenchChild(args: string[]): Promise<BenchResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SLUICE_BIN, 'bench', ...args, '--json', '--no-progress'], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.setEncoding('utf8').on('data', (t: string) => {
      out += t
    })
    child.stderr.setEncoding('utf8').on('data', (t: string) => {
      err += t
    })
    child.on('close', () => {
      try {
        resolve(JSON.parse(out) as BenchResult)
      } catch {
        reject(new Error(`sluice bench failed: ${err || out}`))
      }
    })
  })
}

export async function runScenario(scenario: Scenario, ack: boolean, options: RelayOptions): Promise<RelayRun> {
  const procs = new Map<string, SluiceProcess>()
  const ports = new Map<string, { in: number; api: number }>()
  const errors: string[] = []
  try {
    for (const node of [...scenario.nodes].reverse()) {
      const config = node.config
        .replace(/\{\{next:(\w+)\}\}/g, (_, name: string) => String(ports.get(name)!.in))
        .replace('{{buffer}}', forwardBuffer())
        .replace('{{file-buffer}}', FORWARD_FILE_BUFFER)
        .replaceAll('{{dir}}', join(options.dir, `${scenario.id}-${ack ? 'ack' : 'noack'}`))
      const path = join(options.dir, `${scenario.id}-${ack ? 'ack' : 'noack'}-${node.name}.conf`)
      writeFileSync(path, config)
      const p = startSluice(['-c', path, '--api-port', '0'])
      procs.set(node.name, p)
      ports.set(node.name, { in: await p.port('in'), api: await p.port('api') })
      await p.waitForLine(/\[info\] started /)
    }
    const idle = new Map([...procs].map(([name, p]) => [name, memory(p.pid)?.rss ?? null]))
    const cpu0 = new Map([...procs].map(([name, p]) => [name, cpuSeconds(p.pid)]))
    const first = ports.get(scenario.nodes[0].name)!
    const bench = await runBenchChild([
      '--port',
      String(first.in),
      '--duration',
      `${options.durationS}s`,
      '--mode',
      'packed',
      '--batch',
      String(options.batch),
      '--record-size',
      String(options.recordSize),
      '--conns',
      String(options.conns),
      ...(ack ? ['--ack', '--window', String(options.window)] : []),
    ])
    errors.push(...bench.errors)
    const loadEnd = Date.now()
    const expected = ack ? (bench.ackedEvents ?? bench.events) : bench.events
    const sinkApi = ports.get(sinkNode(scenario).name)!.api
    let delivered = 0
    let lastChange = Date.now()
    for (;;) {
      const n = await outCount(sinkApi)
      if (n !== delivered) {
        delivered = n
        lastChange = Date.now()
      }
      if (delivered >= expected) break
      if (Date.now() - lastChange > STABLE_MS || Date.now() - loadEnd > DRAIN_TIMEOUT_MS) {
        errors.push(`only ${delivered} of ${expected} events reached out_null`)
        break
      }
      await new Promise((r) => setTimeout(r, 50))
    }
    const end = delivered >= expected ? Date.now() : lastChange
    // The load time as the bench measured it (its process start-up excluded), plus the drain.
    const drainMs = Math.max(0, end - loadEnd)
    const wallS = (bench.elapsedMs + drainMs) / 1000
    const nodes: NodeReport[] = scenario.nodes.map((node) => {
      const p = procs.get(node.name)!
      const c0 = cpu0.get(node.name)
      const c1 = cpuSeconds(p.pid)
      const used = c0 !== null && c0 !== undefined && c1 !== null ? c1 - c0 : null
      return {
        name: node.name,
        pid: p.pid,
        idleRssBytes: idle.get(node.name) ?? null,
        peakRssBytes: memory(p.pid)?.peak ?? null,
        cpuSeconds: used,
        cpuPercent: used === null ? null : (used / wallS) * 100,
      }
    })
    return {
      scenario: scenario.id,
      title: scenario.title,
      ack,
      bench,
      delivered,
      drainMs,
      deliveredPerSec: delivered / wallS,
      nodes,
      errors,
    }
  } finally {
    for (const p of procs.values()) p.signal('SIGTERM')
    await Promise.all(
      [...procs.values()].map(async (p) => {
        const timer = setTimeout(() => void p.kill(), 10_000)
        await p.exited
        clearTimeout(timer)
      }),
    )
  }
}
