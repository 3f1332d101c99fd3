/**
 * @module The matcher conformance suite (docs/core-abi.md §3, docs/matching.md): the hand-written
 * table in test/fixtures/match/cases.json (patterns × tags, route tables), byte tags, and a
 * property comparing the implementation with the reference on random patterns and tags. Call
 * `runMatcherConformance(name, getMatcher)` from a test file.
 */
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Matcher, Route, RouteRule, RouteTable } from '../../wasm/types.ts'
import { referenceMatcher } from '../../wasm/reference/matcher.ts'
import table from '../fixtures/match/cases.json' with { type: 'json' }

interface PatternCase {
  pattern: string
  tag: string
  match: boolean
  note?: string
}

interface RouteCase {
  note: string
  rules: RouteRule[]
  lookups: Array<{ tag: string; match: number; filters: number[] }>
}

const patternCases = table.cases as PatternCase[]
const routeCases = table.routes as RouteCase[]
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s)

/** Compiles a table, runs `use`, and frees the table when the implementation can (the core's hold WASM memory). */
function withTable<T>(matcher: Matcher, rules: readonly RouteRule[], use: (table: RouteTable) => T): T {
  const table = matcher.compile(rules)
  try {
    return use(table)
  } finally {
    ;(table as RouteTable & { free?: () => void }).free?.()
  }
}

/** Random patterns over the glob operators, random tags over parts and dots. */
const patternAlphabet = fc.constantFrom('a', 'b', '.', '*', '{', '}', ',', '\\', ' ')
const tagAlphabet = fc.constantFrom('a', 'b', '.')
const randomRules = fc.array(
  fc.record({ kind: fc.constantFrom('filter' as const, 'match' as const), pattern: fc.string({ unit: patternAlphabet, maxLength: 10 }) }),
  { minLength: 1, maxLength: 4 },
)

export function runMatcherConformance(name: string, getMatcher: () => Matcher | Promise<Matcher>): void {
  describe(`matcher conformance: ${name}`, () => {
    let matcher: Matcher
    beforeAll(async () => {
      matcher = await getMatcher()
    })
    const matches = (pattern: string, tag: string | Uint8Array): boolean =>
      withTable(matcher, [{ kind: 'match', pattern }], (t) => t.lookup(tag).match === 0)

    it('the table has cases', () => {
      expect(patternCases.length).toBeGreaterThan(300)
    })

    it.each(
      patternCases.map(
        (c) =>
          [
            `${JSON.stringify(c.pattern)} ${c.match ? 'matches' : 'does not match'} ${JSON.stringify(c.tag)}${c.note ? ` (${c.note})` : ''}`,
            c,
          ] as const,
      ),
    )('%s', (_, c) => {
      expect(matches(c.pattern, c.tag)).toBe(c.match)
      expect(matches(c.pattern, utf8(c.tag))).toBe(c.match)
    })

    it.each(routeCases.map((c) => [c.note, c] as const))('route table: %s', (_, c) => {
      withTable(matcher, c.rules, (routes) => {
        for (const { tag, match, filters } of c.lookups) {
          const want: Route = { match, filters }
          expect(routes.lookup(tag), JSON.stringify(tag)).toEqual(want)
          expect(routes.lookup(utf8(tag))).toEqual(want)
          expect(routes.lookup(tag)).toEqual(want)
        }
      })
    })

    it('tags given as bytes are matched byte for byte, invalid UTF-8 included', () => {
      const tag = Uint8Array.of(0x61, 0x2e, 0xff, 0xfe)
      expect(matches('a.*', tag)).toBe(true)
      expect(matches('a.**', tag)).toBe(true)
      expect(matches('b.**', tag)).toBe(false)
      expect(matches('*.*.*', tag)).toBe(false)
      expect(matches('a.*', Uint8Array.of(0x61, 0x2e, 0xff, 0x2e))).toBe(false)
      expect(matches('a.*', Uint8Array.of(0x61, 0x2e, 0xc3, 0xa9, 0x0a))).toBe(true)
    })

    it('tables are independent and reusable', () => {
      withTable(matcher, [{ kind: 'match', pattern: 'a.**' }], (first) =>
        withTable(
          matcher,
          [
            { kind: 'filter', pattern: '**' },
            { kind: 'match', pattern: 'b' },
          ],
          (second) => {
            for (let i = 0; i < 3; i++) {
              expect(first.lookup('a.x')).toEqual({ match: 0, filters: [] })
              expect(second.lookup('a.x')).toEqual({ match: -1, filters: [0] })
              expect(second.lookup('b')).toEqual({ match: 1, filters: [0] })
            }
          },
        ),
      )
    })

    it('random patterns and tags route like the reference', () => {
      fc.assert(
        fc.property(
          randomRules,
          fc.array(fc.string({ unit: tagAlphabet, maxLength: 8 }), { minLength: 1, maxLength: 8 }),
          (rules, tags) => {
            const oracle = referenceMatcher.compile(rules)
            withTable(matcher, rules, (routes) => {
              for (const tag of tags) expect(routes.lookup(tag)).toEqual(oracle.lookup(tag))
            })
          },
        ),
        { numRuns: 400 },
      )
    })

    it('random patterns and tags with newlines, carriage returns and UTF-8 route like the reference', () => {
      const tagUnit = fc.constantFrom('a', 'b', '.', '\n', '\r', 'é')
      fc.assert(
        fc.property(randomRules, fc.array(fc.string({ unit: tagUnit, maxLength: 8 }), { minLength: 1, maxLength: 8 }), (rules, tags) => {
          const oracle = referenceMatcher.compile(rules)
          withTable(matcher, rules, (routes) => {
            for (const tag of tags) {
              expect(routes.lookup(tag)).toEqual(oracle.lookup(tag))
              expect(routes.lookup(utf8(tag))).toEqual(oracle.lookup(tag))
            }
          })
        }),
        { numRuns: 200 },
      )
    })
  })
}
