/**
 * @module MapEditor against decode → Ruby Hash semantics → encode: removed keys go, a set key that
 * is present keeps its place, new keys go last, a removed-then-set key goes last (Fluentd's
 * `record.delete('pri')` then `record[k] = v`), big maps keep their pairs; integerAt and the
 * smallest integer forms.
 */

import fc from 'fast-check'
import { decode, encode } from '@msgpack/msgpack'
import { describe, expect, it } from 'vitest'
import { encodeInteger, encodeString, integerAt, MapEditor } from './map-edit.ts'

const enc = new TextEncoder()

function edit(record: Record<string, unknown>, drop: string[], set: Record<string, string>) {
  const editor = new MapEditor()
  const bytes = encode(record)
  expect(
    editor.edit(
      bytes,
      0,
      drop.map((k) => enc.encode(k)),
      Object.entries(set).map(([k, v]) => ({ key: enc.encode(k), value: encodeString(v) })),
    ),
  ).toBe(true)
  return decode(editor.bytes.subarray(editor.start, editor.end)) as Record<string, unknown>
}

/** What Ruby does: delete, then assign. */
function ruby(record: Record<string, unknown>, drop: string[], set: Record<string, string>) {
  const out = new Map(Object.entries(record))
  for (const k of drop) out.delete(k)
  for (const [k, v] of Object.entries(set)) out.set(k, v)
  return out
}

describe('MapEditor', () => {
  it('removes, replaces in place, appends, and moves a removed-then-set key last', () => {
    const out = edit({ pri: 34, host: 'h', msg: 'm' }, ['pri'], { host: 'peer', pri: 'again', added: 'x' })
    expect(Object.entries(out)).toEqual([
      ['host', 'peer'],
      ['msg', 'm'],
      ['pri', 'again'],
      ['added', 'x'],
    ])
  })

  it('matches Ruby Hash semantics for any record (fast-check), across fixmap/map16 sizes', () => {
    const keys = fc.constantFrom('a', 'b', 'c', 'pri', 'host', 'k15', 'k16', 'long_key_name_over_thirty_one_bytes')
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ maxLength: 4 }), fc.oneof(fc.integer(), fc.string(), fc.boolean(), fc.constant(null)), { maxKeys: 40 }),
        fc.array(keys, { maxLength: 3 }),
        fc.dictionary(keys, fc.string({ maxLength: 40 }), { maxKeys: 3 }),
        (record, drop, set) => {
          const out = edit(record, drop, set)
          expect(Object.entries(out)).toEqual([...ruby(record, drop, set)])
        },
      ),
    )
  })

  it('refuses what is not a map', () => {
    expect(new MapEditor().edit(encode([1, 2]), 0, [], [])).toBe(false)
  })
})

describe('integers', () => {
  it('encodes the smallest form and reads every form back', () => {
    for (const n of [
      0,
      1,
      127,
      128,
      255,
      256,
      65535,
      65536,
      2 ** 32 - 1,
      2 ** 32,
      2 ** 53 - 1,
      -1,
      -32,
      -33,
      -128,
      -129,
      -32768,
      -32769,
      -(2 ** 31),
      -(2 ** 31) - 1,
    ]) {
      const bytes = encodeInteger(n)
      expect(bytes).toEqual(encode(n))
      expect(integerAt(bytes, 0)).toBe(n)
    }
    expect(integerAt(encode('1'), 0)).toBeNull()
    expect(integerAt(encode(1.5), 0)).toBeNull()
  })
})
