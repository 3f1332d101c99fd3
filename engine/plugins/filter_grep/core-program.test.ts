/**
 * @module The core's grep pass (core-program.ts → assembly/grep/grep.ts) gives exactly the JS
 * regexp's answer on `to_s` of the value: a table of patterns × values (strings with line
 * terminators, U+2028, non-ASCII and invalid UTF-8, case variants, integers, nil, booleans, missing
 * keys, nested paths, bin, str32), a seeded random table, and real loghub lines; values the core
 * does not stringify (floats, maps, arrays) go to the JS pass with the same result.
 */

import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { encode } from '@msgpack/msgpack'
import { describe, expect, it } from 'vitest'
import * as abi from '../../../wasm/abi.ts'
import { loadCore } from '../../../wasm/load-node.ts'
import { parseRegexp } from '../../config/types.ts'
import type { EventStream } from '../../event-stream.ts'
import { valueToS } from '../../records/value-to-s.ts'
import { findPath, skipObject } from '../../records/field-scan.ts'
import { entryView } from '../../entry-view.ts'
import type { GrepConfig } from '../../schemas/filter_grep.ts'
import { compileConditions, GrepMatcher } from './conditions.ts'
import { coreProgram, literalAlternatives } from './core-program.ts'
import { grepInCore, grepStream } from './grep.ts'
import { cat } from '../../../test/helpers/msgpack-build.ts'

const core = await loadCore()
const utf8 = new TextEncoder()

function strHeader(n: number): number[] {
  if (n < 32) return [0xa0 | n]
  if (n < 256) return [0xd9, n]
  if (n < 65536) return [0xda, n >> 8, n & 255]
  return [0xdb, (n >>> 24) & 255, (n >> 16) & 255, (n >> 8) & 255, n & 255]
}
/** A msgpack str of raw bytes (which need not be UTF-8). */
const rawStr = (bytes: Uint8Array): Uint8Array => new Uint8Array([...strHeader(bytes.length), ...bytes])
const str = (text: string): Uint8Array => rawStr(utf8.encode(text))
/** A msgpack map of already-encoded keys and values. */
function map(pairs: [string, Uint8Array][]): Uint8Array {
  const parts = pairs.flatMap(([k, v]) => [str(k), v])
  const head = pairs.length < 16 ? [0x80 | pairs.length] : [0xde, pairs.length >> 8, pairs.length & 255]
  return cat(new Uint8Array(head), ...parts)
}
/** `[EventTime, record]` entries of the records, and where each record starts. */
function streamOf(records: Uint8Array[]): { stream: EventStream; starts: number[] } {
  const starts: number[] = []
  const parts: Uint8Array[] = []
  let at = 0
  records.forEach((record, i) => {
    const head = new Uint8Array([0x92, 0xd7, 0x00, 0x5f, 0x00, 0x00, 0x00, i >>> 24, (i >> 16) & 255, (i >> 8) & 255, i & 255])
    starts.push(at + head.length)
    parts.push(head, record)
    at += head.length + record.length
  })
  return { stream: { tag: 't', entries: cat(...parts), count: records.length }, starts }
}
const sections = (key: string, pattern: string) => [{ key, pattern: regexpOf(pattern) }]
function regexpOf(pattern: string) {
  const parsed = parseRegexp(pattern)
  if (!parsed.ok) throw new Error(parsed.reason)
  return parsed.value
}
function config(partial: Partial<GrepConfig>): GrepConfig {
  return { regexp: [], exclude: [], and: [], or: [], ...partial }
}
/** The records (by index) the core keeps; fails when the core does not take the stream. */
function keptByCore(cfg: GrepConfig, records: Uint8Array[]): number[] {
  const program = coreProgram(compileConditions(cfg))
  expect(program).not.toBeNull()
  const { stream } = streamOf(records)
  const result = grepInCore(core, stream, program!)
  expect(result).not.toBeNull()
  return keptIndexes(result!.stream, records.length)
}
/** Which of the stream's entries are in `out` (each entry carries its index in its nsec). */
function keptIndexes(out: EventStream | null, total: number): number[] {
  if (out === null) return []
  const kept: number[] = []
  const b = out.entries
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength)
  for (let p = 0; p < b.length; p = skipObject(b, p + 11)) kept.push(view.getUint32(p + 7))
  expect(kept.every((i) => i < total)).toBe(true)
  return kept
}

