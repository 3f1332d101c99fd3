/**
 * @module `<inject>` applied to msgpack records without decoding them (Fluentd's
 * inject_values_to_record): the keys are set in Fluentd's order — hostname, worker id, tag, time —
 * as `record.dup` then `r[key] = value` does it: a key the record already has keeps its place and
 * takes the new value; new keys are appended, and the map header's count is rewritten (fixmap →
 * map16 → map32 as it grows). When no injected key exists in the record (the usual case) the
 * record's pairs are copied in one piece.
 */

import type { ConfigElement } from '../config/model.ts'
import { ByteBuffer } from '../formatter/byte-buffer.ts'
import { stringTimeFormatter, timeZoneOf } from '../formatter/time-formatter.ts'
import type { FormatterPlugin } from '../formatter/types.ts'
import { container, readContainer, readString, str } from '../formatter/msgpack-value.ts'
import { skipObject } from '../records/field-scan.ts'
import type { Logger } from '../log.ts'
import type { InjectConfig } from '../schemas/sections/inject.ts'

const encoder = new TextEncoder()

/** What the injector needs from its plugin. */
export interface InjectContext {
  hostname: string
  workerId?: number
  log: Logger
}

/** Writes a record with the injected keys. */
export interface Injector {
  /** The record at `b[start, end)` with the keys set, as msgpack (a view valid until the next call). */
  inject(tag: string, sec: number, nsec: number, b: Uint8Array, start: number, end: number): Uint8Array
}

type ValueWriter = (out: ByteBuffer, tag: string, sec: number, nsec: number) => void

function writeStr(out: ByteBuffer, bytes: Uint8Array): void {
  const n = bytes.length
  if (n < 32) out.writeByte(0xa0 | n)
  else if (n < 0x100) {
    out.writeByte(0xd9)
    out.writeByte(n)
  } else if (n < 0x10000) {
    out.writeByte(0xda)
    out.writeByte(n >> 8)
    out.writeByte(n & 0xff)
  } else {
    out.writeByte(0xdb)
    writeU32(out, n)
  }
  out.writeBytes(bytes)
}

function writeU32(out: ByteBuffer, n: number): void {
  out.writeByte((n >>> 24) & 0xff)
  out.writeByte((n >>> 16) & 0xff)
  out.writeByte((n >>> 8) & 0xff)
  out.writeByte(n & 0xff)
}

/** A non-negative integer in its smallest msgpack form (as Ruby's packer writes it). */
function writeUint(out: ByteBuffer, n: number | bigint): void {
  if (typeof n === 'number' && n < 0x80) out.writeByte(n)
  else if (typeof n === 'number' && n < 0x100) {
    out.writeByte(0xcc)
    out.writeByte(n)
  } else if (typeof n === 'number' && n < 0x10000) {
    out.writeByte(0xcd)
    out.writeByte(n >> 8)
    out.writeByte(n & 0xff)
  } else if (typeof n === 'number' && n < 0x100000000) {
    out.writeByte(0xce)
    writeU32(out, n)
  } else {
    const big = BigInt(n)
    out.writeByte(0xcf)
    writeU32(out, Number(big >> 32n))
    writeU32(out, Number(big & 0xffffffffn))
  }
}

const f64 = new DataView(new ArrayBuffer(8))
function writeFloat(out: ByteBuffer, x: number): void {
  f64.setFloat64(0, x)
  out.writeByte(0xcb)
  for (let i = 0; i < 8; i++) out.writeByte(f64.getUint8(i))
}

function writeMapHeader(out: ByteBuffer, count: number): void {
  if (count < 16) out.writeByte(0x80 | count)
  else if (count < 0x10000) {
    out.writeByte(0xde)
    out.writeByte(count >> 8)
    out.writeByte(count & 0xff)
  } else {
    out.writeByte(0xdf)
    writeU32(out, count)
  }
}

/** The time value of `time_type`: Fluentd's inject time formatters. */
function timeWriter(c: InjectConfig): ValueWriter {
  switch (c.time_type) {
    case 'float':
      // time.to_r.truncate(6).to_f: microseconds kept, the rest cut (not rounded).
      return (out, _t, sec, nsec) => writeFloat(out, (sec * 1_000_000 + Math.floor(nsec / 1000)) / 1_000_000)
    case 'unixtime':
      return (out, _t, sec) => writeUint(out, sec)
    case 'unixtime_millis':
      return (out, _t, sec, nsec) => writeUint(out, sec * 1000 + Math.floor(nsec / 1_000_000))
    case 'unixtime_micros':
      return (out, _t, sec, nsec) => writeUint(out, sec * 1_000_000 + Math.floor(nsec / 1000))
    case 'unixtime_nanos':
      return (out, _t, sec, nsec) => writeUint(out, BigInt(sec) * 1_000_000_000n + BigInt(nsec))
    case 'string': {
      const format = stringTimeFormatter(c.time_format, timeZoneOf({ ...c, time_type: 'string' }))
      return (out, _t, sec, nsec) => writeStr(out, encoder.encode(format(sec, nsec)))
    }
  }
}

/**
 * Builds the injector of an `<inject>` config, or null when it sets no key (or is absent).
 * `chunkKeys` are the output's buffer chunk keys: a `hostname_key` among them is a config error
 * (the record is changed while it is formatted, after chunking), as in Fluentd.
 */
