/**
 * @module The core's two matching paths against each other and the reference: the lazily built
 * DFA (assembly/match/dfa.ts, the default) and the Pike NFA (DFA limit 0). The shared matcher
 * suite runs on the NFA path and on a DFA so small it resets all the time; properties compare the
 * paths on random route tables and tags; a table sees far more distinct tags than its 2,048-entry
 * cache holds; the limits (state bound, resets, memory that stops growing) are checked.
 */
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import * as abi from '../../wasm/abi.ts'
import { type Core, CoreRouteTable } from '../../wasm/core.ts'
import { compileRoutes } from '../../wasm/match-compiler.ts'
import { loadCore } from '../../wasm/load-node.ts'
import { referenceMatcher } from '../../wasm/reference/matcher.ts'
import type { Matcher, RouteRule } from '../../wasm/types.ts'
import { runMatcherConformance } from './matcher.cases.ts'

/** The core's matcher with every table's DFA limit set to `states` (0: NFA only). */
function coreWithDfaLimit(states: number): () => Promise<Matcher> {
  return async () => {
    const core = await loadCore()
    return {
      compile: (rules) => {
        const table = new CoreRouteTable(core, rules)
        table.setDfaLimit(states)
        return table
      },
    }
  }
}

runMatcherConformance('wasm, NFA path (DFA off)', coreWithDfaLimit(0))
runMatcherConformance('wasm, DFA of 4 states (resets on most new states)', coreWithDfaLimit(4))

/** Realistic rules (filters, matches, `**` forms, `{}`, `**.x`, a catch-nothing tail). */
const RULES: RouteRule[] = [
  { kind: 'filter', pattern: 'kube.**' },
  { kind: 'filter', pattern: '**.audit' },
  { kind: 'filter', pattern: '{nginx,apache}.access' },
  { kind: 'match', pattern: 'app.payments.**' },
  { kind: 'match', pattern: 'app.*.{debug,trace}' },
  { kind: 'match', pattern: 'kube.kube-system.*' },
  { kind: 'match', pattern: 'kube.*.*' },
  { kind: 'match', pattern: 'system.* syslog.**' },
  { kind: 'match', pattern: 'docker.*.std{out,err}' },
  { kind: 'match', pattern: '**.error' },
  { kind: 'match', pattern: 'a**b.c' },
]

/** `count` distinct tags over families the rules tell apart, with unique parts (deterministic). */
function distinctTags(count: number): string[] {
  const heads = [
    'app.payments',
    'app.web',
    'app.api',
    'kube.kube-system',
    'kube.default',
    'system',
    'syslog.web',
    'docker',
    'nginx',
    'misc',
    'ab',
    'a.b',
  ]
  const tails = ['debug', 'trace', 'access', 'audit', 'error', 'stdout', 'stderr', 'c', 'x.y', '']
  const tags: string[] = []
  for (let i = 0; tags.length < count; i++) {
    const head = heads[i % heads.length]
    const tail = tails[Math.floor(i / heads.length) % tails.length]
    const unique = (i * 2654435761) >>> 0
    tags.push(tail === '' ? `${head}.${unique.toString(36)}` : `${head}.${unique.toString(36)}.${tail}`)
  }
  return tags
}

