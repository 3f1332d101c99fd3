/**
 * @module Builders for Forward protocol messages (Message, Forward, PackedForward,
 * CompressedPackedForward) from already-encoded parts, for framer tests.
 */
import { array, type Bytes, bin, cat, encode, map, type Plain, str } from './msgpack-build.ts'

/** An option map from plain values (`{chunk: 'X', size: 2}`), smallest encodings. */
export const options = (o: Record<string, Plain>): Bytes => encode(o)

/** `[time, record]`. */
export const entry = (time: Bytes, record: Bytes): Bytes => array([time, record])

/** Message mode: `[tag, time, record]` or `[tag, time, record, option]`. */
export function message(tag: string, time: Bytes, record: Bytes, option?: Bytes): Bytes {
  return array(option === undefined ? [str(tag), time, record] : [str(tag), time, record, option])
}

/** Forward mode: `[tag, [entries...]]` or with an option. */
export function forward(tag: string, entries: readonly Bytes[], option?: Bytes): Bytes {
  const items = [str(tag), array(entries)]
  return array(option === undefined ? items : [...items, option])
}

/** How a packed payload is carried: as str32 (Fluentd's out_forward), or the smallest bin. */
export type Carrier = 'str32' | 'bin' | 'bin32' | 'str'

export function carry(payload: Bytes, as: Carrier): Bytes {
  switch (as) {
    case 'str32':
      return str(payload, 32)
    case 'str':
      return str(payload)
    case 'bin32':
      return bin(payload, 32)
    case 'bin':
      return bin(payload)
  }
}

/** PackedForward (or CompressedPackedForward when the option says so): `[tag, <payload>, option?]`. */
export function packed(tag: string, payload: Bytes, as: Carrier, option?: Bytes): Bytes {
  const items = [str(tag), carry(payload, as)]
  return array(option === undefined ? items : [...items, option])
}

/** The concatenated entries of a PackedForward payload. */
export const entriesPayload = (entries: readonly Bytes[]): Bytes => cat(...entries)

/** A map record from plain values. */
export const record = (r: Record<string, Plain>): Bytes => encode(r)

/** A single-pair map `{key: value}` from encoded parts (for odd keys). */
export const pair = (key: Bytes, value: Bytes): Bytes => map([[key, value]])
