/**
 * @module The in_http load of `bench:compare`: POSTs of one 100-event JSON array (~18 KB, the
 * access-log shape of the Performance issue) to `/bench.http` over N keep-alive connections for a
 * fixed time, with Debian's `wrk` (installed with apt-get when absent and possible) or, failing
 * that, a Node load generator (node:http keep-alive agent, N request loops). Reports requests/s,
 * events/s and the non-2xx answers.
 */

import { execFileSync, spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { join } from 'node:path'

export const EVENTS_PER_REQUEST = 100

export interface HttpLoadResult {
  requests: number
  seconds: number
  requestsPerSec: number
  eventsPerSec: number
  non2xx: number
  tool: 'wrk' | 'node'
  errors: string[]
}

/** The body: 100 access-log events, deterministic. */
export function httpBody(): string {
  let x = 1
  const rand = (n: number) => {
    x = (x * 1103515245 + 12345) % 2 ** 31
    return x % n
  }
  const levels = ['info', 'warn', 'error', 'debug']
  const events = Array.from({ length: EVENTS_PER_REQUEST }, (_, i) => ({
    level: levels[i % 4],
    msg: `GET /api/orders/${rand(99999) + 1} 200 ${rand(900) + 1}ms`,
    host: `web-${String(i % 16).padStart(2, '0')}`,
    user_id: `u-${rand(9999) + 1}`,
    trace: Array.from({ length: 4 }, () =>
      rand(2 ** 30)
        .toString(16)
        .padStart(8, '0'),
    ).join(''),
  }))
  return JSON.stringify(events)
}

function hasWrk(): boolean {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' })
    return true
  } catch (e) {
    // wrk --version exits 1 after printing its version; only a missing binary throws ENOENT.
    return (e as NodeJS.ErrnoException).code !== 'ENOENT'
  }
}

let wrkChecked: boolean | null = null

/** True when wrk can be used; installs Debian's package once when it is missing and we are root. */
export function ensureWrk(log: (line: string) => void): boolean {
  if (wrkChecked !== null) return wrkChecked
  if (hasWrk()) return (wrkChecked = true)
  if (process.getuid?.() === 0) {
    log('bench:compare: wrk is not installed: apt-get install -y wrk (Debian package) …')
    try {
      execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'wrk'], { stdio: 'ignore', timeout: 300_000 })
    } catch {
      log('bench:compare: apt-get could not install wrk; using the Node load generator')
    }
  }
  wrkChecked = hasWrk()
  if (!wrkChecked) log('bench:compare: no wrk: the HTTP load comes from a Node load generator (it needs more CPU than wrk)')
  return wrkChecked
}

/** Runs wrk (2 threads) for `seconds` against `port`. */
function runWrk(port: number, conns: number, seconds: number, dir: string): Promise<HttpLoadResult> {
  const bodyFile = join(dir, 'http-body.json')
  const script = join(dir, 'post.lua')
  writeFileSync(bodyFile, httpBody())
  writeFileSync(
    script,
    `wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nlocal f = io.open(${JSON.stringify(bodyFile)})\nwrk.body = f:read("*a")\nf:close()\n`,
  )
  return new Promise((resolve) => {
    const args = [
      '-t',
      String(Math.min(2, conns)),
      '-c',
      String(conns),
      '-d',
      `${seconds}s`,
      '-s',
      script,
      `http://127.0.0.1:${port}/bench.http`,
    ]
    const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.setEncoding('utf8').on('data', (t: string) => {
      out += t
    })
    child.stderr.setEncoding('utf8').on('data', (t: string) => {
      out += t
    })
    child.on('close', () => {
      const requests = Number(/(\d+) requests in ([\d.]+)(\w+)/.exec(out)?.[1] ?? 0)
      const took = /\d+ requests in ([\d.]+)(ms|s|m)/.exec(out)
      const secs = took ? Number(took[1]) * (took[2] === 'ms' ? 1e-3 : took[2] === 'm' ? 60 : 1) : seconds
      const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0)
      const socketErrors = /Socket errors: (.*)/.exec(out)?.[1]
      const errors = [...(requests === 0 ? [`wrk: ${out.trim()}`] : []), ...(socketErrors ? [`wrk socket errors: ${socketErrors}`] : [])]
      const rps = requests / secs
      resolve({ requests, seconds: secs, requestsPerSec: rps, eventsPerSec: rps * EVENTS_PER_REQUEST, non2xx, tool: 'wrk', errors })
    })
  })
}

/** The Node fallback: `conns` loops of keep-alive POSTs for `seconds`. */
async function runNode(port: number, conns: number, seconds: number): Promise<HttpLoadResult> {
  const body = Buffer.from(httpBody())
  const agent = new Agent({ keepAlive: true, maxSockets: conns })
  const headers = { 'content-type': 'application/json', 'content-length': String(body.length) }
  let requests = 0
  let non2xx = 0
  const errors: string[] = []
  const start = performance.now()
  const until = start + seconds * 1000
  const post = () =>
    new Promise<void>((resolve) => {
      const req = request({ host: '127.0.0.1', port, path: '/bench.http', method: 'POST', agent, headers }, (res) => {
        if ((res.statusCode ?? 0) >= 300) non2xx++
        res.resume()
        res.on('end', () => resolve())
      })
      req.on('error', (e) => {
        if (errors.length < 3) errors.push(e.message)
        resolve()
      })
      req.end(body)
    })
  await Promise.all(
    Array.from({ length: conns }, async () => {
      while (performance.now() < until && errors.length === 0) {
        await post()
        requests++
      }
    }),
  )
  const secs = (performance.now() - start) / 1000
  agent.destroy()
  const rps = requests / secs
  return { requests, seconds: secs, requestsPerSec: rps, eventsPerSec: rps * EVENTS_PER_REQUEST, non2xx, tool: 'node', errors }
}

export function runHttpLoad(port: number, conns: number, seconds: number, dir: string, useWrk: boolean): Promise<HttpLoadResult> {
  return useWrk ? runWrk(port, conns, seconds, dir) : runNode(port, conns, seconds)
}
