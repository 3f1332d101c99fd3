/** @module formatter_msgpack, after Fluentd's test_formatter_msgpack.rb: Ruby's record.to_msgpack. */

import { describe, expect, it } from 'vitest'
import { checkSchema } from '../../config/schema.ts'
import { ByteBuffer } from '../../formatter/byte-buffer.ts'
import { formatterFrom } from '../../../test/helpers/formatters.ts'
import { eventTime, float32, hex, int, map, str, toHex, uint } from '../../../test/helpers/msgpack-build.ts'
import { formatterMsgpack } from './index.ts'

const format = (record: Uint8Array) => {
  const out = new ByteBuffer()
  formatterFrom({ '@type': 'msgpack' }).format('tag', 0, 0, record, 0, record.length, out)
  return toHex(out.view())
}

describe('formatter_msgpack', () => {
  it('has a valid schema', () => expect(checkSchema(formatterMsgpack.schema)).toEqual([]))

  it('writes a canonical record as it is', () => {
    const record = map([
      [str('message'), str('awesome')],
      [str('greeting'), str('hello')],
    ])
    expect(format(record)).toBe(toHex(record))
  })

  it('writes what Ruby packs: smallest forms, float64, merged repeated keys, EventTime as seconds', () => {
    const record = map([
      [str('a', 16), uint(5, 64)],
      [str('f'), float32(1.5)],
      [str('n'), int(-2, 64)],
      [str('t'), eventTime(1441588984, 5)],
      [str('a'), uint(7)],
    ])
    expect(format(record)).toBe(toHex(hex('84 a1 61 07 a1 66 cb 3f f8 00 00 00 00 00 00 a1 6e fe a1 74 ce 55 ec e6 f8')))
  })
})