/** The JS regexp's answer on each value's `to_s` (the definition the core must meet). */
function expected(pattern: string, records: Uint8Array[], key: string, mode: 'regexp' | 'exclude'): number[] {
  const regexp = regexpOf(pattern).regexp
  const path = compileConditions(config({ regexp: sections(key, pattern) })).paths[0]
  const out: number[] = []
  records.forEach((record, i) => {
    const p = findPathFor(record, path)
    regexp.lastIndex = 0
    const matched = regexp.test(valueToS(record, p))
    if (matched === (mode === 'regexp')) out.push(i)
  })
  return out
}
const findPathFor = (record: Uint8Array, path: Parameters<typeof findPath>[2]) => findPath(record, 0, path)

const int = (n: number | bigint): Uint8Array => encode(n, { useBigInt64: true })

const VALUES: Uint8Array[] = [
  str('debug'),
  str('DEBUG'),
  str('Debug'),
  str('debugger'),
  str('xdebug'),
  str(''),
  str('info'),
  str('warn'),
  str('error'),
  str('an error here'),
  str('ERROR: disk'),
  str('line one\ndebug'),
  str('debug\nline two'),
  str('debug\r'),
  str('\rdebug'),
  str('a\u2028debug\u2029b'),
  str('debug\u2028'),
  str('caf\u00e9 debug'),
  str('d\u00e9bug'),
  str('\u017fdebug'),
  str('\u212aelvin k'),
  rawStr(new Uint8Array([0xe2, 0x80, 0x0a, 0x64, 0x65, 0x62, 0x75, 0x67])),
  rawStr(new Uint8Array([0xff, 0x64, 0x65, 0x62, 0x75, 0x67, 0xc3])),
  rawStr(new Uint8Array([0xe2, 0xe2, 0x80, 0xa8, 0x64, 0x65, 0x62, 0x75, 0x67])),
  rawStr(new Uint8Array([0xf0, 0xe2, 0x80, 0xa9, 0x64, 0x65, 0x62, 0x75, 0x67])),
  str('x'.repeat(300) + 'debug'),
  str(`debug${'y'.repeat(70000)}`),
  encode(utf8.encode('debug')),
  encode(utf8.encode('bin error')),
  int(0),
  int(7),
  int(-1),
  int(-32),
  int(-33),
  int(200),
  int(65535),
  int(-129),
  int(4294967295),
  int(-2147483649n),
  int(-4294967296n),
  int(18446744073709551615n),
  int(-9223372036854775808n),
  int(12345),
  new Uint8Array([0xc0]),
  new Uint8Array([0xc3]),
  new Uint8Array([0xc2]),
  str('/index.php'),
  str('GET /index.php?x=1'),
  str('info.warn'),
  str('a|b'),
  str('tr'),
  str('true'),
  str('fals'),
  str('-1'),
]

const PATTERNS = [
  '/^debug$/',
  'debug',
  '/debug/i',
  '/^DEBUG$/i',
  '/^debug/',
  '/debug$/',
  '/\\Adebug\\z/',
  '/\\Adebug/',
  '/^(info|warn|error)$/',
  '/^(?:info|warn)/',
  '/error|warn/',
  '/^error|debug$/',
  '/^$/',
  '//',
  '/^/',
  '/\\.php$/',
  '/\\/index\\.php/',
  '/a\\|b/',
  '/^-?1$/',
  '/^1$/',
  '/^-1$/',
  '/12/',
  '/^\\-33$/',
  '/^(1|-32|200)$/',
  '/^(true|false)$/',
  '/rue/',
  '/^$/i',
  '/k/i',
  '/s/i',
  '/^debug$/m',
  '/ebu/m',
  '/caf/i',
  '/^tr(ue)?$/',
  '/err(or)/',
]

describe('literalAlternatives', () => {
  const L = abi.GREP_LINE_START
  const R = abi.GREP_LINE_END
  const S = abi.GREP_TEXT_START
  const E = abi.GREP_TEXT_END
  it.each([
    ['/^debug$/', [{ anchors: L | R, text: 'debug' }]],
    ['debug', [{ anchors: 0, text: 'debug' }]],
    ['/DeBuG/i', [{ anchors: 0, text: 'debug' }]],
    ['/\\Adebug\\z/', [{ anchors: S | E, text: 'debug' }]],
    [
      '/^(info|warn)$/',
      [
        { anchors: L | R, text: 'info' },
        { anchors: L | R, text: 'warn' },
      ],
    ],
    [
      '/a(?:b|c)d|^x/',
      [
        { anchors: 0, text: 'abd' },
        { anchors: 0, text: 'acd' },
        { anchors: L, text: 'x' },
      ],
    ],
    ['/\\.php$/', [{ anchors: R, text: '.php' }]],
    ['//', [{ anchors: 0, text: '' }]],
  ])('%s', (pattern, alternatives) => {
    expect(literalAlternatives(regexpOf(pattern).regexp)).toEqual(alternatives)
  })
  it.each([
    '/deb.g/',
    '/^de+bug$/',
    '/[dD]ebug/',
    '/\\d+/',
    '/^tr(ue)?$/',
    '/(a|b)(c|d)/',
    '/(?=debug)/',
    '/(?<n>debug)/',
    '/debug\\b/',
    '/\\Adebug\\Z/',
    '/d\u00e9bug/',
    '/a{2}/',
    '/(^debug)/',
    '/debug\\Z/',
  ])('%s needs the JS pass', (pattern) => {
    expect(literalAlternatives(regexpOf(pattern).regexp)).toBeNull()
  })
})

