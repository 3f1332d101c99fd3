/** @module msgpack → JSON text as Ruby's JSON.generate writes it (Fluentd's formatters). */

import { describe, expect, it } from 'vitest'
import { encodeRecord } from '../event-stream.ts'
import { EventTime } from '../event-time.ts'
import { msgpackToJson } from './msgpack-json.ts'

const hex = (s: string) => Uint8Array.from(s.match(/../g)!.map((b) => parseInt(b, 16)))

describe('msgpackToJson', () => {
  it('writes records like JSON.generate', () => {
    const bytes = encodeRecord({ s: 'a"\\\n\u0001é', i: -5, u: 300, big: -(2n ** 63n), ok: true, no: null, arr: [1, 'x', {}], f: 0.25 })
    expect(msgpackToJson(bytes)).toBe(
      '{"s":"a\\"\\\\\\n\\u0001é","i":-5,"u":300,"big":-9223372036854775808,"ok":true,"no":null,"arr":[1,"x",{}],"f":0.25}',
    )
  })

  it('writes integral floats with .0, non-finite floats as null, uint64 exactly', () => {
    expect(msgpackToJson(hex('cb3ff0000000000000'))).toBe('1.0') // float64 1.0
    expect(msgpackToJson(hex('cb7ff8000000000000'))).toBe('null') // NaN
    expect(msgpackToJson(hex('ca3fc00000'))).toBe('1.5') // float32
    expect(msgpackToJson(hex('cfffffffffffffffff'))).toBe('18446744073709551615')
  })

  it('turns bin into strings, non-string keys into their text, EventTime into seconds', () => {
    expect(msgpackToJson(hex('82c4026869c403617363' + '01a16f'))).toBe('{"hi":"asc","1":"o"}')
    expect(msgpackToJson(encodeRecord({ t: new EventTime(10, 500_000_000) as unknown as number }))).toBe('{"t":10.5}')
    expect(() => msgpackToJson(hex('81a16b'))).toThrow(/truncated/)
  })
})
