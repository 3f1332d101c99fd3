/**
 * @module The reference's reading of a Forward message's option map (docs/core-abi.md §1.2):
 * `size`, `chunk`, `compressed` and `fluent_signal`, str keys only, the last occurrence wins (for
 * `size`, the last usable one: other values are ignored).
 */
import { Compressed, type OptionsInfo } from '../types.ts'
import { type MsgNode, payloadOf } from './msgpack-scan.ts'

const U32_MAX = 0xffffffffn
const I32_MIN = -0x80000000n
const I32_MAX = 0x7fffffffn

/** The options of a message that has none. */
export function noOptions(): OptionsInfo {
  return { present: false, invalid: false, size: null, chunk: null, compressed: Compressed.ABSENT, fluentSignal: -1 }
}

/** Bytes read as latin1, one char per byte (for comparing keys and option strings). */
export function latin1(bytes: Uint8Array): string {
  let s = ''
  for (const b of bytes) s += String.fromCharCode(b)
  return s
}

function compressedOf(bytes: Uint8Array, value: MsgNode): Compressed {
  if (value.kind !== 'str') return Compressed.OTHER
  switch (latin1(payloadOf(bytes, value))) {
    case 'text':
      return Compressed.TEXT
    case 'gzip':
      return Compressed.GZIP
    case 'zstd':
      return Compressed.ZSTD
    default:
      return Compressed.OTHER
  }
}

/** Reads the option element (`undefined` when the message has none). */
export function readOptions(bytes: Uint8Array, node: MsgNode | undefined): OptionsInfo {
  const options = noOptions()
  if (node === undefined || node.kind === 'nil') return options
  if (node.kind !== 'map') return { ...options, invalid: true }
  options.present = true
  for (let i = 0; i < node.children.length; i += 2) {
    const key = node.children[i]
    const value = node.children[i + 1]
    if (key.kind !== 'str') continue
    switch (latin1(payloadOf(bytes, key))) {
      case 'size':
        if (value.kind === 'int' && value.int >= 0n) options.size = Number(value.int > U32_MAX ? U32_MAX : value.int)
        break
      case 'chunk':
        options.chunk = [value.start, value.end]
        break
      case 'compressed':
        options.compressed = compressedOf(bytes, value)
        break
      case 'fluent_signal':
        options.fluentSignal = value.kind === 'int' && value.int >= I32_MIN && value.int <= I32_MAX ? Number(value.int) : -1
        break
    }
  }
  return options
}
