/**
 * @module out_rewrite_tag_filter, after fluent-plugin-rewrite-tag-filter's
 * test_out_rewrite_tag_filter.rb (v2.4.0): configuration errors, the "simple" rule table, tag
 * prefix / regexp removal, hostname, invert, tag parts, invalid bytes, nested keys, labels,
 * emit_mode record / batch, and the drop rules (no rule fires; same tag without label).
 */

import { afterEach, describe, expect, it } from 'vitest'
import { checkSchema } from '../../config/schema.ts'
import { streamFromEvents } from '../../event-stream.ts'
import { EventTime } from '../../event-time.ts'
import { captures } from '../../../test/helpers/capture-output.ts'
import { startAgent, type TestAgent } from '../../../test/helpers/agent.ts'
import { map, str } from '../../../test/helpers/msgpack-build.ts'
import { EntriesWriter } from '../../records/entries-writer.ts'
import { outRewriteTagFilter } from './index.ts'

let running: TestAgent | null = null
afterEach(async () => {
  await running?.stop()
  running = null
})

const T = new EventTime(1441588984, 0)

async function run(rules: string, input: [string, Record<string, unknown>][], extra = '') {
  running = await startAgent(
    `<match input input.** game.** raw.**>\n  @type rewrite_tag_filter\n${rules}</match>\n<match **>\n  @type capture\n  @id out\n</match>\n${extra}`,
    [outRewriteTagFilter],
  )
  for (const [tag, record] of input) await running.agent.root.emit(streamFromEvents(tag, [{ time: T, record }]))
  return (captures.get('out')?.events ?? []).map((e) => [e.tag, e.record] as const)
}

const rule = (key: string, pattern: string, tag: string, more = '') =>
  `  <rule>\n    key ${key}\n    pattern ${pattern}\n    tag ${tag}\n${more}  </rule>\n`

describe('out_rewrite_tag_filter configuration', () => {
  it('has a valid schema', () => expect(checkSchema(outRewriteTagFilter.schema)).toEqual([]))

  it.each([
    ['no rule', ''],
    ['the dropped line style', '  rewriterule1 foo ^foo$ new_tag\n'],
    ['both tag removals', `  remove_tag_prefix prefix\n  remove_tag_regexp /^prefix\\./\n${rule('message', '.+', '${tag}')}`],
    ['a duplicated rule', rule('a', '^x$', 'y') + rule('a', '^x$', 'z')],
    ['a tag_parts range', rule('a', '.+', '${tag_parts[0..2]}')],
  ])('refuses %s', async (_name, body) => {
    await expect(startAgent(`<match **>\n  @type rewrite_tag_filter\n${body}</match>\n`, [outRewriteTagFilter])).rejects.toThrow()
  })

  it('refuses the dropped rewriteruleN lines even next to a <rule>', async () => {
    await expect(
      startAgent(`<match **>\n  @type rewrite_tag_filter\n  rewriterule1 foo ^foo$ new_tag\n${rule('a', '.+', 'b')}</match>\n`, [
        outRewriteTagFilter,
      ]),
    ).rejects.toThrow('"rewriterule<num>" support has been dropped. Use <rule> section instead.')
  })

  it('refuses a rule whose label does not exist', async () => {
    await expect(
      startAgent(`<match **>\n  @type rewrite_tag_filter\n${rule('a', '.+', 'b', '    label @nowhere\n')}</match>\n`, [
        outRewriteTagFilter,
      ]),
    ).rejects.toThrow(/label/)
  })
})

