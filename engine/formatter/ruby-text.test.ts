/**
 * @module Ruby's to_s and inspect of msgpack values (Ruby 3.2 as fluent-package 5.2 ships it), with
 * outputs checked against Ruby 3.1 (`"…".inspect`, `Hash#to_s`): escapes, invalid UTF-8 as \xNN,
 * bin as ASCII-8BIT, non-printable characters as \uXXXX, `#{` escaped.
 */

import { describe, expect, it } from 'vitest'
import { array, bin, bool, eventTime, float64, map, nil, str, uint } from '../../test/helpers/msgpack-build.ts'
import { ByteBuffer } from './byte-buffer.ts'
import { writeRubyInspect, writeRubyToS } from './ruby-text.ts'

const inspect = (b: Uint8Array) => {
  const out = new ByteBuffer()
  writeRubyInspect(out, b, 0)
  return Buffer.from(out.view()).toString('latin1')
}
const toS = (b: Uint8Array) => {
  const out = new ByteBuffer()
  writeRubyToS(out, b, 0)
  return Buffer.from(out.view()).toString('latin1')
}
const utf8 = (s: string) => Buffer.from(s).toString('latin1')

describe('Ruby inspect', () => {
  it.each([
    ['\u0001', '"\\u0001"'],
    ['\u007f', '"\\u007F"'],
    ['\u001b\u0007\u000b\b', '"\\e\\a\\v\\b"'],
    ['\u0085', '"\u0085"'],
    ['\u00a0\u200b\ue000', '"\u00a0\u200b\ue000"'],
    ['\u2028\uffff\u0378', '"\\u2028\\uFFFF\\u0378"'],
    ['😀\u{10ffff}', '"😀\\u{10FFFF}"'],
    ['#{x} #$ #@ #a', '"\\#{x} \\#$ \\#@ #a"'],
    ['"\\', '"\\"\\\\"'],
  ])('of the str %j', (value, expected) => {
    expect(inspect(str(value))).toBe(utf8(expected))
  })

  it('of invalid UTF-8 and bin', () => {
    expect(inspect(str(Uint8Array.of(0xff)))).toBe('"\\xFF"')
    expect(inspect(str(Uint8Array.of(0x61, 0xc3)))).toBe('"a\\xC3"')
    expect(inspect(bin(Uint8Array.of(0xc3, 0xa9, 0x01, 0x7f)))).toBe('"\\xC3\\xA9\\x01\\x7F"')
  })

  it('of hashes and arrays, Ruby 3.2 style', () => {
    const record = map([
      [str('a'), uint(1)],
      [str('b'), nil()],
      [str('c'), array([uint(1), float64(2.5), str('x')])],
      [str('d'), map([[str('e'), bool(true)]])],
      [uint(1), uint(2)],
    ])
    expect(inspect(record)).toBe('{"a"=>1, "b"=>nil, "c"=>[1, 2.5, "x"], "d"=>{"e"=>true}, 1=>2}')
    expect(inspect(array([nil(), bool(true), float64(1e20)]))).toBe('[nil, true, 1.0e+20]')
  })
})

describe('Ruby to_s', () => {
  it('is the raw bytes of strings, "" for nil, inspect for containers, seconds for EventTime', () => {
    expect(toS(str('é'))).toBe(utf8('é'))
    expect(toS(bin(Uint8Array.of(0xff)))).toBe('\xff')
    expect(toS(nil())).toBe('')
    expect(toS(float64(1e16))).toBe('1.0e+16')
    expect(toS(map([[str('k'), nil()]]))).toBe('{"k"=>nil}')
    expect(toS(eventTime(1441588984, 5))).toBe('1441588984')
  })
})
