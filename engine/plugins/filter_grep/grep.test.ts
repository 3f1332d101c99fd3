/**
 * @module filter_grep's semantics tables (Fluentd's own test cases: regexpN/excludeN, sections,
 * <and>/<or> combinations, nested keys, non-string values, missing keys), config errors, and the
 * stream-level contract (same stream when all kept, null when none, runs copied byte for byte).
 */

import { afterEach, describe, expect, it } from 'vitest'
import { startAgent, type TestAgent } from '../../../test/helpers/agent.ts'
import { captures } from '../../../test/helpers/capture-output.ts'
import { EventTime } from '../../event-time.ts'
import { streamFromEvents } from '../../event-stream.ts'
import { loadCore } from '../../../wasm/load-node.ts'
import { compileConditions, GrepMatcher } from './conditions.ts'
import { grepStream } from './grep.ts'
import { filterGrep } from './index.ts'

let running: TestAgent | null = null
afterEach(async () => {
  await running?.stop()
  running = null
  captures.clear()
})

const T = new EventTime(1441588984, 5)

/** Runs `conf` (the body of a <filter **> grep) over records; returns the records that got through. */
async function grep(conf: string, records: readonly Record<string, unknown>[]): Promise<Record<string, unknown>[]> {
  await running?.stop()
  captures.clear()
  running = await startAgent(`<filter **>\n@type grep\n${conf}\n</filter>\n<match **>\n@type capture\n@id out\n</match>`, [filterGrep])
  running.agent.root.emit(
    streamFromEvents(
      'filter.test',
      records.map((record) => ({ time: T, record })),
    ),
  )
  return captures.get('out')!.events.map((e) => e.record)
}

async function configError(conf: string): Promise<string> {
  try {
    await startAgent(`<filter **>\n@type grep\n${conf}\n</filter>\n<match **>\n@type capture\n</match>`, [filterGrep], { strict: true })
  } catch (error) {
    return (error as Error).message
  }
  throw new Error('expected a config error')
}

const messages = [
  '2013/01/13T07:02:11.124202 INFO GET /ping',
  '2013/01/13T07:02:13.232645 WARN POST /auth',
  '2013/01/13T07:02:21.542145 WARN GET /favicon.ico',
  '2013/01/13T07:02:43.632145 WARN POST /login',
].map((message) => ({ foo: 'bar', message }))

const access = [
  { level: 'INFO', method: 'GET', path: '/ping' },
  { level: 'WARN', method: 'POST', path: '/auth' },
  { level: 'WARN', method: 'GET', path: '/favicon.ico' },
  { level: 'WARN', method: 'POST', path: '/login' },
  { level: 'ERROR', method: 'POST', path: '/login' },
  { level: 'ERROR', method: 'GET', path: '/ping' },
  { level: 'WARN', method: 'GET', path: '/info' },
  { level: 'WARN', method: 'POST', path: '/ban' },
]

const cond = (kind: 'regexp' | 'exclude', key: string, pattern: string) => `<${kind}>\nkey ${key}\npattern ${pattern}\n</${kind}>`
const levelErrorWarn = cond('regexp', 'level', '^ERROR|WARN$')
const methodGetPost = cond('regexp', 'method', '^GET|POST$')
const exWarn = cond('exclude', 'level', '^WARN$')
const exGet = cond('exclude', 'method', '^GET$')

