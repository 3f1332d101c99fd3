/**
 * @module The load of `npm run bench:http`: the same POST (a 100-event JSON array) over `conns`
 * keep-alive connections for `seconds`, with Debian's `wrk` (installed with apt-get when absent and
 * possible) or, failing that, a Node generator (http.Agent keep-alive, one request in flight per
 * connection). Returns requests/s and the statuses seen.
 */

import { execFileSync, spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { join } from 'node:path'

/** wrk threads (WRK_THREADS in the environment; 1 by default: one event loop drives 8 connections easily, a second one only takes CPU from the servers on a small machine). */
const WRK_THREADS = Number(process.env.WRK_THREADS ?? 1)

export interface LoadResult {
  tool: 'wrk' | 'node'
  requests: number
  seconds: number
  requestsPerSec: number
  /** Responses that were not 2xx. */
  errors: number
}

/** Finds wrk, installing Debian's package when it is absent (as the tests install what they need). */
export function ensureWrk(): boolean {
  const has = () => {
    try {
      execFileSync('wrk', ['--version'], { stdio: 'ignore' })
      return true
    } catch (e) {
      // wrk --version exits 1 after printing its version
      return (e as { status?: number }).status === 1
    }
  }
  if (has()) return true
  try {
    process.stderr.write('bench:http: installing wrk (apt-get install -y wrk) …\n')
    execFileSync('apt-get', ['install', '-y', 'wrk'], { stdio: 'ignore', timeout: 180_000 })
  } catch {
    return false
  }
  return has()
}

export async function runWrk(url: string, body: string, conns: number, seconds: number, dir: string): Promise<LoadResult> {
  const bodyFile = join(dir, 'body.json')
  const script = join(dir, 'post.lua')
  writeFileSync(bodyFile, body)
  writeFileSync(
    script,
    `local f = io.open(${JSON.stringify(bodyFile)}, "rb")\nwrk.method = "POST"\nwrk.body = f:read("*a")\nf:close()\nwrk.headers["Content-Type"] = "application/json"\n`,
  )
  const out = await new Promise<string>((resolve, reject) => {
    const child = spawn('wrk', ['-t', String(Math.min(WRK_THREADS, conns)), '-c', String(conns), '-d', `${seconds}s`, '-s', script, url], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let text = ''
    child.stdout.setEncoding('utf8').on('data', (t: string) => {
      text += t
    })
    child.stderr.setEncoding('utf8').on('data', (t: string) => {
      text += t
    })
    child.on('error', reject)
    child.on('close', (code) => (code === 0 ? resolve(text) : reject(new Error(`wrk exited with ${code}:\n${text}`))))
  })
  const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? NaN)
  const elapsed = /requests in ([\d.]+)(m?s)/.exec(out)
  const secs = elapsed ? Number(elapsed[1]) / (elapsed[2] === 'ms' ? 1000 : 1) : seconds
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0)
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out)
  const errors = non2xx + (socketErrors ? socketErrors.slice(1).reduce((n, x) => n + Number(x), 0) : 0)
  if (!Number.isFinite(requests)) throw new Error(`cannot read wrk's output:\n${out}`)
  return { tool: 'wrk', requests, seconds: secs, requestsPerSec: requests / secs, errors }
}

/** The Node generator: `conns` loops, each one request in flight on its own keep-alive socket. */
export async function runNodeLoad(url: string, body: string, conns: number, seconds: number): Promise<LoadResult> {
  const target = new URL(url)
  const agent = new Agent({ keepAlive: true, maxSockets: conns })
  const payload = Buffer.from(body)
  const end = performance.now() + seconds * 1000
  let requests = 0
  let errors = 0
  const one = () =>
    new Promise<void>((resolve) => {
      const req = request(
        {
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: 'POST',
          agent,
          headers: { 'Content-Type': 'application/json', 'Content-Length': payload.length },
        },
        (res) => {
          if (res.statusCode === undefined || res.statusCode >= 300) errors++
          res.resume()
          res.on('end', () => resolve())
        },
      )
      req.on('error', () => {
        errors++
        resolve()
      })
      req.end(payload)
    })
  const started = performance.now()
  await Promise.all(
    Array.from({ length: conns }, async () => {
      while (performance.now() < end) {
        await one()
        requests++
      }
    }),
  )
  const secs = (performance.now() - started) / 1000
  agent.destroy()
  return { tool: 'node', requests, seconds: secs, requestsPerSec: requests / secs, errors }
}