describe('out_rewrite_tag_filter', () => {
  it('rewrites with the first rule that fires, captures and ${tag}; drops what no rule catches', async () => {
    const rules =
      rule('domain', '^www\\.google\\.com$', 'site.Google') +
      rule('domain', '^news\\.google\\.com$', 'site.GoogleNews') +
      rule('agent', '.* Mac OS X .*', 'agent.MacOSX') +
      rule('agent', '(Googlebot|CustomBot)-([a-zA-Z]+)', 'agent.$1-$2') +
      rule('domain', '^(tagtest)\\.google\\.com$', 'site.${tag}.$1')
    const got = await run(rules, [
      ['input.access', { domain: 'www.google.com', path: '/foo/bar?key=value', agent: 'Googlebot', response_time: 1000000 }],
      ['input.access', { domain: 'news.google.com', path: '/', agent: 'Googlebot-Mobile', response_time: 900000 }],
      ['input.access', { domain: 'map.google.com', path: '/', agent: 'Macintosh; Intel Mac OS X 10_7_4', response_time: 900000 }],
      ['input.access', { domain: 'labs.google.com', path: '/', agent: 'Mozilla/5.0 Googlebot-FooBar/2.1', response_time: 900000 }],
      ['input.access', { domain: 'tagtest.google.com', path: '/', agent: 'Googlebot', response_time: 900000 }],
      ['input.access', { domain: 'noop.example.com' }],
    ])
    expect(got.map(([tag]) => tag)).toEqual([
      'site.Google',
      'site.GoogleNews',
      'agent.MacOSX',
      'agent.Googlebot-FooBar',
      'site.input.access.tagtest',
    ])
    expect(got[1][1].domain).toBe('news.google.com')
  })

  it.each([
    ['remove_tag_prefix input', 'input.access', 'access'],
    ['remove_tag_prefix input.', 'input.access', 'access'],
  ])('%s', async (param, tag, expected) => {
    const got = await run(`  ${param}\n${rule('domain', '^www\\.google\\.com$', '${tag}')}`, [[tag, { domain: 'www.google.com' }]])
    expect(got.map(([t]) => t)).toEqual([expected])
  })

  it('removes remove_tag_regexp from the tag placeholders', async () => {
    const got = await run(
      `  remove_tag_regexp /^input\\.(apache|nginx)\\./\n${rule('domain', '^www\\.google\\.com$', 'rewritten.${tag}')}`,
      [
        ['input.apache.access', { domain: 'www.google.com' }],
        ['input.nginx.access', { domain: 'www.google.com' }],
        ['input.tomcat.access', { domain: 'www.google.com' }],
      ],
    )
    expect(got.map(([t]) => t)).toEqual(['rewritten.access', 'rewritten.access', 'rewritten.input.tomcat.access'])
  })

  it('expands ${hostname} and __HOSTNAME__ to the host name', async () => {
    const got = await run(rule('domain', '.+', '${hostname}.__HOSTNAME__'), [['input.access', { domain: 'x' }]])
    expect(got.map(([t]) => t)).toEqual(['test-host.test-host'])
  })

  it('fires an inverted rule when the pattern does not match, also for a missing key', async () => {
    const rules = rule('domain', '^www\\..+$', 'not_start_with_www', '    invert true\n') + rule('domain', '^www\\..+$', 'start_with_www')
    const got = await run(rules, [
      ['input.access', { domain: 'www.google.com' }],
      ['input.access', { path: '/' }],
      ['input.access', { domain: 'maps.google.com' }],
    ])
    expect(got.map(([t]) => t)).toEqual(['start_with_www', 'not_start_with_www', 'not_start_with_www'])
  })

  it('expands tag parts (both spellings)', async () => {
    const rules =
      rule('user_name', '^Lynn Minmay$', 'vip.${tag_parts[1]}.remember_love') +
      rule('user_name', '^Harlock$', '${tag_parts[2]}.${tag_parts[0]}.${tag_parts[1]}') +
      rule('world', '^(alice|chaos)$', 'application.${tag_parts[0]}.$1_server') +
      rule('world', '^[a-z]+$', 'application.__TAG_PARTS[1]__.future_server')
    const got = await run(rules, [
      ['game.production.api', { user_id: '10000', world: 'chaos', user_name: 'gamagoori' }],
      ['game.production.api', { user_id: '10001', world: 'chaos', user_name: 'sanageyama' }],
      ['game.production.api', { user_id: '10002', world: 'nehan', user_name: 'inumuta' }],
      ['game.production.api', { user_id: '77777', world: 'space', user_name: 'Lynn Minmay' }],
      ['game.production.api', { user_id: '99999', world: 'space', user_name: 'Harlock' }],
    ])
    expect(got.map(([t]) => t)).toEqual([
      'application.game.chaos_server',
      'application.game.chaos_server',
      'application.production.future_server',
      'vip.production.remember_love',
      'api.game.production',
    ])
  })

  it('matches invalid UTF-8 scrubbed to ? and keeps the record bytes', async () => {
    running = await startAgent(
      `<match input.**>\n  @type rewrite_tag_filter\n${rule('client_name', '(.+)', 'app.$1')}</match>\n<match **>\n  @type capture\n  @id out\n</match>\n`,
      [outRewriteTagFilter],
    )
    const record = map([[str('client_name'), str(Uint8Array.of(0xff))]])
    const w = new EntriesWriter()
    w.appendEncoded(T.sec, 0, record, 0, record.length)
    await running.agent.root.emit({ tag: 'input.activity', entries: w.bytes(), count: 1 })
    const out = captures.get('out')!
    expect(out.events.map((e) => e.tag)).toEqual(['app.?'])
  })

  it('reads nested keys (dot and bracket notation) and capitalizes backreferences when asked', async () => {
    const dot = await run(rule('$.email.domain', '^(example)\\.(com)$', '$2.$1'), [
      ['input', { email: { localpart: 'john', domain: 'example.com' } }],
      ['input', { email: { localpart: 'doe', domain: 'example.jp' } }],
    ])
    expect(dot.map(([t]) => t)).toEqual(['com.example'])
    await running!.stop()
    const cap = await run(`  capitalize_regex_backreference true\n${rule("$['email']['domain']", '^(example)\\.(com)$', '$2.$1.$3')}`, [
      ['input', { email: { domain: 'example.com' } }],
    ])
    expect(cap.map(([t]) => t)).toEqual(['Com.Example.'])
  })

  it('drops a record whose tag would not change (no label): it would loop', async () => {
    const got = await run(rule('key', '^(.*)$', 'input'), [['input', { key: 'x' }]])
    expect(got).toEqual([])
    expect(running!.agent.plugins.find((p) => p.type === 'rewrite_tag_filter')!.metrics.dropped).toBe(1)
  })

  it('relabels per rule; the same tag with a label is re-emitted there (emit_mode record)', async () => {
    const rules =
      '  emit_mode record\n' +
      rule('key', '/^(odd)$/', '$1', '    label @odd_label\n') +
      rule('key', '/^(even)$/', '${tag}', '    label @even_label\n') +
      rule('key', '/^(.*)$/', '$1')
    const labels =
      '<label @odd_label>\n  <match **>\n    @type capture\n    @id odd\n  </match>\n</label>\n<label @even_label>\n  <match **>\n    @type capture\n    @id even\n  </match>\n</label>\n'
    const got = await run(
      rules,
      ['odd', 'even', 'zero', 'odd', 'even', 'zero'].map(
        (key, i) => ['input', { key, message: `message-${i + 1}` }] as [string, Record<string, unknown>],
      ),
      labels,
    )
    expect(got).toEqual([
      ['zero', { key: 'zero', message: 'message-3' }],
      ['zero', { key: 'zero', message: 'message-6' }],
    ])
    expect(captures.get('odd')!.events.map((e) => [e.tag, e.record.message])).toEqual([
      ['odd', 'message-1'],
      ['odd', 'message-4'],
    ])
    expect(captures.get('even')!.events.map((e) => [e.tag, e.record.message])).toEqual([
      ['input', 'message-2'],
      ['input', 'message-5'],
    ])
  })

  it.each([
    ['record', ['odd', 'even', 'odd', 'even', 'odd', 'even'], 6],
    ['batch', ['odd', 'odd', 'odd', 'even', 'even', 'even'], 2],
  ])('emit_mode %s', async (mode, tags, streams) => {
    running = await startAgent(
      `<match input>\n  @type rewrite_tag_filter\n  emit_mode ${mode}\n${rule('key', '/^(odd|even)$/', '$1')}</match>\n<match **>\n  @type capture\n  @id out\n</match>\n`,
      [outRewriteTagFilter],
    )
    const keys = ['odd', 'even', 'odd', 'even', 'odd', 'even']
    const out = captures.get('out')!
    const emits: number[] = []
    const original = out.emit.bind(out)
    out.emit = (stream) => {
      emits.push(stream.count)
      original(stream)
    }
    await running.agent.root.emit(
      streamFromEvents(
        'input',
        keys.map((key, i) => ({ time: T, record: { key, message: `message-${i + 1}` } })),
      ),
    )
    expect(out.events.map((e) => e.tag)).toEqual(tags)
    expect(emits.length).toBe(streams)
  })
})
