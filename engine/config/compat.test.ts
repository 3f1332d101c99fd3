/**
 * @module v0.12 compatibility on the model level, against compat_parameters.rb's rules: reserved
 * names, each flat-param table, the time_slice_format → timekey rule, section-present "not used"
 * warnings, the utc/localtime conflict, own params kept, inputs never mutated, locations kept.
 */

import { describe, expect, it } from 'vitest'
import { convertCompatParams, normalizeReservedNames } from './compat.ts'
import { parseConfig } from './parse.ts'
import { printConfig } from './print.ts'
import type { PluginSchema } from './schema.ts'
import type { ConfigElement } from './model.ts'

const outFileLike: PluginSchema = {
  params: [{ name: 'path', type: 'string', description: '' }],
  sections: [],
  compat: { convert: ['formatter', 'buffer', 'inject'], defaultChunkKey: 'time' },
}
const outForwardLike: PluginSchema = { params: [], compat: { convert: ['buffer'], defaultChunkKey: 'tag' } }
const outStdoutLike: PluginSchema = {
  params: [{ name: 'output_type', type: 'string', description: '' }],
  compat: { convert: ['inject', 'formatter'] },
}
const inputLike: PluginSchema = {
  params: [{ name: 'keep_time_key', type: 'bool', description: '' }],
  compat: { convert: ['parser'] },
}
const execLike: PluginSchema = { params: [], compat: { convert: ['extract', 'parser'] } }

function parse(text: string) {
  const parsed = parseConfig(text, 'td-agent.conf')
  expect(parsed.errors).toEqual([])
  return parsed
}

function convert(body: string, schema: PluginSchema) {
  const parsed = parse(`<match app.**>\n${body}\n</match>\n`)
  const element = parsed.config.root.elements[0]
  const before = JSON.stringify(element)
  const result = convertCompatParams(element, schema, parsed.locs)
  expect(JSON.stringify(element)).toBe(before) // the input is never changed
  return { ...result, locs: parsed.locs, section: (name: string) => result.element.elements.find((e) => e.name === name) }
}

const shape = (e: ConfigElement | undefined) => e && { arg: e.arg, params: e.params }