describe('route-table DFA (core)', () => {
  let core: Core
  beforeAll(async () => {
    core = await loadCore()
  })

  const tables = (rules: readonly RouteRule[], dfaStates = abi.DFA_DEFAULT_STATES) => {
    const dfa = new CoreRouteTable(core, rules)
    dfa.setDfaLimit(dfaStates)
    const nfa = new CoreRouteTable(core, rules)
    nfa.setDfaLimit(0)
    return { dfa, nfa, free: () => (dfa.free(), nfa.free()) }
  }

  it('the DFA is on by default, with the documented limit, and 0 turns it off', () => {
    const t = new CoreRouteTable(core, RULES)
    try {
      expect(t.dfaStats()).toMatchObject({ limit: abi.DFA_DEFAULT_STATES, states: 0, resets: 0 })
      t.lookup('app.web.debug')
      expect(t.dfaStats().states).toBeGreaterThan(1)
      expect(t.setDfaLimit(0)).toBe(0)
      expect(t.dfaStats()).toMatchObject({ limit: 0, states: 0 })
      expect(t.lookup('app.web.trace')).toEqual({ match: 4, filters: [] })
      expect(t.dfaStats().states).toBe(0)
      expect(t.setDfaLimit(1)).toBe(4)
    } finally {
      t.free()
    }
  })

  it('random route tables: the DFA, the NFA and the reference give the same routes', () => {
    const patternUnit = fc.constantFrom('a', 'b', '.', '*', '**', '{', '}', ',', '\\', ' ', '\n', 'é')
    const rules = fc.array(
      fc.record({ kind: fc.constantFrom('filter' as const, 'match' as const), pattern: fc.string({ unit: patternUnit, maxLength: 12 }) }),
      { minLength: 1, maxLength: 8 },
    )
    const tagUnit = fc.constantFrom('a', 'b', '.', '..', '\n', '\r', 'é', 'ab')
    fc.assert(
      fc.property(
        rules,
        fc.array(fc.string({ unit: tagUnit, maxLength: 10 }), { minLength: 1, maxLength: 30 }),
        fc.constantFrom(4, 5, 16, abi.DFA_DEFAULT_STATES),
        (rules, tags, limit) => {
          const oracle = referenceMatcher.compile(rules)
          const { dfa, nfa, free } = tables(rules, limit)
          try {
            for (const tag of tags) {
              const want = oracle.lookup(tag)
              expect(nfa.lookup(tag)).toEqual(want)
              expect(dfa.lookup(tag)).toEqual(want)
            }
            expect(dfa.dfaStats().states).toBeLessThanOrEqual(limit)
          } finally {
            free()
          }
        },
      ),
      { numRuns: 500 },
    )
  })

  it('random byte tags (any byte value, invalid UTF-8) route the same on both paths', () => {
    const rules: RouteRule[] = [
      { kind: 'filter', pattern: '*.**' },
      { kind: 'match', pattern: 'a.{b,\u00ff}.*' },
      { kind: 'match', pattern: '**.b' },
      { kind: 'match', pattern: 'a**' },
    ]
    const { dfa, nfa, free } = tables(rules)
    const oracle = referenceMatcher.compile(rules)
    try {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 12 }), fc.uint8Array({ maxLength: 4 }), (tail, head) => {
          const tag = Uint8Array.of(...head, 0x61, 0x2e, ...tail)
          const want = oracle.lookup(tag)
          expect(nfa.lookup(tag)).toEqual(want)
          expect(dfa.lookup(tag)).toEqual(want)
        }),
        { numRuns: 2000 },
      )
    } finally {
      free()
    }
  })

  it('tables with /regex/ alternatives route the same on both paths', () => {
    const rules: RouteRule[] = [
      { kind: 'filter', pattern: '/app\\.(web|api)\\..*/' },
      { kind: 'match', pattern: 'app.payments.**' },
      { kind: 'match', pattern: '/kube\\.[a-z]+\\.\\d+/ system.*' },
      { kind: 'match', pattern: 'kube.**' },
      { kind: 'filter', pattern: '/.*\\.audit/' },
    ]
    const oracle = referenceMatcher.compile(rules)
    const { dfa, nfa, free } = tables(rules)
    try {
      for (const tag of [
        'app.web.x',
        'app.api.y.audit',
        'app.payments.z',
        'kube.ns.12',
        'kube.ns.x',
        'system.cron',
        'misc.audit',
        'x',
        '',
      ]) {
        for (let pass = 0; pass < 2; pass++) {
          expect(dfa.lookup(tag), tag).toEqual(oracle.lookup(tag))
          expect(nfa.lookup(tag), tag).toEqual(oracle.lookup(tag))
        }
      }
    } finally {
      free()
    }
  })

  it('with the DFA, a regex table asks the host only when a regex can change the route', () => {
    const compiled = compileRoutes([
      { kind: 'match', pattern: 'a.**' },
      { kind: 'match', pattern: '/b.*/' },
      { kind: 'match', pattern: 'b.c' },
    ])
    const ptr = core.allocBytes(new Uint8Array(compiled.words.buffer))
    const handle = core.exports.routesLoad(ptr, compiled.words.length)
    core.exports.free(ptr)
    const tag = (s: string) => core.allocBytes(new TextEncoder().encode(s))
    try {
      const ax = tag('a.x')
      const bc = tag('b.c')
      expect(core.exports.routesLookup(handle, ax, 3)).toBeGreaterThanOrEqual(0)
      expect(core.exports.routesLookup(handle, bc, 3)).toBe(abi.ROUTE_NEED_REGEX)
      core.exports.routesSetDfaLimit(handle, 0)
      expect(core.exports.routesLookup(handle, tag('a.y'), 3)).toBe(abi.ROUTE_NEED_REGEX)
    } finally {
      core.exports.routesFree(handle)
    }
  })

  it('more distinct tags than the 2,048-entry cache: every route right, twice over', () => {
    const tags = distinctTags(12_000)
    const oracle = referenceMatcher.compile(RULES)
    const { dfa, nfa, free } = tables(RULES)
    try {
      const want = tags.map((t) => oracle.lookup(t))
      for (let pass = 0; pass < 2; pass++) {
        tags.forEach((t, i) => {
          expect(dfa.lookup(t)).toEqual(want[i])
          expect(nfa.lookup(t)).toEqual(want[i])
        })
      }
      // The unique parts loop inside a few states: the DFA stays far below its limit.
      const stats = dfa.dfaStats()
      expect(stats.resets).toBe(0)
      expect(stats.states).toBeLessThan(500)
    } finally {
      free()
    }
  })

  it('at its state limit the DFA resets, keeps every route right, and its memory stops growing', () => {
    // A table whose DFA needs many states (which of the 12 letters came before an `x`) and has few
    // routes (matches only), so nothing but the DFA could make memory grow.
    const rules: RouteRule[] = Array.from({ length: 12 }, (_, i) => ({
      kind: 'match' as const,
      pattern: `**${String.fromCharCode(0x61 + i)}**x`,
    }))
    const oracle = referenceMatcher.compile(rules)
    const limit = 64
    const dfa = new CoreRouteTable(core, rules)
    expect(dfa.setDfaLimit(limit)).toBe(limit)
    const random = fc.sample(fc.string({ unit: fc.constantFrom(...'abcdefghijklx.'), minLength: 1, maxLength: 24 }), {
      numRuns: 6000,
      seed: 7,
    })
    try {
      let memoryAt = -1
      let bytesAt = -1
      random.forEach((tag, i) => {
        if (i === 3000) {
          memoryAt = core.exports.memory.buffer.byteLength
          bytesAt = dfa.dfaStats().bytes
        }
        expect(dfa.lookup(tag)).toEqual(oracle.lookup(tag))
        expect(dfa.dfaStats().states).toBeLessThanOrEqual(limit)
      })
      const stats = dfa.dfaStats()
      expect(stats.resets).toBeGreaterThan(10)
      expect(stats.bytes).toBe(bytesAt)
      expect(stats.bytes).toBeLessThan(64 * 1024)
      expect(core.exports.memory.buffer.byteLength).toBe(memoryAt)
    } finally {
      dfa.free()
    }
  })
})
