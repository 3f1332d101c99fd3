/**
 * @module The JSON transcoder under test, as the conformance cases see it: `value` / `entries`
 * calls that check the outcome's invariants and, when the implementation is not the reference,
 * that it equals the reference's outcome field for field.
 */
import { beforeAll, expect } from 'vitest'
import { decode, decodeMulti } from '@msgpack/msgpack'
import { referenceJson } from '../../../wasm/reference/json.ts'
import { isStop, scanObject } from '../../../wasm/reference/msgpack-scan.ts'
import {
  ItemStatus,
  type JsonEntriesOptions,
  type JsonEntriesOutcome,
  type JsonTranscoder,
  type JsonValueOutcome,
} from '../../../wasm/types.ts'

export interface JsonUnderTest {
  readonly impl: JsonTranscoder
  readonly isReference: boolean
  value(text: Uint8Array | string, maxDepth?: number): JsonValueOutcome
  entries(text: Uint8Array | string, options?: Partial<JsonEntriesOptions>): JsonEntriesOutcome
}

const textEncoder = new TextEncoder()
export const bytesOf = (text: Uint8Array | string): Uint8Array => (typeof text === 'string' ? textEncoder.encode(text) : text)

export const NOW = { sec: 1_700_000_000, nsec: 123_000_000 }

export function useJson(get: () => JsonTranscoder | Promise<JsonTranscoder>): JsonUnderTest {
  let impl: JsonTranscoder | undefined
  beforeAll(async () => {
    impl = await get()
  })
  const it = (): JsonTranscoder => {
    if (impl === undefined) throw new Error('transcoder not loaded yet')
    return impl
  }
  return {
    get impl() {
      return it()
    },
    get isReference() {
      return it() === referenceJson
    },
    value(text, maxDepth) {
      const bytes = bytesOf(text)
      const outcome = it().value(bytes, maxDepth)
      expectWellFormedValue(outcome, bytes.length)
      if (it() !== referenceJson) expect(comparable(outcome)).toEqual(comparable(referenceJson.value(bytes, maxDepth)))
      return outcome
    },
    entries(text, options = {}) {
      const bytes = bytesOf(text)
      const full: JsonEntriesOptions = { framing: 'value', now: NOW, ...options }
      const outcome = it().entries(bytes, full)
      expectWellFormedEntries(outcome, bytes.length)
      if (it() !== referenceJson) expect(comparable(outcome)).toEqual(comparable(referenceJson.entries(bytes, full)))
      return outcome
    },
  }
}

/** An outcome with its byte arrays as latin1 strings (toEqual on large typed arrays is slow). */
function comparable<T extends object>(o: T): T {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(o)) out[k] = v instanceof Uint8Array ? latin1(v) : v
  return out as T
}

function latin1(b: Uint8Array): string {
  let s = ''
  for (let i = 0; i < b.length; i += 8192) s += String.fromCharCode(...b.subarray(i, i + 8192))
  return s
}

/** True when `bytes` is exactly one msgpack object (any keys: @msgpack/msgpack refuses `__proto__`). */
function oneObject(bytes: Uint8Array): boolean {
  const node = scanObject(bytes, 0, { avail: bytes.length, limit: bytes.length })
  return !isStop(node) && node.end === bytes.length
}

/** What every value outcome satisfies. */
export function expectWellFormedValue(o: JsonValueOutcome, length: number): void {
  if (o.status === 0) {
    expect(o.errorOffset).toBe(-1)
    expect(oneObject(o.bytes)).toBe(true)
  } else {
    expect([3, 6]).toContain(o.status)
    expect(o.errorOffset).toBeGreaterThanOrEqual(0)
    expect(o.errorOffset).toBeLessThanOrEqual(length)
    expect(o.bytes).toHaveLength(0)
  }
}

/** What every entries outcome satisfies: OK items' entries tile the output in order, ranges lie in the text. */
export function expectWellFormedEntries(o: JsonEntriesOutcome, length: number): void {
  let at = 0
  for (const item of o.items) {
    expect(item.src[0]).toBeGreaterThanOrEqual(0)
    expect(item.src[0]).toBeLessThanOrEqual(item.src[1])
    expect(item.src[1]).toBeLessThanOrEqual(length)
    expect(item.entry[0]).toBe(at)
    if (item.status === ItemStatus.OK) {
      const entry = o.entries.subarray(item.entry[0], item.entry[1])
      expect([...entry.subarray(0, 3)]).toEqual([0x92, 0xd7, 0x00])
      const view = new DataView(entry.buffer, entry.byteOffset)
      expect([view.getUint32(3), view.getUint32(7)]).toEqual([item.sec, item.nsec])
      expect(item.entry[1] - item.entry[0]).toBe(11 + item.recordSize)
      const record = entry.subarray(11)
      expect(oneObject(record)).toBe(true)
      expect(record[0] >= 0x80 && record[0] <= 0x8f ? true : record[0] === 0xde || record[0] === 0xdf).toBe(true)
      at = item.entry[1]
    } else {
      expect(item.entry[1]).toBe(item.entry[0])
    }
    if (item.status === ItemStatus.INVALID || item.status === ItemStatus.TOO_DEEP) {
      expect(item.errorOffset).toBeGreaterThanOrEqual(item.src[0])
      expect(item.errorOffset).toBeLessThanOrEqual(item.src[1])
    } else expect(item.errorOffset).toBe(-1)
  }
  expect(o.entries.length).toBe(at)
  if (o.status !== 0) {
    expect(o.items).toHaveLength(1)
    expect(o.errorOffset).toBe(o.items[0].errorOffset)
  } else expect(o.errorOffset).toBe(-1)
}

/** Lower-case hex with spaces. */
export const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ')

/** The record of OK item `i`, decoded (64-bit integers as bigint). */
export function recordOf(o: JsonEntriesOutcome, i: number): unknown {
  const item = o.items[i]
  return decode(o.entries.subarray(item.entry[0] + 11, item.entry[1]), { useBigInt64: true })
}

/** The keys of OK item `i`'s record in wire order (msgpack map order, not JS object order). */
export function keysOf(o: JsonEntriesOutcome, i: number): string[] {
  const item = o.items[i]
  return mapKeys(o.entries.subarray(item.entry[0] + 11, item.entry[1]))
}

/** The keys of a top-level msgpack map in wire order. */
export function mapKeys(bytes: Uint8Array): string[] {
  // Decode the map as an array of alternating keys and values by rewriting its header.
  const b = bytes[0]
  let count: number
  let at: number
  if (b >= 0x80 && b <= 0x8f) [count, at] = [b & 15, 1]
  else if (b === 0xde) [count, at] = [(bytes[1] << 8) | bytes[2], 3]
  else if (b === 0xdf) [count, at] = [new DataView(bytes.buffer, bytes.byteOffset).getUint32(1), 5]
  else throw new Error(`not a map: ${b.toString(16)}`)
  const values = [...decodeMulti(bytes.subarray(at), { useBigInt64: true })]
  expect(values).toHaveLength(count * 2)
  return values.filter((_, i) => i % 2 === 0) as string[]
}
