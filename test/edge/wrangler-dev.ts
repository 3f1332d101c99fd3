/**
 * @module Runs the edge Worker under `wrangler dev` (local workerd, offline flags from
 * toolchain.md) for the end-to-end test and the benchmark: free ports picked by binding port 0
 * first (wrangler cannot listen on port 0), readiness by polling /healthz, state and logs in a
 * temp dir, and a stop that sends SIGINT to wrangler's own node process and checks that its
 * workerd children are gone.
 */

import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const ROOT = new URL('../../', import.meta.url).pathname
const CLI = join(ROOT, 'node_modules/wrangler/wrangler-dist/cli.js')

export interface WranglerDev {
  url: string
  port: number
  /** wrangler's DevTools inspector port (its /json lists the Worker's V8 inspector). */
  inspectorPort: number
  process: ChildProcess
  /** Everything wrangler printed (for failure messages). */
  output(): string
  /** The workerd processes wrangler started. */
  workerdPids(): number[]
  /** SIGINT to wrangler, wait for it to exit, check its workerd children exited too. */
  stop(): Promise<void>
}

/** A port that was free a moment ago (bound on 127.0.0.1 port 0, then closed). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

function childrenOf(pid: number): number[] {
  const out: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      if (ppid === pid) out.push(Number(entry))
    } catch {
      // the process ended while we looked
    }
  }
  return out
}

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z'
  } catch {
    return false
  }
}

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs: number, output: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n--- wrangler output ---\n${output()}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

/**
 * Starts `wrangler dev --local` on edge/wrangler.jsonc (or `options.config`) with `vars` (--var)
 * and waits until /healthz answers.
 */
export async function startWranglerDev(
  vars: Record<string, string>,
  options: { readyTimeoutMs?: number; config?: string; logLevel?: 'info' | 'warn' | 'error' } = {},
): Promise<WranglerDev> {
  const port = await freePort()
  const inspector = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'sluice-edge-dev-'))
  const args = [
    '--no-warnings',
    '--experimental-vm-modules',
    CLI,
    'dev',
    '--local',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--inspector-port',
    String(inspector),
    '-c',
    options.config ?? join(ROOT, 'edge/wrangler.jsonc'),
    '--persist-to',
    join(dir, 'state'),
    '--show-interactive-dev-session=false',
    '--log-level',
    options.logLevel ?? 'info',
    ...Object.entries(vars).flatMap(([k, v]) => ['--var', `${k}:${v}`]),
  ]
  const child = spawn(process.execPath, args, {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      WRANGLER_SEND_METRICS: 'false',
      WRANGLER_HIDE_BANNER: 'true',
      CLOUDFLARE_CF_FETCH_ENABLED: 'false',
      WRANGLER_LOG_PATH: join(dir, 'logs'),
      CI: 'true',
      NO_COLOR: '1',
      FORCE_COLOR: '0',
    },
  })
  let text = ''
  child.stdout!.on('data', (d: Buffer) => {
    text += d.toString()
  })
  child.stderr!.on('data', (d: Buffer) => {
    text += d.toString()
  })
  let exited = false
  child.on('exit', () => {
    exited = true
  })
  const output = () => text
  const url = `http://127.0.0.1:${port}`
  const seen = new Set<number>()
  const workerdPids = () => {
    for (const pid of childrenOf(child.pid!)) {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('workerd')) seen.add(pid)
    }
    return [...seen]
  }
  const stop = async () => {
    const workerd = workerdPids()
    if (!exited) child.kill('SIGINT')
    try {
      await until(() => exited, 'wrangler to exit after SIGINT', 15_000, output)
    } catch (error) {
      child.kill('SIGKILL')
      for (const pid of workerd) if (alive(pid)) process.kill(pid, 'SIGKILL')
      throw error
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
    await until(() => workerd.every((pid) => !alive(pid)), `workerd ${workerd.join(', ')} to exit`, 5_000, output)
  }
  try {
    await until(
      async () => {
        if (exited) throw new Error(`wrangler dev exited before it was ready\n--- wrangler output ---\n${text}`)
        try {
          return (await fetch(`${url}/healthz`)).status < 500
        } catch {
          return false
        }
      },
      'wrangler dev to answer /healthz',
      options.readyTimeoutMs ?? 60_000,
      output,
    )
  } catch (error) {
    await stop().catch(() => {})
    throw error
  }
  workerdPids()
  if (!existsSync(CLI)) throw new Error(`wrangler's cli is not at ${CLI}`)
  return { url, port, inspectorPort: inspector, process: child, output, workerdPids, stop }
}