describe('normalizeReservedNames', () => {
  it("reads type/id/log_level as @type/@id/@log_level in plugins, with Fluentd's warning", () => {
    const parsed = parse(
      [
        '<system>',
        '  log_level debug',
        '</system>',
        '<source>',
        '  type forward',
        '  id in',
        '  log_level warn',
        '</source>',
        '<match app.**>',
        '  type copy',
        '  <store>',
        '    type file',
        '    path /x',
        '    <buffer>',
        '      type file',
        '    </buffer>',
        '    <format>',
        '      type json',
        '    </format>',
        '  </store>',
        '</match>',
        '<label @X>',
        '  <filter **>',
        '    type grep',
        '    @type record_transformer',
        '  </filter>',
        '  <match **>',
        '    type prometheus',
        '    <metric>',
        '      type counter',
        '    </metric>',
        '  </match>',
        '</label>',
      ].join('\n'),
    )
    const before = JSON.stringify(parsed.config)
    const { model, warnings } = normalizeReservedNames(parsed.config, parsed.locs)
    expect(JSON.stringify(parsed.config)).toBe(before)
    const expected = [
      '<system>',
      '  log_level debug',
      '</system>',
      '<source>',
      '  @type forward',
      '  @id in',
      '  @log_level warn',
      '</source>',
      '<match app.**>',
      '  @type copy',
      '  <store>',
      '    @type file',
      '    path /x',
      '    <buffer>',
      '      @type file',
      '    </buffer>',
      '    <format>',
      '      @type json',
      '    </format>',
      '  </store>',
      '</match>',
      '<label @X>',
      '  <filter **>',
      '    type grep',
      '    @type record_transformer',
      '  </filter>',
      '  <match **>',
      '    @type prometheus',
      '    <metric>',
      '      type counter',
      '    </metric>',
      '  </match>',
      '</label>',
      '',
    ].join('\n')
    expect(printConfig(model)).toBe(printConfig(parse(expected).config))
    expect(warnings.map(String)).toEqual([
      "td-agent.conf:5: warning: 'type' is deprecated parameter name. use '@type' instead.; hint: write @type forward (v0.12 style; sluice reads it as @type, like Fluentd)",
      "td-agent.conf:6: warning: 'id' is deprecated parameter name. use '@id' instead.; hint: write @id in (v0.12 style; sluice reads it as @id, like Fluentd)",
      "td-agent.conf:7: warning: 'log_level' is deprecated parameter name. use '@log_level' instead.; hint: write @log_level warn (v0.12 style; sluice reads it as @log_level, like Fluentd)",
      "td-agent.conf:10: warning: 'type' is deprecated parameter name. use '@type' instead.; hint: write @type copy (v0.12 style; sluice reads it as @type, like Fluentd)",
      "td-agent.conf:12: warning: 'type' is deprecated parameter name. use '@type' instead.; hint: write @type file (v0.12 style; sluice reads it as @type, like Fluentd)",
      "td-agent.conf:15: warning: 'type' is deprecated parameter name. use '@type' instead.; hint: write @type file (v0.12 style; sluice reads it as @type, like Fluentd)",
      "td-agent.conf:18: warning: 'type' is deprecated parameter name. use '@type' instead.; hint: write @type json (v0.12 style; sluice reads it as @type, like Fluentd)",
      "td-agent.conf:28: warning: 'type' is deprecated parameter name. use '@type' instead.; hint: write @type prometheus (v0.12 style; sluice reads it as @type, like Fluentd)",
    ])
    // Locations follow the renamed params.
    const source = model.root.elements[1]
    expect(parsed.locs.get(source)?.params.get('@type')?.line).toBe(5)
  })

  it('returns the same model when nothing is renamed', () => {
    const parsed = parse('<source>\n  @type forward\n</source>\n')
    expect(normalizeReservedNames(parsed.config, parsed.locs).model).toBe(parsed.config)
  })
})

