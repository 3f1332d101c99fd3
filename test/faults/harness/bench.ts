/**
 * @module The well-behaved client of the fault scenarios: `sluice bench --ack --seq --reconnect
 * --json` as a child process (the real tool: numbered events, at-least-once resends after a lost
 * connection or an ack timeout). Resolves with its JSON result and its peak RSS.
 */

import { spawn } from 'node:child_process'
import { memory } from '../../../bench/relay/proc-stats.ts'
import type { BenchResult } from '../../../node-server/cli/bench/run.ts'
import { REPO_ROOT, SLUICE_BIN } from '../../../node-server/cli/testing/sluice-process.ts'

export interface LoadOptions {
  port: number
  durationS: number
  /** Events per second over all connections (null: as fast as the server takes them). */
  rate: number | null
  conns?: number
  batch?: number
  window?: number
  recordSize?: number
  tag?: string
  /** Resend after this long without an ack (and give up after this long without progress at the end). */
  ackTimeoutS?: number
  mode?: 'packed' | 'forward' | 'message' | 'compressed'
}

export interface LoadRun {
  result: BenchResult
  peakRss: number
  stderr: string
}

export interface RunningLoad {
  done: Promise<LoadRun>
  pid: number
}

export function startLoad(o: LoadOptions): RunningLoad {
  const args = [
    SLUICE_BIN,
    'bench',
    '--port',
    String(o.port),
    '--duration',
    `${o.durationS}s`,
    ...(o.rate === null ? [] : ['--rate', String(o.rate)]),
    '--conns',
    String(o.conns ?? 2),
    '--batch',
    String(o.batch ?? 100),
    '--window',
    String(o.window ?? 8),
    '--record-size',
    String(o.recordSize ?? 150),
    '--tag',
    o.tag ?? 'bench.seq',
    '--mode',
    o.mode ?? 'packed',
    '--ack',
    '--seq',
    '--reconnect',
    '--ack-timeout',
    `${o.ackTimeoutS ?? 20}s`,
    '--json',
    '--no-progress',
  ]
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  let peakRss = 0
  const poll = setInterval(() => {
    const m = memory(child.pid!)
    if (m !== null && Number.isFinite(m.peak)) peakRss = Math.max(peakRss, m.peak)
  }, 200)
  child.stdout.setEncoding('utf8').on('data', (t: string) => {
    out += t
  })
  child.stderr.setEncoding('utf8').on('data', (t: string) => {
    err += t
  })
  const done = new Promise<LoadRun>((resolve, reject) => {
    child.on('close', (code) => {
      clearInterval(poll)
      try {
        resolve({ result: JSON.parse(out) as BenchResult, peakRss, stderr: err })
      } catch {
        reject(new Error(`sluice bench exited with ${code} without a JSON result:\n${err}\n${out}`))
      }
    })
  })
  return { done, pid: child.pid! }
}
