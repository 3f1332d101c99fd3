/**
 * @module The stream framer of in_tcp and in_syslog: traditional messages (one- and two-byte
 * delimiters, also split across reads), octet counting (RFC 6587) with its errors, auto
 * detection per message, the length limit (dropped or truncated, never held), and the same
 * messages however the stream is cut into reads (fast-check).
 */

import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Framer, type FramerOptions, type FrameType } from './framing.ts'

const text = new TextEncoder()
const bytes = (s: string) => text.encode(s)
const str = (b: Uint8Array) => Buffer.from(b).toString('latin1')

interface Outcome {
  messages: string[]
  oversize: string[]
  error: string | null
}

function frame(reads: readonly string[], options: Partial<FramerOptions> & { type?: FrameType } = {}): Outcome & { framer: Framer } {
  const framer = new Framer({ type: 'traditional', delimiter: bytes('\n'), limit: 1 << 20, overflow: 'drop', ...options })
  const out: Outcome = { messages: [], oversize: [], error: null }
  const handler = {
    message: (b: Uint8Array, s: number, e: number) => out.messages.push(str(b.subarray(s, e))),
    oversize: (size: number, head: Uint8Array, action: string) => out.oversize.push(`${action} ${size} ${str(head)}`),
  }
  for (const r of reads) {
    const error = framer.push(Buffer.from(r, 'latin1'), handler)
    if (error !== null) {
      out.error = error
      break
    }
  }
  return { ...out, framer }
}

describe('traditional framing', () => {
  it('splits on the delimiter, keeps "\\r" of CRLF senders, and holds an unfinished message', () => {
    const r = frame(['a\nbb\r\n', 'c', 'c\n\nd'])
    expect(r.messages).toEqual(['a', 'bb\r', 'cc', ''])
    expect(r.framer.inMessage).toBe(true)
    expect(r.framer.pending).toBe(1)
  })

  it('finds a two-byte delimiter split across reads', () => {
    const r = frame(['one\r', '\ntwo\r\nthr', 'ee\r', 'x\r\n'], { delimiter: bytes('\r\n') })
    expect(r.messages).toEqual(['one', 'two', 'three\rx'])
  })

  it('drops a message over the limit (also one that outgrew it before its delimiter) and keeps the next', () => {
    const r = frame(['12345\nabc\n', '1234', '5678', '9\nok\n'], { limit: 4 })
    expect(r.messages).toEqual(['abc', 'ok'])
    expect(r.oversize).toEqual(['dropped 5 1234', 'dropped 9 1234'])
  })

  it('truncates instead when asked', () => {
    const r = frame(['123456\nab\n'], { limit: 4, overflow: 'truncate' })
    expect(r.messages).toEqual(['1234', 'ab'])
    expect(r.oversize).toEqual(['truncated 6 1234'])
  })
})

describe('octet counting', () => {
  it('reads MSG-LEN SP MSG frames, a frame split across reads, and bytes that look like delimiters', () => {
    const r = frame(['5 <1>a\n3 <2', '>5 <3>\nb'], { type: 'octet_count' })
    expect(r.messages).toEqual(['<1>a\n', '<2>', '<3>\nb'])
    expect(r.framer.inMessage).toBe(false)
  })

  it('refuses what is not MSG-LEN SP (letters, a leading zero, eleven digits)', () => {
    expect(frame(['<13>hello\n'], { type: 'octet_count' }).error).toMatch(/expected MSG-LEN .* got "<"/)
    expect(frame(['05 <1>ab'], { type: 'octet_count' }).error).toMatch(/got "05 "/)
    expect(frame(['12345678901 x'], { type: 'octet_count' }).error).toMatch(/got "12345678901"/)
  })

  it('truncates a frame over the limit and skips the rest of it exactly', () => {
    const r = frame(['10 <1>abcdefg', '3 <2>'], { type: 'octet_count', limit: 4, overflow: 'truncate' })
    expect(r.messages).toEqual(['<1>a', '<2>'])
    expect(r.oversize).toEqual(['truncated 10 <1>a'])
  })
})

describe('auto framing', () => {
  it('takes each message by its first bytes: octet counting, then lines, then octet counting again', () => {
    const r = frame(['4 <1>x<2>line\n12 ', 'has digits\n5 <3>y', 'z'], { type: 'auto' })
    expect(r.messages).toEqual(['<1>x', '<2>line', '12 has digits', '<3>yz'])
  })

  it('reads a line that starts with digits as a line', () => {
    expect(frame(['2024-01-01 x\n123\n'], { type: 'auto' }).messages).toEqual(['2024-01-01 x', '123'])
  })
})

describe('split invariance', () => {
  const messages = fc.array(fc.string({ unit: fc.constantFrom('a', 'b', '<', '1', ' ', '\r', '7'), maxLength: 12 }), { maxLength: 8 })
  const cuts = fc.array(fc.nat({ max: 200 }), { maxLength: 6 })
  const split = (s: string, at: number[]) => {
    const points = [...new Set(at.map((c) => c % (s.length + 1)))].sort((x, y) => x - y)
    const parts: string[] = []
    let last = 0
    for (const p of points) {
      parts.push(s.slice(last, p))
      last = p
    }
    parts.push(s.slice(last))
    return parts
  }

  it('traditional with "\\r\\n": the same messages for every cut of the stream', () => {
    fc.assert(
      fc.property(messages, cuts, (ms, at) => {
        const stream = ms.map((m) => `${m.replace(/\r/g, '')}\r\n`).join('')
        const whole = frame([stream], { delimiter: bytes('\r\n'), limit: 6 })
        const pieces = frame(split(stream, at), { delimiter: bytes('\r\n'), limit: 6 })
        expect(pieces.messages).toEqual(whole.messages)
        expect(pieces.oversize).toEqual(whole.oversize)
      }),
    )
  })

  it('auto with octet-counted and traditional messages mixed', () => {
    fc.assert(
      fc.property(messages, fc.array(fc.boolean()), cuts, (ms, counted, at) => {
        const stream = ms
          .map((m, i) => {
            const msg = `<${i}>${m}`
            return counted[i] ? `${msg.length} ${msg}` : `${msg.replace(/\n/g, '')}\n`
          })
          .join('')
        const expected = ms.map((m, i) => `<${i}>${m}`)
        expect(frame([stream], { type: 'auto' }).messages).toEqual(expected)
        expect(frame(split(stream, at), { type: 'auto' }).messages).toEqual(expected)
      }),
    )
  })
})
