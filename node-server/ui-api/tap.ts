/**
 * @module GET /api/tap?limit=N&seconds=S: live events as server-sent events (`event: start` once
 * the client is subscribed — nothing published before it is missed after it —, then `event: tap`
 * with `{tag, time, record}` JSON, 64-bit integers written exactly), then `event: end`. With
 * `follow=1` the stream has no event or time limit (the designer's continuous live tap) and sends
 * a `: keepalive` comment every 15 s so proxies keep it open. The daemon is never slowed down:
 * events wait in a bounded queue, and when the client reads too slowly the overflow is dropped and
 * counted (`event: dropped`). Off (404) unless a tap provider is set.
 */

import type { Context } from 'hono'
import { EventTime } from '../../engine/event-time.ts'
import { hono } from '../net/hono.ts'
import type { TapEvent, TapProvider } from './tap-hub.ts'

export interface TapOptions {
  /** Most events one request may ask for (default 10,000). */
  maxEvents?: number
  /** Longest capture in seconds (default 600); `seconds` defaults to 60. */
  maxSeconds?: number
  /** Events waiting to be written per client before new ones are dropped (default 1,000). */
  queueLimit?: number
  /** How often a following stream sends a keepalive comment (default 15 s). */
  keepaliveMs?: number
}

/** JSON with bigint as exact integer text, binary as text, other non-JSON values as strings. */
export function tapJson(event: TapEvent): string {
  const decoder = new TextDecoder()
  return JSON.stringify(event, (_key, value: unknown) => {
    if (typeof value === 'bigint') return `\u0000big${value}\u0000`
    if (value instanceof Uint8Array) return decoder.decode(value)
    if (value instanceof EventTime) return value.toFloat()
    return value
  }).replace(/"\\u0000big(-?\d+)\\u0000"/g, '$1')
}

const int = (text: string | undefined, fallback: number, max: number) => {
  const n = text === undefined ? fallback : Number.parseInt(text, 10)
  return Number.isFinite(n) && n > 0 ? Math.min(n, max) : fallback
}

export function tapHandler(provider: TapProvider, options: TapOptions = {}) {
  const maxEvents = options.maxEvents ?? 10_000
  const maxSeconds = options.maxSeconds ?? 600
  const queueLimit = options.queueLimit ?? 1_000
  const { streamSSE } = hono()
  return function serveTap(c: Context): Response {
    const follow = ['1', 'true', 'yes'].includes(c.req.query('follow') ?? '')
    const limit = follow ? Number.MAX_SAFE_INTEGER : int(c.req.query('limit'), 100, maxEvents)
    const seconds = follow ? 0 : int(c.req.query('seconds'), 60, maxSeconds)
    return streamSSE(c, async (stream) => {
      const queue: string[] = []
      let sent = 0
      let dropped = 0
      let done = false
      let wake: (() => void) | null = null
      const signal = () => {
        wake?.()
        wake = null
      }
      const unsubscribe = provider.subscribe((event) => {
        if (done) return
        if (queue.length >= queueLimit) dropped++
        else queue.push(tapJson(event))
        signal()
      }, limit)
      const timer =
        seconds > 0
          ? setTimeout(() => {
              done = true
              signal()
            }, seconds * 1000)
          : undefined
      let keepalive = false
      const beat = follow
        ? setInterval(() => {
            keepalive = true
            signal()
          }, options.keepaliveMs ?? 15_000)
        : undefined
      stream.onAbort(() => {
        done = true
        signal()
      })
      try {
        await stream.writeSSE({ event: 'start', data: JSON.stringify(follow ? { follow: true } : { limit, seconds }) })
        while (!stream.aborted) {
          while (queue.length > 0 && sent < limit) {
            await stream.writeSSE({ event: 'tap', data: queue.shift()! })
            sent++
          }
          if (dropped > 0) {
            await stream.writeSSE({ event: 'dropped', data: String(dropped) })
            dropped = 0
          }
          if (keepalive) {
            keepalive = false
            await stream.write(': keepalive\n\n')
          }
          if (sent >= limit || done) break
          await new Promise<void>((resolve) => {
            wake = resolve
          })
        }
        if (!stream.aborted) await stream.writeSSE({ event: 'end', data: JSON.stringify({ sent }) })
      } finally {
        clearTimeout(timer)
        clearInterval(beat)
        unsubscribe()
      }
    })
  }
}