describe('filter_grep semantics (Fluentd test_filter_grep.rb)', () => {
  it.each([
    ['empty config keeps everything', '', [0, 1, 2, 3]],
    ['regexpN', 'regexp1 message WARN', [1, 2, 3]],
    ['excludeN', 'exclude1 message favicon', [0, 1, 3]],
    ['<regexp>', cond('regexp', 'message', 'WARN'), [1, 2, 3]],
    ['<exclude>', cond('exclude', 'message', 'favicon'), [0, 1, 3]],
    ['regexp and exclude together', `${cond('regexp', 'message', 'WARN')}\n${cond('exclude', 'message', 'favicon')}`, [1, 3]],
    ['/pattern/ with flags', cond('regexp', 'message', '/warn post/i'), [1, 3]],
  ])('%s', async (_name, conf, kept) => {
    expect(await grep(conf, messages)).toEqual(kept.map((i) => messages[i]))
  })

  it.each([
    ['and/regexp', `<and>\n${cond('regexp', 'level', '^INFO$')}\n${cond('regexp', 'method', '^GET$')}\n</and>`, [0]],
    ['or/exclude', `<or>\n${cond('exclude', 'level', '^INFO$')}\n${exGet}\n</or>`, [1, 3, 4, 7]],
    ['or/regexp', `<or>\n${cond('regexp', 'level', '^INFO$')}\n${cond('regexp', 'method', '^GET$')}\n</or>`, [0, 2, 5, 6]],
    ['and/exclude', `<and>\n${cond('exclude', 'level', '^INFO$')}\n${exGet}\n</and>`, [1, 2, 3, 4, 5, 6, 7]],
    ['and/regexp, or/exclude', `<and>\n${levelErrorWarn}\n${methodGetPost}\n</and>\n<or>\n${exWarn}\n${exGet}\n</or>`, [4]],
    ['and/regexp, and/exclude', `<and>\n${levelErrorWarn}\n${methodGetPost}\n</and>\n<and>\n${exWarn}\n${exGet}\n</and>`, [1, 3, 4, 5, 7]],
    ['or/regexp, and/exclude', `<or>\n${levelErrorWarn}\n${methodGetPost}\n</or>\n<and>\n${exWarn}\n${exGet}\n</and>`, [0, 1, 3, 4, 5, 7]],
    ['or/regexp, or/exclude', `<or>\n${levelErrorWarn}\n${methodGetPost}\n</or>\n<or>\n${exWarn}\n${exGet}\n</or>`, [4]],
    ['regexp, and/regexp', `<and>\n${levelErrorWarn}\n${methodGetPost}\n</and>\n${cond('regexp', 'path', '^/login$')}`, [3, 4]],
    ['regexp, or/exclude', `${levelErrorWarn}\n${methodGetPost}\n<or>\n${exWarn}\n${exGet}\n</or>`, [4]],
    ['regexp, and/exclude', `${levelErrorWarn}\n${methodGetPost}\n<and>\n${exWarn}\n${exGet}\n</and>`, [1, 3, 4, 5, 7]],
  ])('%s', async (_name, conf, kept) => {
    expect(await grep(conf, access)).toEqual(kept.map((i) => access[i]))
  })

  it('follows record_accessor paths ($.a.b, brackets, array indexes)', async () => {
    const nested = ['INFO', 'WARN', 'WARN'].map((v, i) => ({ foo: 'bar', message: { nest1: { nest2: v }, list: [i, `x${i}`] } }))
    expect(await grep(cond('regexp', '$.message.nest1.nest2', 'WARN'), nested)).toEqual([nested[1], nested[2]])
    expect(await grep(cond('exclude', '$.message.nest1.nest2', 'WARN'), nested)).toEqual([nested[0]])
    expect(await grep(cond('regexp', "$['message']['nest1']['nest2']", '^INFO$'), nested)).toEqual([nested[0]])
    expect(await grep(cond('regexp', '$.message.list[-1]', '^x2$'), nested)).toEqual([nested[2]])
    expect(await grep(cond('regexp', '$.message.list[0]', '^1$'), nested)).toEqual([nested[1]])
    // A plain key with a dot is one key, as in Fluentd.
    expect(await grep(cond('regexp', 'a.b', '^1$'), [{ 'a.b': 1 }, { a: { b: 1 } }])).toEqual([{ 'a.b': 1 }])
  })

  it.each([
    ['array', ['0'], 'regexp1 message 0'],
    ['hash', { 0: '0' }, 'regexp1 message 0'],
    ['integer', 0, 'regexp1 message 0'],
    ['float', 0.1, 'regexp1 message 0'],
    ['boolean', true, 'regexp1 message true'],
  ])('matches non-string values by their Ruby to_s (%s)', async (_name, value, conf) => {
    expect(await grep(conf, [{ foo: 'bar', message: value }])).toHaveLength(1)
  })

  it.each([
    ['integer', 42, '^42$'],
    ['negative integer', -7, '^-7$'],
    ['large uint64', 18446744073709551615n, '^18446744073709551615$'],
    ['int64', -9223372036854775808n, '^-9223372036854775808$'],
    ['float with integer value', 2.5e16, '^2\\.5e\\+16$'],
    ['small float', 0.00001, '^1\\.0e-05$'],
    ['nil', null, '^$'],
    ['false', false, '^false$'],
    ['array', ['a', 1, null], '^\\["a", 1, nil\\]$'],
    ['hash', { k: 'v', n: 1 }, '^\\{"k" => "v", "n" => 1\\}$'],
    ['non-ASCII string', 'héllo wörld', '^héllo wörld$'],
    ['long string', 'x'.repeat(300) + 'END', 'END$'],
  ])('stringifies %s like Ruby', async (_name, value, pattern) => {
    expect(await grep(cond('regexp', 'v', pattern), [{ v: value }])).toEqual([{ v: value }])
  })

  it('treats a missing key as nil.to_s == "" (Fluentd): no match for /error/, a match for /^$/', async () => {
    const records = [{ level: 'error' }, { other: 1 }]
    expect(await grep(cond('regexp', 'level', 'error'), records)).toEqual([records[0]])
    expect(await grep(cond('regexp', 'level', '^$'), records)).toEqual([records[1]])
    expect(await grep(cond('exclude', 'level', 'error'), records)).toEqual([records[1]])
    expect(await grep(cond('regexp', '$.a.b.c', '^$'), [{ a: 'scalar' }])).toEqual([{ a: 'scalar' }])
  })

  it('uses the last of duplicate keys, as Ruby unpacking does', async () => {
    // {"level": "INFO", "level": "WARN"} cannot be built with an object literal: hand-encode the record.
    const core = await loadCore()
    const record = new Uint8Array([
      0x82,
      0xa5,
      ...new TextEncoder().encode('level'),
      0xa4,
      0x49,
      0x4e,
      0x46,
      0x4f,
      0xa5,
      ...new TextEncoder().encode('level'),
      0xa4,
      0x57,
      0x41,
      0x52,
      0x4e,
    ])
    const entry = new Uint8Array([0x92, 0xd7, 0x00, 0x55, 0xec, 0xe6, 0xf8, 0, 0, 0, 0, ...record])
    const matcher = new GrepMatcher(
      compileConditions({
        regexp: [{ key: 'level', pattern: { source: 'WARN', flags: '', regexp: /WARN/m } }],
        exclude: [],
        and: [],
        or: [],
      }),
    )
    expect(grepStream(core, { tag: 't', entries: entry, count: 1 }, matcher).kept).toBe(1)
  })

  it('matches strings with invalid UTF-8 without throwing (replacement characters)', async () => {
    const bad = { message: new TextDecoder().decode(new Uint8Array([0xff])) }
    expect(await grep('regexp1 message WARN', [bad])).toEqual([])
  })
})

