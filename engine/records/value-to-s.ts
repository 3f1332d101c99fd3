/**
 * @module Ruby's `to_s` of the msgpack object at a position, read straight from the bytes for
 * scalars (strings, integers, floats, nil, booleans) and through a full decode only for arrays,
 * maps and ext values (rare in grep keys).
 */

import { decode } from '@msgpack/msgpack'
import { eventTimeCodec } from '../event-time.ts'
import { skipObject, stringAt } from './field-scan.ts'
import { rubyFloatToS, rubyToS } from './ruby-string.ts'

/** `record[key].to_s` for the value at `p`; `p < 0` (missing key) is nil, whose to_s is "". */
export function valueToS(b: Uint8Array, p: number): string {
  if (p < 0) return ''
  const h = b[p]
  if (h <= 0x7f) return String(h)
  if (h >= 0xe0) return String(h - 0x100)
  const s = stringAt(b, p)
  if (s !== null) return s
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength)
  switch (h) {
    case 0xc0:
      return ''
    case 0xc2:
      return 'false'
    case 0xc3:
      return 'true'
    case 0xca:
      return rubyFloatToS(view.getFloat32(p + 1))
    case 0xcb:
      return rubyFloatToS(view.getFloat64(p + 1))
    case 0xcc:
      return String(b[p + 1])
    case 0xcd:
      return String(view.getUint16(p + 1))
    case 0xce:
      return String(view.getUint32(p + 1))
    case 0xcf:
      return view.getBigUint64(p + 1).toString()
    case 0xd0:
      return String(view.getInt8(p + 1))
    case 0xd1:
      return String(view.getInt16(p + 1))
    case 0xd2:
      return String(view.getInt32(p + 1))
    case 0xd3:
      return view.getBigInt64(p + 1).toString()
  }
  const value = decode(b.subarray(p, skipObject(b, p)), { extensionCodec: eventTimeCodec, useBigInt64: true })
  return rubyToS(value)
}