export function createInjector(config: InjectConfig | undefined, ctx: InjectContext, chunkKeys: readonly string[] = []): Injector | null {
  if (config === undefined) return null
  const keys: { name: string; write: ValueWriter }[] = []
  const set = (name: string | null, write: ValueWriter) => {
    if (name === null) return
    const existing = keys.find((k) => k.name === name)
    if (existing !== undefined) existing.write = write
    else keys.push({ name, write })
  }
  if (config.hostname_key !== null) {
    if (chunkKeys.includes(config.hostname_key)) {
      throw new Error("the key specified by 'hostname_key' in <inject> cannot be used in buffering chunk key.")
    }
    let hostname = config.hostname
    if (hostname === null) {
      hostname = ctx.hostname
      ctx.log.info('using hostname for specified field', { host_key: config.hostname_key, host_name: hostname })
    }
    const bytes = encoder.encode(hostname)
    set(config.hostname_key, (out) => writeStr(out, bytes))
  }
  if (config.worker_id_key !== null) {
    const id = ctx.workerId ?? 0
    set(config.worker_id_key, (out) => writeUint(out, id))
  }
  if (config.tag_key !== null) {
    let lastTag = ''
    let lastBytes: Uint8Array = new Uint8Array(0)
    set(config.tag_key, (out, tag) => {
      if (tag !== lastTag) {
        lastTag = tag
        lastBytes = encoder.encode(tag)
      }
      writeStr(out, lastBytes)
    })
  }
  if (config.time_key !== null) set(config.time_key, timeWriter(config))
  else if (config.time_format !== null) ctx.log.warn("'time_format' specified without 'time_key', will be ignored")
  if (keys.length === 0) return null
  return new RecordInjector(keys.map((k) => ({ name: encoder.encode(k.name), write: k.write })))
}

class RecordInjector implements Injector {
  private readonly out = new ByteBuffer(1024)
  /** Per injected key: where its value sits in the record being injected (-1: absent). */
  private readonly found: Int32Array

  constructor(private readonly keys: { name: Uint8Array; write: ValueWriter }[]) {
    this.found = new Int32Array(keys.length)
  }

  inject(tag: string, sec: number, nsec: number, b: Uint8Array, start: number, end: number): Uint8Array {
    const out = this.out
    out.reset()
    if (!readContainer(b, start) || !container.map) return b.subarray(start, end)
    const count = container.count
    const body = container.body
    const keys = this.keys
    const found = this.found
    found.fill(-1)
    let existing = 0
    let p = body
    for (let i = 0; i < count; i++) {
      const keyAt = p
      p = skipObject(b, p)
      if (readString(b, keyAt)) {
        for (let k = 0; k < keys.length; k++) {
          if (found[k] < 0 && sameBytes(b, str.start, str.len, keys[k].name)) {
            found[k] = keyAt
            existing++
            break
          }
        }
      }
      p = skipObject(b, p)
    }
    writeMapHeader(out, count + keys.length - existing)
    if (existing === 0) {
      out.writeBytes(b, body, end)
    } else {
      // Rewrite the pairs, replacing the values of the keys that were already there.
      p = body
      for (let i = 0; i < count; i++) {
        const keyAt = p
        const valueAt = skipObject(b, p)
        const next = skipObject(b, valueAt)
        out.writeBytes(b, keyAt, valueAt)
        const k = this.injectedAt(keyAt, b)
        if (k >= 0) keys[k].write(out, tag, sec, nsec)
        else out.writeBytes(b, valueAt, next)
        p = next
      }
    }
    for (let k = 0; k < keys.length; k++) {
      if (found[k] >= 0) continue
      writeStr(out, keys[k].name)
      keys[k].write(out, tag, sec, nsec)
    }
    return out.view()
  }

  /** The injected key whose name the key at `keyAt` has (any occurrence, so duplicates all take the value), or -1. */
  private injectedAt(keyAt: number, b: Uint8Array): number {
    if (!readString(b, keyAt)) return -1
    for (let k = 0; k < this.keys.length; k++) if (this.found[k] >= 0 && sameBytes(b, str.start, str.len, this.keys[k].name)) return k
    return -1
  }
}

function sameBytes(b: Uint8Array, start: number, len: number, key: Uint8Array): boolean {
  if (len !== key.length) return false
  for (let i = 0; i < len; i++) if (b[start + i] !== key[i]) return false
  return true
}

/**
 * A formatter that injects first: what Fluentd's outputs do in `format` (inject, then format).
 * Returns `formatter` itself when there is nothing to inject.
 */
export function withInject(formatter: FormatterPlugin, injector: Injector | null): FormatterPlugin {
  if (injector === null) return formatter
  return {
    kind: formatter.kind,
    format(tag, sec, nsec, b, start, end, out) {
      const record = injector.inject(tag, sec, nsec, b, start, end)
      formatter.format(tag, sec, nsec, record, 0, record.length, out)
    },
  }
}

/** The `<inject>` element of an output's element, for messages that need the section as written. */
export function injectElement(element: ConfigElement): ConfigElement | undefined {
  return element.elements.find((e) => e.name === 'inject')
}