describe('filter_grep config', () => {
  it.each([
    ['regexpN duplicate key', 'regexp1 message test\nregexp2 message test2', 'regexp2 contains a duplicated key, message'],
    ['<regexp> duplicate key', `${cond('regexp', 'message', 'test')}\n${cond('regexp', 'message', 'test2')}`, 'Duplicate key: message'],
    ['regexpN and <regexp> on one key', `regexp1 message test\n${cond('regexp', 'message', 'test')}`, 'Duplicate key: message'],
    [
      '<and> duplicate',
      `<and>\n${cond('regexp', 'message', 'a')}\n${cond('regexp', 'message', 'b')}\n</and>`,
      'Duplicate key in <and>: message',
    ],
    [
      'two <and> on one key',
      `<and>\n${cond('regexp', 'm', 'a')}\n</and>\n<and>\n${cond('regexp', 'm', 'b')}\n</and>`,
      'Duplicate key in <and>: m',
    ],
    ['<regexp> then <and>', `${cond('regexp', 'm', 'a')}\n<and>\n${cond('regexp', 'm', 'b')}\n</and>`, 'Duplicate key in <and>: m'],
    ['<exclude> then <or>', `${cond('exclude', 'm', 'a')}\n<or>\n${cond('exclude', 'm', 'b')}\n</or>`, 'Duplicate key in <or>: m'],
    [
      '<and> with both kinds',
      `<and>\n${cond('regexp', 'm', 'a')}\n${cond('exclude', 'l', 'b')}\n</and>`,
      'Do not specify both <regexp> and <exclude> in <and>',
    ],
    [
      '<or> with both kinds',
      `<or>\n${cond('regexp', 'm', 'a')}\n${cond('exclude', 'l', 'b')}\n</or>`,
      'Do not specify both <regexp> and <exclude> in <or>',
    ],
    ['regexpN without a pattern', 'regexp1 message', 'regexp1 does not contain 2 parameters'],
    ['bad accessor', cond('regexp', '$.a[x', 'b'), "'[' found but ']' not found"],
    ['missing pattern', '<regexp>\nkey m\n</regexp>', 'missing required param pattern'],
    ['unknown param (with --strict)', 'regexp21 m a', "parameter 'regexp21' in <filter **> is not used"],
  ])('rejects %s', async (_name, conf, message) => {
    expect(await configError(conf)).toContain(message)
  })

  it('keeps a space at the start of a regexpN pattern', async () => {
    expect(await grep('regexp1 message  foo', [{ message: 'a foo' }, { message: 'foo' }])).toEqual([{ message: 'a foo' }])
  })
})

describe('grepStream', () => {
  const conditions = (pattern: RegExp) =>
    compileConditions({
      regexp: [{ key: 'k', pattern: { source: pattern.source, flags: '', regexp: pattern } }],
      exclude: [],
      and: [],
      or: [],
    })
  const stream = streamFromEvents(
    't',
    Array.from({ length: 10 }, (_, i) => ({ time: new EventTime(1000 + i, i), record: { k: `v${i}`, pad: 'x'.repeat(i) } })),
  )

  it('returns the input stream itself when everything is kept, null when nothing is', async () => {
    const core = await loadCore()
    expect(grepStream(core, stream, new GrepMatcher(conditions(/^v/))).stream).toBe(stream)
    expect(grepStream(core, stream, new GrepMatcher(conditions(/^nope/))).stream).toBeNull()
  })

  it('copies the kept entries byte for byte, in order, in runs', async () => {
    const core = await loadCore()
    const result = grepStream(core, stream, new GrepMatcher(conditions(/^v[0-2,5,7-9]$/)))
    const expected = streamFromEvents(
      't',
      [0, 1, 2, 5, 7, 8, 9].map((i) => ({ time: new EventTime(1000 + i, i), record: { k: `v${i}`, pad: 'x'.repeat(i) } })),
    )
    expect(result.kept).toBe(7)
    expect(result.stream!.count).toBe(7)
    expect(result.stream!.entries).toEqual(expected.entries)
  })
})