describe('grepEntries in the core = the regexp on to_s', () => {
  const records = VALUES.map((v, i) =>
    map([
      ['n', int(i)],
      ['level', v],
    ]),
  )
  // And records without the field, with it under another key, and not a str key.
  records.push(map([['n', int(1)]]), map([['lvl', str('debug')]]), map([]))
  for (const pattern of PATTERNS) {
    if (literalAlternatives(regexpOf(pattern).regexp) === null) continue
    it(`<regexp> and <exclude> ${pattern}`, () => {
      expect(keptByCore(config({ regexp: sections('level', pattern) }), records)).toEqual(expected(pattern, records, 'level', 'regexp'))
      expect(keptByCore(config({ exclude: sections('level', pattern) }), records)).toEqual(expected(pattern, records, 'level', 'exclude'))
    })
  }

  it('takes the byte-literal patterns of the table (so the table tests the core)', () => {
    const taken = PATTERNS.filter((p) => literalAlternatives(regexpOf(p).regexp) !== null)
    expect(taken.length).toBeGreaterThan(PATTERNS.length - 3)
  })

  it('nested paths: $.a.b, a path through a scalar or an array is nil, duplicate keys (the last wins)', () => {
    const nested = [
      map([['a', map([['b', str('debug')]])]]),
      map([['a', map([['b', str('info')]])]]),
      map([['a', str('debug')]]),
      map([['a', encode(['debug'])]]),
      map([['x', int(1)]]),
      map([
        ['a', map([['b', str('info')]])],
        ['a', map([['b', str('debug')]])],
      ]),
      map([
        ['a', map([['b', str('debug')]])],
        ['a', map([['c', str('debug')]])],
      ]),
    ]
    for (const pattern of ['/^debug$/', '/^$/']) {
      expect(keptByCore(config({ regexp: sections('$.a.b', pattern) }), nested)).toEqual(expected(pattern, nested, '$.a.b', 'regexp'))
    }
  })

  it('combines the groups as Fluentd does (and/or, regexp/exclude) exactly as GrepMatcher', () => {
    const rows = VALUES.slice(0, 20).map((v, i) =>
      map([
        ['level', v],
        ['code', int(i * 100)],
        ['msg', VALUES[(i * 7) % VALUES.length]],
      ]),
    )
    const cfgs: GrepConfig[] = [
      config({ regexp: [...sections('level', '/debug/i'), ...sections('msg', '/e/')] }),
      config({ or: [{ regexp: [...sections('level', '/^debug$/'), ...sections('code', '/^1/')], exclude: [] }] }),
      config({ and: [{ regexp: [], exclude: [...sections('level', '/debug/'), ...sections('code', '/00$/')] }] }),
      config({ regexp: sections('msg', '/r/'), exclude: [...sections('level', '/^info$/'), ...sections('code', '/^(0|300)$/')] }),
    ]
    for (const cfg of cfgs) {
      const matcher = new GrepMatcher(compileConditions(cfg))
      const { stream, starts } = streamOf(rows)
      const want = starts.flatMap((s, i) => (matcher.keep(stream.entries, s) ? [i] : []))
      expect(keptByCore(cfg, rows)).toEqual(want)
    }
  })

  it('a value the core does not stringify (float, map, array) leaves the stream to the JS pass, with the same result', () => {
    const cfg = config({ exclude: sections('level', '/^debug$/') })
    const rows = [
      map([['level', str('debug')]]),
      map([['level', encode(1.5)]]),
      map([['level', str('info')]]),
      map([['level', encode({ a: 1 })]]),
    ]
    const { stream } = streamOf(rows)
    const program = coreProgram(compileConditions(cfg))!
    expect(grepInCore(core, stream, program)).toBeNull()
    const viaCore = grepStream(core, streamOf(rows).stream, new GrepMatcher(compileConditions(cfg)), program)
    const viaJs = grepStream(core, streamOf(rows).stream, new GrepMatcher(compileConditions(cfg)))
    expect(viaCore.kept).toBe(3)
    expect(viaCore.stream!.entries).toEqual(viaJs.stream!.entries)
  })

  it('array-index paths and non-literal patterns have no program', () => {
    expect(coreProgram(compileConditions(config({ regexp: sections('$.a[0]', '/x/') })))).toBeNull()
    expect(coreProgram(compileConditions(config({ regexp: sections('level', '/^de+bug$/') })))).toBeNull()
  })

  it('the new stream is the kept entries byte for byte with a correct index; all kept → the same stream; none → null', () => {
    const cfg = config({ exclude: sections('level', '/^debug$/') })
    const program = coreProgram(compileConditions(cfg))!
    const rows = ['info', 'debug', 'debug', 'warn', 'error', 'debug'].map((l) =>
      map([
        ['level', str(l)],
        ['pad', str('p'.repeat(40))],
      ]),
    )
    const { stream } = streamOf(rows)
    const viaCore = grepStream(core, stream, new GrepMatcher(compileConditions(cfg)), program)
    const viaJs = grepStream(core, streamOf(rows).stream, new GrepMatcher(compileConditions(cfg)))
    expect(viaCore.kept).toBe(3)
    expect(viaCore.stream!.entries).toEqual(viaJs.stream!.entries)
    // The index the new stream carries is the one a fresh walk builds.
    const carried = [...entryRows(viaCore.stream!)]
    const fresh = [...entryRows({ ...viaCore.stream! })]
    expect(carried).toEqual(fresh)
    const same = streamOf(rows.filter((_, i) => ![1, 2, 5].includes(i))).stream
    expect(grepStream(core, same, new GrepMatcher(compileConditions(cfg)), program).stream).toBe(same)
    const none = streamOf([rows[1], rows[2]]).stream
    expect(grepStream(core, none, new GrepMatcher(compileConditions(cfg)), program)).toEqual({ stream: null, kept: 0, failed: null })
  })
})

