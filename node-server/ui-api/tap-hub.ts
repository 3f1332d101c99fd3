/**
 * @module A tap hub the daemon can feed: `publish(stream)` costs nothing while nobody listens; with
 * listeners it decodes the stream's events (64-bit integers exact) and hands each to every listener
 * until that listener's limit. It satisfies the `tap` option of createUiApi. Where to publish
 * from (e.g. the root router's emit) is the daemon's choice.
 */

import { decodeStream, type EventStream } from '../../engine/event-stream.ts'
import type { Core } from '../../wasm/core.ts'

export interface TapEvent {
  tag: string
  /** Seconds since the epoch (fractional: nanoseconds kept as far as a double allows). */
  time: number
  record: unknown
}

export type TapListener = (event: TapEvent) => void

export interface TapProvider {
  subscribe(listener: TapListener, limit: number): () => void
}

export interface TapHub extends TapProvider {
  /** Offers a stream to the listeners (no work at all when there are none). */
  publish(stream: EventStream): void
  readonly listeners: number
}

/**
 * @example
 * const hub = createTapHub(core)
 * createUiApi({ ..., tap: hub })
 * // in the daemon, for every stream that enters the root router: hub.publish(stream)
 */
export function createTapHub(core: Core): TapHub {
  const subscribers = new Set<{ listener: TapListener; left: number }>()
  return {
    get listeners() {
      return subscribers.size
    },
    subscribe(listener, limit) {
      const sub = { listener, left: Math.max(1, limit) }
      subscribers.add(sub)
      return () => {
        subscribers.delete(sub)
      }
    },
    publish(stream) {
      if (subscribers.size === 0) return
      const events = decodeStream(core, stream)
      for (const sub of [...subscribers]) {
        for (const e of events) {
          if (sub.left <= 0) break
          sub.left--
          try {
            sub.listener({ tag: stream.tag, time: e.time.toFloat(), record: e.record })
          } catch {
            // a listener's failure never reaches the data path
          }
        }
        if (sub.left <= 0) subscribers.delete(sub)
      }
    },
  }
}
