/**
 * @module The processes `bench:compare` measures, all children of the bench: sluice (the daemon,
 * from its bundle, with a config file; ports from its `listening` lines), Fluent Bit (the binary
 * FLUENT_BIT names, on a port picked free just before), and the baseline servers (bundled by
 * esbuild into plain JavaScript first, so no TypeScript loader sits in their process or their RSS;
 * they print `listening port=P`). Each reports its pid and settled idle RSS, and is stopped with
 * SIGTERM (SIGKILL after 5 s). Only processes started here are ever signalled.
 */

import { type ChildProcess, spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { connect, createServer } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildSync } from 'esbuild'
import { startSluice } from '../../node-server/cli/testing/sluice-process.ts'
import { treeMemory } from '../relay/proc-stats.ts'

/** `sluice-wN`: sluice with `<system> workers N` (the bench's --workers). */
export type ServerName = 'sluice' | `sluice-w${number}` | 'js-sink' | 'naive-http' | 'fluent-bit'

export interface Server {
  name: ServerName
  pid: number
  port: number
  /** VmRSS once it stopped changing after the start (bytes). */
  idleRss: number | null
  /** The child's stdout so far (the sink's JSON lines). */
  output: () => string
  stop: () => Promise<void>
}

const HERE = fileURLToPath(new URL('.', import.meta.url))
const live = new Set<ChildProcess>()

/** Kills every server still running (the bench is exiting). */
export function killAll(): void {
  for (const c of live) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** A port that was free a moment ago (for Fluent Bit, which cannot report a port-0 bind). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const a = s.address()
      const port = typeof a === 'object' && a !== null ? a.port : 0
      s.close(() => resolve(port))
    })
  })
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = connect({ port, host: '127.0.0.1' }, () => {
      c.destroy()
      resolve(true)
    })
    c.once('error', () => resolve(false))
  })
}

async function waitAccepting(port: number, child: ChildProcess, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await accepts(port))) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${what} exited before listening on ${port}`)
    if (Date.now() > deadline) throw new Error(`${what} did not listen on ${port} within ${timeoutMs / 1000} s`)
    await sleep(50)
  }
}

/** VmRSS (of the process and its workers) once two readings 300 ms apart differ by less than 1% (at most 5 s). */
export async function settledRss(pid: number): Promise<number | null> {
  let last = treeMemory(pid)?.rss ?? null
  for (let i = 0; i < 16 && last !== null; i++) {
    await sleep(300)
    const now = treeMemory(pid)?.rss ?? null
    if (now === null) return null
    if (Math.abs(now - last) < last * 0.01) return now
    last = now
  }
  return last
}

function stopper(child: ChildProcess): () => Promise<void> {
  return async () => {
    if (child.exitCode !== null || child.signalCode !== null) {
      live.delete(child)
      return
    }
    const gone = new Promise<void>((resolve) => child.once('close', () => resolve()))
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
    await gone
    clearTimeout(timer)
    live.delete(child)
  }
}

/**
 * sluice with `config` (its listening input must have `@id in`); with `workers` > 1 under
 * `<system> workers N` (a supervisor and N worker processes sharing the port), ready once the
 * supervisor logs that every worker started.
 */
export async function startSluiceServer(config: string, dir: string, label: string, workers = 1): Promise<Server> {
  const path = join(dir, `${label}-w${workers}.conf`)
  writeFileSync(path, workers > 1 ? `<system>\n  workers ${workers}\n</system>\n${config}` : config)
  const p = startSluice(['-c', path, '--no-api'])
  live.add(p.child)
  try {
    const port = await p.port('in')
    await p.waitForLine(workers > 1 ? /\[info\] started [^\n]*workers=\d/ : /\[info\] started /)
    const name = workers > 1 ? (`sluice-w${workers}` as const) : 'sluice'
    return { name, pid: p.pid, port, idleRss: await settledRss(p.pid), output: () => p.stdout, stop: stopper(p.child) }
  } catch (e) {
    await stopper(p.child)()
    throw e
  }
}

const BASELINES = { 'js-sink': 'forward-sink', 'naive-http': 'naive-http' } as const
let bundled: string | null = null

/** Bundles the baseline servers into `dir` (plain ES modules with their dependencies inside). */
export function bundleBaselines(dir: string): void {
  for (const file of Object.values(BASELINES)) {
    buildSync({
      entryPoints: [join(HERE, 'baselines', `${file}.ts`)],
      outfile: join(dir, `${file}.mjs`),
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      logLevel: 'error',
    })
  }
  bundled = dir
}

/** A baseline server (bench/compare/baselines, bundled by bundleBaselines). */
export async function startBaseline(name: 'js-sink' | 'naive-http', args: readonly string[] = []): Promise<Server> {
  if (bundled === null) throw new Error('bundleBaselines() first')
  const file = join(bundled, `${BASELINES[name]}.mjs`)
  const child = spawn(process.execPath, [file, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  live.add(child)
  let out = ''
  let err = ''
  child.stdout!.setEncoding('utf8').on('data', (t: string) => {
    out += t
  })
  child.stderr!.setEncoding('utf8').on('data', (t: string) => {
    err += t
  })
  const deadline = Date.now() + 30_000
  let port = 0
  while (port === 0) {
    const m = /listening port=(\d+)/.exec(out)
    if (m) port = Number(m[1])
    else if (child.exitCode !== null || Date.now() > deadline) {
      await stopper(child)()
      throw new Error(`${name} did not start: ${err || out}`)
    } else await sleep(20)
  }
  return { name, pid: child.pid!, port, idleRss: await settledRss(child.pid!), output: () => out, stop: stopper(child) }
}

/** Fluent Bit with `args(port)` (e.g. `-i forward -p port=P -o null -m '*'`). */
export async function startFluentBit(bin: string, args: (port: number) => string[]): Promise<Server> {
  const port = await freePort()
  const child = spawn(bin, args(port), { stdio: ['ignore', 'pipe', 'pipe'] })
  live.add(child)
  let log = ''
  child.stdout!.setEncoding('utf8').on('data', (t: string) => {
    log += t
  })
  child.stderr!.setEncoding('utf8').on('data', (t: string) => {
    log += t
  })
  try {
    await waitAccepting(port, child, 'fluent-bit')
  } catch (e) {
    await stopper(child)()
    throw new Error(`${(e as Error).message}\n${log}`)
  }
  return { name: 'fluent-bit', pid: child.pid!, port, idleRss: await settledRss(child.pid!), output: () => log, stop: stopper(child) }
}