function* entryRows(stream: EventStream): Generator<number> {
  const { words, rows } = entryView(core, stream)
  for (let i = 0; i < rows * abi.ENTRY_WORDS; i++) if (i % abi.ENTRY_WORDS !== abi.ENTRY_WORDS - 1) yield words[i]
}

describe('grepEntries: entry forms and the walk', () => {
  const cfg = config({ exclude: sections('level', '/^debug$/') })
  const viaBoth = (entries: Uint8Array, c: GrepConfig = cfg) => {
    const program = coreProgram(compileConditions(c))!
    const inCore = grepInCore(core, { tag: 't', entries, count: 0 }, program)
    const inJs = grepStream(core, { tag: 't', entries, count: 0 }, new GrepMatcher(compileConditions(c)))
    return { inCore, inJs }
  }

  it('integer times, v1.5 [time, {meta}] times, extra elements, records that are not maps, str32 and bin keys: as the JS pass', () => {
    const debug = map([['level', str('debug')]])
    const info = map([['level', str('info')]])
    const str32Key = cat(new Uint8Array([0x81, 0xdb, 0, 0, 0, 5]), utf8.encode('level'), str('debug'))
    const binKey = cat(new Uint8Array([0x81, 0xc4, 5]), utf8.encode('level'), str('debug'))
    const entries = cat(
      ...[
        encode([1700000000, info]),
        encode([1700000000, { level: 'debug' }]),
        cat(new Uint8Array([0x92, 0x92, 0xce, 0x65, 0x53, 0xf1, 0x00, 0x80]), info),
        cat(new Uint8Array([0x93, 0xd7, 0, 0, 0, 0, 1, 0, 0, 0, 0]), info, new Uint8Array([0xc0])),
        cat(new Uint8Array([0x93, 0xd7, 0, 0, 0, 0, 1, 0, 0, 0, 0]), debug, new Uint8Array([0xc0])),
        cat(new Uint8Array([0x92, 0xd7, 0, 0, 0, 0, 1, 0, 0, 0, 0]), str('not a map')),
        cat(new Uint8Array([0x92, 0xc0]), info),
        cat(new Uint8Array([0x92, 0xd7, 0, 0, 0, 0, 1, 0, 0, 0, 0]), str32Key),
        cat(new Uint8Array([0x92, 0xd7, 0, 0, 0, 0, 1, 0, 0, 0, 0]), binKey),
        cat(new Uint8Array([0x92, 0xd7, 0, 0, 0, 0, 1, 0, 0, 0, 0]), info),
      ],
    )
    const { inCore, inJs } = viaBoth(entries)
    expect(inCore).not.toBeNull()
    expect(inCore!.kept).toBe(inJs.kept)
    // Kept: the v1.5 time, the extra element, the last; the first entry's record is a bin (invalid).
    expect(inCore!.kept).toBe(3)
    expect(inCore!.stream!.entries).toEqual(inJs.stream!.entries)
    expect([...entryRows(inCore!.stream!)]).toEqual([...entryRows(inJs.stream!)])
  })

  it('more first keys than the fused walk reads (9) and two-step paths: as the JS pass', () => {
    const keys = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i']
    const c = config({ exclude: keys.map((k) => ({ key: k, pattern: regexpOf('/^x$/') })), regexp: sections('$.n.m', '/1/') })
    const rows = keys.map((k, i) =>
      map([
        [k, str(i % 2 ? 'x' : 'y')],
        ['n', map([['m', int(i)]])],
      ]),
    )
    const { inCore, inJs } = viaBoth(streamOf(rows).stream.entries, c)
    expect(inCore!.kept).toBe(inJs.kept)
    expect(inCore!.stream?.entries).toEqual(inJs.stream?.entries)
  })

  it('a broken stream is the same error as the JS pass gives', () => {
    const entries = streamOf([map([['level', str('debug')]])]).stream.entries.subarray(0, 14)
    const program = coreProgram(compileConditions(cfg))!
    expect(() => grepInCore(core, { tag: 't', entries, count: 1 }, program)).toThrow(/not a valid entries stream/)
    expect(() => grepStream(core, { tag: 't', entries, count: 1 }, new GrepMatcher(compileConditions(cfg)))).toThrow(
      /not a valid entries stream/,
    )
    const bad = cat(
      ...[
        streamOf([map([['level', str('info')]])]).stream.entries,
        new Uint8Array([0x92, 0xd7, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0x81, 0xa1, 0x61, 0xc1]),
      ],
    )
    expect(() => grepInCore(core, { tag: 't', entries: bad, count: 2 }, program)).toThrow(/status 3/)
  })
})