describe('convertCompatParams: buffer', () => {
  it('turns the flat v0.12 buffer params into <buffer DEFAULT_CHUNK_KEY> with the new names', () => {
    const r = convert(
      [
        '  @type file',
        '  path /var/log/app',
        '  buffer_type file',
        '  buffer_path /var/log/td-agent/buffer/app',
        '  flush_interval 10s',
        '  num_threads 4',
        '  try_flush_interval 1',
        '  queued_chunk_flush_interval 0.5',
        '  disable_retry_limit false',
        '  retry_limit 17',
        '  max_retry_wait 1h',
        '  buffer_chunk_limit 8m',
        '  buffer_queue_limit 64',
        '  buffer_queue_full_action exception',
        '  flush_at_shutdown true',
        '  time_slice_wait 10m',
        '  timezone +0900',
        '  retry_wait 5s',
      ].join('\n'),
      { params: [{ name: 'path', type: 'string', description: '' }], compat: { convert: ['buffer'], defaultChunkKey: 'time' } },
    )
    expect(r.errors).toEqual([])
    expect(shape(r.section('buffer'))).toEqual({
      arg: 'time',
      params: {
        '@type': 'file',
        path: '/var/log/td-agent/buffer/app',
        flush_thread_count: '4',
        flush_interval: '10s',
        flush_thread_interval: '1',
        flush_thread_burst_interval: '0.5',
        retry_forever: 'false',
        retry_max_times: '17',
        retry_max_interval: '1h',
        chunk_limit_size: '8m',
        queue_limit_length: '64',
        overflow_action: 'throw_exception',
        flush_at_shutdown: 'true',
        timekey_wait: '10m',
        timekey_zone: '+0900',
        timekey: '86400',
      },
    })
    // retry_wait is not mapped by Fluentd either: reported as not used, with where it belongs.
    expect(r.element.params).toEqual({ '@type': 'file', path: '/var/log/app' })
    expect(r.warnings.map((w) => `${w.line}: ${w.reason}`)).toEqual([
      '4: v0.12 flat buffer parameters in <match app.**> (buffer_type, buffer_path, flush_interval, num_threads, try_flush_interval, queued_chunk_flush_interval, disable_retry_limit, retry_limit, max_retry_wait, buffer_chunk_limit, buffer_queue_limit, buffer_queue_full_action, flush_at_shutdown, time_slice_wait, timezone) are deprecated: read as <buffer time> @type file, path /var/log/td-agent/buffer/app, flush_thread_count 4, flush_interval 10s, flush_thread_interval 1, flush_thread_burst_interval 0.5, retry_forever false, retry_max_times 17, retry_max_interval 1h, chunk_limit_size 8m, queue_limit_length 64, overflow_action throw_exception, flush_at_shutdown true, timekey_wait 10m, timekey_zone +0900, timekey 86400 </buffer>',
      "19: parameter 'retry_wait' in <match app.**> is not used",
    ])
    // The new section and its params point at the flat params they came from.
    const buffer = r.section('buffer')!
    expect(r.locs.get(buffer)?.line).toBe(4)
    expect(r.locs.get(buffer)?.params.get('flush_thread_count')?.line).toBe(7)
  })

  it.each([
    ['%Y%m%d%H%M%S', '1'],
    ['%Y%m%d-%H%M', '60'],
    ['%Y%m%d%H', '3600'],
    ['%Y-%m-%d', '86400'],
  ])('time_slice_format %s sets the time chunk key and timekey %s (smallest unit)', (format, timekey) => {
    const r = convert(`  time_slice_format ${format}`, outForwardLike)
    expect(shape(r.section('buffer'))).toEqual({ arg: 'time', params: { timekey } })
  })

  it('time_slice_format with localtime/utc sets timekey_use_utc; both is an error; %Y%m alone is an error', () => {
    expect(shape(convert('  time_slice_format %Y%m%d\n  utc', outForwardLike).section('buffer'))).toEqual({
      arg: 'time',
      params: { timekey: '86400', timekey_use_utc: 'true' },
    })
    expect(convert('  time_slice_format %Y%m%d\n  localtime true', outForwardLike).section('buffer')?.params.timekey_use_utc).toBe('false')
    expect(convert('  time_slice_format %Y%m%d\n  localtime true\n  utc true', outForwardLike).errors.map(String)).toEqual([
      'td-agent.conf:4: both of utc and localtime are specified, use only one of them; hint: remove one of them',
    ])
    expect(convert('  time_slice_format %Y%m', outForwardLike).errors.map(String)).toEqual([
      'td-agent.conf:2: time_slice_format only with %Y or %m is too long; hint: use %d, %H, %M or %S (the smallest unit sets timekey)',
    ])
  })

  it("uses the plugin's default chunk key (out_forward: tag; none: '')", () => {
    expect(shape(convert('  flush_interval 1s', outForwardLike).section('buffer'))).toEqual({
      arg: 'tag',
      params: { flush_interval: '1s' },
    })
    const plain: PluginSchema = { params: [], compat: { convert: ['buffer'] } }
    expect(shape(convert('  flush_interval 1s', plain).section('buffer'))).toEqual({ arg: '', params: { flush_interval: '1s' } })
  })

  it('leaves a written <buffer> alone and reports the flat params as not used (as Fluentd does)', () => {
    const r = convert('  flush_interval 1s\n  buffer_type file\n  <buffer>\n    flush_interval 5s\n  </buffer>', outForwardLike)
    expect(r.element.elements.map(shape)).toEqual([{ arg: '', params: { flush_interval: '5s' } }])
    expect(r.element.params).toEqual({})
    expect(r.warnings.map((w) => `${w.line}: ${w.reason}; ${w.hint}`)).toEqual([
      "2: parameter 'flush_interval' in <match app.**> is not used; <buffer> is written, so the v0.12 flat parameter is ignored (as in Fluentd): move it into <buffer>",
      "3: parameter 'buffer_type' in <match app.**> is not used; <buffer> is written, so the v0.12 flat parameter is ignored (as in Fluentd): move it into <buffer>",
    ])
  })

  it('does nothing for a plugin without compat, or without flat params', () => {
    const parsed = parse('<match x>\n  flush_interval 1s\n</match>\n')
    const element = parsed.config.root.elements[0]
    expect(convertCompatParams(element, { params: [] }, parsed.locs).element).toBe(element)
    expect(convert('  @type forward', outForwardLike).element.elements).toEqual([])
  })
})

