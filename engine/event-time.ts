/**
 * @module EventTime: Fluentd's nanosecond time (msgpack ext type 0: uint32 seconds + uint32
 * nanoseconds, big-endian), and the @msgpack/msgpack extension codec that reads and writes it.
 */

import { ExtensionCodec } from '@msgpack/msgpack'

export class EventTime {
  constructor(
    readonly sec: number,
    readonly nsec: number = 0,
  ) {}

  static now(clock: () => number = Date.now): EventTime {
    const ms = clock()
    return new EventTime(Math.floor(ms / 1000), (ms % 1000) * 1_000_000)
  }

  /** From float seconds (in_http's `time` parameter). */
  static fromFloat(seconds: number): EventTime {
    const sec = Math.floor(seconds)
    return new EventTime(sec, Math.round((seconds - sec) * 1e9) % 1_000_000_000)
  }

  toFloat(): number {
    return this.sec + this.nsec / 1e9
  }

  toString(): string {
    return `${this.sec}.${String(this.nsec).padStart(9, '0')}`
  }
}

/** ext type 0 ⇄ EventTime, for @msgpack/msgpack's encode/decode. */
export const eventTimeCodec = new ExtensionCodec()
eventTimeCodec.register({
  type: 0,
  encode(value: unknown): Uint8Array | null {
    if (!(value instanceof EventTime)) return null
    const out = new Uint8Array(8)
    const view = new DataView(out.buffer)
    view.setUint32(0, value.sec >>> 0)
    view.setUint32(4, value.nsec >>> 0)
    return out
  },
  decode(data: Uint8Array): EventTime {
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength)
    return new EventTime(view.getUint32(0), data.byteLength >= 8 ? view.getUint32(4) : 0)
  },
})
