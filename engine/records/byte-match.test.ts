/**
 * @module The byte tests agree with the RegExps they replace, on any string (line terminators,
 * non-ASCII, invalid UTF-8), and are refused for every pattern they cannot reproduce.
 */

import { describe, expect, it } from 'vitest'
import * as fc from 'fast-check'
import { parseRegexp } from '../config/types.ts'
import { compileByteTest } from './byte-match.ts'

const regexp = (text: string) => {
  const parsed = parseRegexp(text)
  if (!parsed.ok) throw new Error(parsed.reason)
  return parsed.value.regexp
}

const te = new TextEncoder()
const td = new TextDecoder()

describe('compileByteTest', () => {
  it.each(['error', 'session opened', 'WARN', 'a-b:c=d', '.', '.+', '.*', '/x/'])('handles %s', (p) => {
    expect(compileByteTest(regexp(p))).not.toBeNull()
  })

  it.each(['/error/i', '^error', 'error$', 'a|b', 'a.b', '\\d', '[ab]', 'é', '/./m', 'x+', 'a/b'])('refuses %s', (p) => {
    expect(compileByteTest(regexp(p))).toBeNull()
  })

  it('agrees with the RegExp on any string and on raw bytes', () => {
    const chars = fc.constantFrom('a', 'b', 'e', 'r', 'o', ' ', '\n', '\r', '\u2028', '\u2029', 'é', '😀', '\t')
    const text = fc.array(chars, { maxLength: 12 }).map((a) => a.join(''))
    const pattern = fc.constantFrom('error', 'ro', 'e', 'b a', '.', '.+', '.*')
    fc.assert(
      fc.property(text, pattern, fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 6 }), (s, p, junk) => {
        const re = regexp(p)
        const test = compileByteTest(re)!
        const bytes = te.encode(s)
        expect(test(bytes, 0, bytes.length)).toBe(re.test(s))
        const raw = new Uint8Array([...bytes, ...junk])
        expect(test(raw, 0, raw.length)).toBe(re.test(td.decode(raw)))
      }),
      { numRuns: 500 },
    )
  })
})