describe('convertCompatParams: formatter, inject, parser, extract', () => {
  it('out_file: format → <format @type>, include_time_key / include_tag_key / time_format → <inject>', () => {
    const r = convert(
      '  path /x\n  format json\n  include_time_key true\n  include_tag_key true\n  time_format %Y%m%dT%H%M%S%z\n  localtime false',
      outFileLike,
    )
    expect(r.errors).toEqual([])
    expect(r.element.elements.map((e) => `${e.name} ${JSON.stringify(e.params)} ${e.arg}`)).toEqual([
      'format {"@type":"json","localtime":"false"} ',
      'inject {"time_format":"%Y%m%dT%H%M%S%z","time_key":"time","time_type":"string","localtime":"false","tag_key":"tag"} ',
    ])
    expect(r.element.params).toEqual({ path: '/x' })
    expect(r.warnings.map((w) => w.reason.split(':')[0])).toEqual([
      'v0.12 flat formatter parameters in <match app.**> (format, localtime) are deprecated',
      'v0.12 flat inject parameters in <match app.**> (include_time_key, include_tag_key, time_format, localtime) are deprecated',
    ])
  })

  it('time_as_epoch gives unixtime in <inject> and <format>; own params stay and are copied', () => {
    const r = convert('  output_type json\n  time_as_epoch true\n  include_time_key true', outStdoutLike)
    expect(r.element.params).toEqual({ output_type: 'json' })
    expect(r.element.elements.map((e) => [e.name, e.params])).toEqual([
      ['inject', { time_key: 'time', time_type: 'unixtime' }],
      ['format', { output_type: 'json', time_type: 'unixtime' }],
    ])
  })

  it('inject tolerates localtime and utc when they agree (localtime XOR utc), like Fluentd', () => {
    const ok = convert('  include_tag_key true\n  localtime true\n  utc false', outStdoutLike)
    expect(ok.errors).toEqual([])
    expect(ok.section('inject')?.params.localtime).toBe('true')
    expect(convert('  include_tag_key true\n  localtime true\n  utc true', outStdoutLike).errors).toHaveLength(1)
  })

  it('parser: format /re/ → regexp + expression, types with delimiters → JSON, utc → localtime false', () => {
    const r = convert(
      '  format /^(?<host>[^ ]*) (?<code>\\d+)$/\n  types code:integer|size:size\n  types_delimiter |\n  time_key t\n  keep_time_key true\n  utc',
      inputLike,
    )
    expect(shape(r.section('parse'))).toEqual({
      arg: '',
      params: {
        '@type': 'regexp',
        expression: '^(?<host>[^ ]*) (?<code>\\d+)$',
        time_key: 't',
        keep_time_key: 'true',
        types: '{"code":"integer","size":"size"}',
        localtime: 'false',
      },
    })
    // keep_time_key is the plugin's own param too: it stays.
    expect(r.element.params).toEqual({ keep_time_key: 'true' })
  })

  it('extract (in_exec): a /regexp/ format adds time_key time with time_type string', () => {
    const r = convert('  format /(?<time>.+)/\n  tag_key t', execLike)
    expect(r.element.elements.map((e) => [e.name, e.params])).toEqual([
      ['extract', { tag_key: 't', time_key: 'time', time_type: 'string' }],
      ['parse', { '@type': 'regexp', expression: '(?<time>.+)' }],
    ])
  })

  it('a written <format> keeps the flat format from being used', () => {
    const r = convert('  format ltsv\n  <format>\n    @type json\n  </format>', outStdoutLike)
    expect(r.element.elements.map((e) => e.params)).toEqual([{ '@type': 'json' }])
    expect(r.warnings.map((w) => w.reason)).toEqual(["parameter 'format' in <match app.**> is not used"])
  })
})
