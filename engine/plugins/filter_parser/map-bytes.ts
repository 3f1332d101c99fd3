/**
 * @module The record surgery filter_parser does, on msgpack bytes (records are never decoded):
 * Ruby's `Hash#merge` of two maps (the first's order, its repeated keys collapsed, values replaced
 * by the second's, the second's new keys appended), keys prefixed (`inject_key_prefix`), a map
 * wrapped under one key (`hash_value_field`), and a record_accessor path deleted
 * (`remove_key_name_field`). Inputs are valid, complete msgpack (records of an event stream,
 * records a parser wrote).
 */

import { container, isArray, isMap, mapEntries, skip, strRange } from '../../parser/record-reader.ts'
import type { PathStep } from '../../records/record-accessor.ts'

const utf8 = new TextEncoder()
const text = new TextDecoder()

/** A growing byte buffer. */
export class Bytes {
  private buf = new Uint8Array(256)
  length = 0

  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return
    const grown = new Uint8Array(Math.max(this.buf.length * 2, this.length + n))
    grown.set(this.buf.subarray(0, this.length))
    this.buf = grown
  }

  push(b: Uint8Array, start = 0, end = b.length): void {
    this.reserve(end - start)
    this.buf.set(b.subarray(start, end), this.length)
    this.length += end - start
  }

  private byte(v: number): void {
    this.reserve(1)
    this.buf[this.length++] = v
  }

  /** A map (fix 0x80, 0xde) or array (fix 0x90, 0xdc) header. */
  header(n: number, fix: number, base16: number): void {
    if (n < 16) return this.byte(fix | n)
    this.sized(n, base16, base16 + 1)
  }

  str(s: string): void {
    const bytes = utf8.encode(s)
    const n = bytes.length
    if (n < 32) this.byte(0xa0 | n)
    else if (n < 256) {
      this.byte(0xd9)
      this.byte(n)
    } else this.sized(n, 0xda, 0xdb)
    this.push(bytes)
  }

  private sized(n: number, head16: number, head32: number): void {
    if (n < 65536) {
      this.byte(head16)
      this.byte(n >> 8)
      this.byte(n & 0xff)
    } else {
      this.byte(head32)
      this.byte(n >>> 24)
      this.byte((n >> 16) & 0xff)
      this.byte((n >> 8) & 0xff)
      this.byte(n & 0xff)
    }
  }

  /** A copy of what was written. */
  bytes(): Uint8Array {
    return this.buf.slice(0, this.length)
  }

  /** A view of what was written (valid until the next write). */
  view(): Uint8Array {
    return this.buf.subarray(0, this.length)
  }

  clear(): void {
    this.length = 0
  }
}

/** The identity of a map key: a str by its text bytes (str8 "a" equals fixstr "a"), anything else by its bytes. */
function keyId(b: Uint8Array, start: number, end: number): string {
  const r = strRange(b, start)
  let id = r === null ? 'r' : 's'
  const [s, e] = r ?? [start, end]
  for (let i = s; i < e; i++) id += String.fromCharCode(b[i])
  return id
}

/** One entry of a map being rebuilt: its key and value, each from its own buffer. */
interface Entry {
  keyBytes: Uint8Array
  key: [number, number]
  valueBytes: Uint8Array
  value: [number, number]
}

/** A map's entries by key identity, in first-seen order, the last value of a repeated key winning (a Ruby Hash). */
function entriesById(b: Uint8Array, p: number, end: number, into = new Map<string, Entry>()): Map<string, Entry> {
  for (const [k, v, e] of mapEntries(b, p, end)) {
    const id = keyId(b, k, v)
    const seen = into.get(id)
    if (seen !== undefined) {
      seen.valueBytes = b
      seen.value = [v, e]
    } else into.set(id, { keyBytes: b, key: [k, v], valueBytes: b, value: [v, e] })
  }
  return into
}

function writeEntries(out: Bytes, entries: Map<string, Entry>, replace?: { id: string; value: Uint8Array }): void {
  out.header(entries.size, 0x80, 0xde)
  for (const [id, e] of entries) {
    out.push(e.keyBytes, e.key[0], e.key[1])
    if (replace !== undefined && id === replace.id) out.push(replace.value)
    else out.push(e.valueBytes, e.value[0], e.value[1])
  }
}

/** Ruby's `a.merge(b)` of the maps at `a[aStart, aEnd)` and `b[bStart, bEnd)`, written to `out`. */
export function mergeMaps(out: Bytes, a: Uint8Array, aStart: number, aEnd: number, b: Uint8Array, bStart: number, bEnd: number): void {
  writeEntries(out, entriesById(b, bStart, bEnd, entriesById(a, aStart, aEnd)))
}

/** The map at `p` with every str key prefixed (other keys as they are). */
export function prefixKeys(out: Bytes, b: Uint8Array, p: number, end: number, prefix: string): void {
  const entries = entriesById(b, p, end)
  out.header(entries.size, 0x80, 0xde)
  for (const e of entries.values()) {
    const r = strRange(e.keyBytes, e.key[0])
    if (r === null) out.push(e.keyBytes, e.key[0], e.key[1])
    else out.str(prefix + text.decode(e.keyBytes.subarray(r[0], r[1])))
    out.push(e.valueBytes, e.value[0], e.value[1])
  }
}

/** `{key => value}` with the value's bytes as they are. */
export function wrap(out: Bytes, key: string, value: Uint8Array, start: number, end: number): void {
  out.header(1, 0x80, 0xde)
  out.str(key)
  out.push(value, start, end)
}

/** `{}` */
export const EMPTY_MAP = new Uint8Array([0x80])

/**
 * The object at `b[p, end)` with the value at `path` removed (Fluentd's record_accessor delete: the
 * last step's key from its map, or index from its array), or null when the path does not exist.
 */
export function deletePath(b: Uint8Array, p: number, end: number, path: readonly PathStep[]): Uint8Array | null {
  const out = new Bytes()
  return deleteInto(out, b, p, end, path) ? out.bytes() : null
}

function deleteInto(out: Bytes, b: Uint8Array, p: number, end: number, path: readonly PathStep[]): boolean {
  const [step, ...rest] = path
  if (typeof step === 'string' && isMap(b, p)) {
    const key = utf8.encode(step)
    let id = 's'
    for (const c of key) id += String.fromCharCode(c)
    const entries = entriesById(b, p, end)
    const target = entries.get(id)
    if (target === undefined) return false
    if (rest.length === 0) {
      entries.delete(id)
      writeEntries(out, entries)
      return true
    }
    const inner = new Bytes()
    if (!deleteInto(inner, target.valueBytes, target.value[0], target.value[1], rest)) return false
    writeEntries(out, entries, { id, value: inner.bytes() })
    return true
  }
  if (typeof step === 'number' && isArray(b, p)) {
    const { count, first } = container(b, p)
    const index = step < 0 ? count + step : step
    if (index < 0 || index >= count) return false
    const items: [number, number][] = []
    let at = first
    for (let i = 0; i < count; i++) {
      const next = skip(b, at, end)
      items.push([at, next])
      at = next
    }
    if (rest.length === 0) {
      out.header(count - 1, 0x90, 0xdc)
      items.forEach(([s, e], i) => i !== index && out.push(b, s, e))
      return true
    }
    const inner = new Bytes()
    if (!deleteInto(inner, b, items[index][0], items[index][1], rest)) return false
    out.header(count, 0x90, 0xdc)
    items.forEach(([s, e], i) => (i === index ? out.push(inner.bytes()) : out.push(b, s, e)))
    return true
  }
  return false
}
