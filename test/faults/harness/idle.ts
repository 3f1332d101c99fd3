/**
 * @module Scenario 6's hostile-but-quiet clients: many idle TCP connections (opened in batches so
 * the listen backlog is not flooded) and slowloris senders that trickle a valid PackedForward
 * message one byte at a time (reconnecting when the server closes them). Also raises this
 * process's open-file limit (`prlimit` on our own pid, root) so ten thousand sockets fit; the sluice
 * processes started afterwards inherit it.
 */

import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { encode } from '@msgpack/msgpack'

/** The soft "Max open files" of this process. */
export function fileLimit(): number {
  const m = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'))
  return m === null ? 1024 : m[1] === 'unlimited' ? Infinity : Number(m[1])
}

/** Tries to raise this process's open-file limit to `n`; returns the limit in force afterwards. */
export function raiseFileLimit(n: number): number {
  if (fileLimit() >= n) return fileLimit()
  try {
    execFileSync('prlimit', ['--pid', String(process.pid), `--nofile=${n}:${n}`], { stdio: 'ignore' })
  } catch {
    // Not allowed (not root) or no prlimit: the caller scales down.
  }
  return fileLimit()
}

export interface IdleConnections {
  opened: number
  failed: number
  /** Connections the server closed while we held them. */
  closedByServer(): number
  close(): void
}

export async function openIdle(port: number, n: number, batch = 250): Promise<IdleConnections> {
  const sockets = new Set<Socket>()
  let opened = 0
  let failed = 0
  let closedByServer = 0
  let closing = false
  for (let done = 0; done < n; done += batch) {
    await Promise.all(
      Array.from(
        { length: Math.min(batch, n - done) },
        () =>
          new Promise<void>((resolve) => {
            const s = connect({ host: '127.0.0.1', port })
            s.on('error', () => undefined)
            s.once('connect', () => {
              opened++
              sockets.add(s)
              s.once('close', () => {
                sockets.delete(s)
                if (!closing) closedByServer++
              })
              resolve()
            })
            s.once('close', () => resolve())
            s.once('error', () => {
              failed++
            })
          }),
      ),
    )
  }
  return {
    opened,
    failed,
    closedByServer: () => closedByServer,
    close() {
      closing = true
      for (const s of sockets) s.destroy()
    },
  }
}

export interface SlowlorisStats {
  connections: number
  bytes: number
  closedByServer: number
}

/** `n` senders trickling one byte every `intervalMs` until `until`. */
export async function runSlowloris(port: number, n: number, intervalMs: number, until: number): Promise<SlowlorisStats> {
  const stats: SlowlorisStats = { connections: 0, bytes: 0, closedByServer: 0 }
  const entries = Buffer.concat(
    Array.from({ length: 200 }, (_, i) => Buffer.from(encode([1_700_000_000, { slow: i, pad: 'y'.repeat(200) }]))),
  )
  const head = Buffer.alloc(5)
  head[0] = 0xc6
  head.writeUInt32BE(entries.length, 1)
  const message = Buffer.concat([
    Buffer.from([0x93]),
    Buffer.from(encode('slow.loris')),
    head,
    entries,
    Buffer.from(encode({ chunk: 'slow' })),
  ])
  const sender = async () => {
    while (Date.now() < until) {
      await new Promise<void>((resolve) => {
        const s = connect({ host: '127.0.0.1', port })
        let at = 0
        let timer: ReturnType<typeof setInterval> | undefined
        let weClosed = false
        s.on('error', () => undefined)
        s.once('connect', () => {
          stats.connections++
          timer = setInterval(() => {
            if (Date.now() >= until || at >= message.length) {
              weClosed = true
              s.destroy()
              return
            }
            s.write(message.subarray(at, at + 1))
            at++
            stats.bytes++
          }, intervalMs)
        })
        s.once('close', () => {
          clearInterval(timer)
          if (!weClosed && at > 0) stats.closedByServer++
          resolve()
        })
      })
      if (Date.now() < until) await new Promise((r) => setTimeout(r, 100))
    }
  }
  await Promise.all(Array.from({ length: n }, sender))
  return stats
}