describe('grepEntries on random values and on loghub lines', () => {
  it('seeded random strings over a small alphabet (line terminators, case, non-ASCII, invalid bytes)', () => {
    let seed = 12345
    const next = () => {
      seed = (seed * 1103515245 + 12345) >>> 0
      return seed >>> 16
    }
    const alphabet = [[0x61], [0x62], [0x41], [0x42], [0x0a], [0x0d], [0xe2, 0x80, 0xa8], [0xc3, 0xa9], [0xff], [0xe2], [0x80], [0x20]]
    const values: Uint8Array[] = []
    for (let i = 0; i < 400; i++) {
      const bytes: number[] = []
      const n = next() % 9
      for (let j = 0; j < n; j++) bytes.push(...alphabet[next() % alphabet.length])
      values.push(rawStr(new Uint8Array(bytes)))
    }
    const records = values.map((v) => map([['k', v]]))
    for (const pattern of ['/^ab$/', '/ab/i', '/^a/', '/b$/', '/^(a|ab|ba)$/i', '/\\Aa/', '/b\\z/', '/^$/', '/a b/', '/^B|a$/']) {
      expect(keptByCore(config({ regexp: sections('k', pattern) }), records), pattern).toEqual(expected(pattern, records, 'k', 'regexp'))
    }
  })

  it('loghub lines: the message field under literal patterns', () => {
    const dir = fileURLToPath(new URL('../../../test/fixtures/loghub/', import.meta.url))
    const lines = readdirSync(dir)
      .filter((f) => f.endsWith('.log'))
      .flatMap((f) => readFileSync(`${dir}${f}`, 'utf8').split('\n'))
      .filter((l) => l.length > 0)
    expect(lines.length).toBeGreaterThan(500)
    const records = lines.map((line, i) =>
      map([
        ['message', str(line)],
        ['level', str(['info', 'warn', 'error', 'debug'][i % 4])],
      ]),
    )
    for (const pattern of [
      '/failure/',
      '/FAILURE/i',
      '/^Jun 14/',
      '/root$/',
      '/^(INFO|WARN)/',
      '/\\[error\\]/',
      '/sshd\\(pam_unix\\)/',
      '/ user=root$/',
    ]) {
      expect(keptByCore(config({ regexp: sections('message', pattern) }), records), pattern).toEqual(
        expected(pattern, records, 'message', 'regexp'),
      )
    }
  })
})
