/**
 * @module Round trips over the realistic configs in test/fixtures/config: parse → print → parse,
 * and parse → toJson → fromJson → print → parse, plus what each fixture must contain.
 * (Test code may read the disk; the engine itself only sees the in-memory host.)
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { memoryHost } from './memory-host.ts'
import { fromJson, getParam, toJson, type ConfigElement, type ConfigModel } from './model.ts'
import { parseConfig, parseConfigFile, type ParseResult } from './parse.ts'
import { printConfig } from './print.ts'
import { checkStructure } from './structure.ts'

const dir = fileURLToPath(new URL('../../test/fixtures/config/', import.meta.url))

function readTree(root: string): Record<string, string> {
  const files: Record<string, string> = {}
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const path = join(d, name)
      if (statSync(path).isDirectory()) walk(path)
      else files[relative(root, path)] = readFileSync(path, 'utf8')
    }
  }
  walk(root)
  return files
}

const files = readTree(dir)
const env = { DEPLOY_ENV: 'prod', NODE_NAME: 'node-7', FLUENT_ELASTICSEARCH_HOST: 'es.internal', FLUENT_ELASTICSEARCH_PORT: '9200' }
const host = memoryHost(files, { env, hostname: 'box.example', workerId: 2 })
const fixtures = Object.keys(files)
  .filter((f) => /^[^/]+\.conf$/.test(f))
  .sort()

function load(name: string): ParseResult {
  return parseConfigFile(name, host)
}

function reparse(text: string): ConfigModel {
  const result = parseConfig(text, 'printed.conf')
  expect(result.errors.map(String)).toEqual([])
  return result.config
}

function find(element: ConfigElement, ...path: string[]): ConfigElement {
  let current = element
  for (const step of path) {
    const space = step.indexOf(' ')
    const [name, arg] = space < 0 ? [step, undefined] : [step.slice(0, space), step.slice(space + 1)]
    const next = current.elements.find((e) => e.name === name && (arg === undefined || e.arg === arg))
    if (!next) throw new Error(`no <${step}> in <${current.name}>`)
    current = next
  }
  return current
}

describe('config fixtures', () => {
  it('has at least 6 realistic configs', () => {
    expect(fixtures).toEqual([
      'aggregator.conf',
      'copy.conf',
      'forwarder.conf',
      'includes.conf',
      'kubernetes.conf',
      'labels.conf',
      'workers.conf',
    ])
  })

  describe.each(fixtures)('%s', (name) => {
    it('parses without errors and passes the structure checks', () => {
      const result = load(name)
      expect(result.errors.map(String)).toEqual([])
      expect(checkStructure(result.config, result.locs).map(String)).toEqual([])
    })

    it('round-trips parse → print → parse', () => {
      const { config } = load(name)
      const printed = printConfig(config)
      const back = reparse(printed)
      expect(back).toEqual(config)
      expect(JSON.stringify(back)).toBe(JSON.stringify(config))
      expect(printConfig(back)).toBe(printed)
    })

    it('round-trips parse → toJson → fromJson → print → parse', () => {
      const { config } = load(name)
      const json = JSON.stringify(toJson(config), null, 2)
      expect(reparse(printConfig(fromJson(json)))).toEqual(config)
      expect(reparse(printConfig(fromJson(JSON.parse(json))))).toEqual(config)
    })
  })

  it('aggregator.conf: security, transport, JSON arrays, <record>, <buffer tag,time>, <secondary>', () => {
    const { root } = load('aggregator.conf').config
    expect(find(root, 'source', 'security').params.shared_key).toBe('s3cr3t "with quotes"')
    expect(find(root, 'source', 'transport tls').params.private_key_passphrase).toBe('pa$$word with spaces')
    expect(root.elements[2].params.cors_allow_origins).toBe('["https://app.example.com","https://admin.example.com"]')
    const record = find(root.elements.find((e) => e.params['@type'] === 'record_transformer')!, 'record')
    expect(record.params).toEqual({
      hostname: 'box.example',
      tag: '${tag}',
      service_name: '${tag_parts[1]}',
      message_with_hash: 'value # not a comment',
      env: 'prod',
    })
    expect(find(root, 'match app.**', 'buffer tag,time').params.timekey).toBe('1h')
    expect(getParam(find(root, 'match app.**', 'secondary'), '@type')).toBe('secondary_file')
  })

  it('forwarder.conf: several <server>, ENV with fallbacks, a regexp with quotes and brackets', () => {
    const { root } = load('forwarder.conf').config
    const forward = find(root, 'match nginx.** app.**')
    expect(forward.elements.filter((e) => e.name === 'server').map((s) => s.params.host)).toEqual([
      '10.0.1.10',
      'aggregator-2.internal',
      '10.0.9.9',
    ])
    expect(find(forward, 'server').params.name).toBe('aggregator-1')
    expect(forward.elements[2].params).toEqual({ name: 'aggregator-2', host: 'aggregator-2.internal', port: '24224', weight: '40' })
    expect(forward.elements[3].params.standby).toBe('')
    expect(find(forward, 'security').params).toEqual({ self_hostname: 'node-7', shared_key: 'change-me' })
    expect(find(root, 'source', 'parse').params.expression).toBe(
      '/^(?<remote>[^ ]*) - (?<user>[^ ]*) \\[(?<time>[^\\]]*)\\] "(?<method>\\S+)(?: +(?<path>[^\\"]*?)(?: +\\S*)?)?" (?<code>[^ ]*)$/',
    )
  })

  it('copy.conf: both quotings, multi-line JSON, comments, empty values', () => {
    const { root } = load('copy.conf').config
    expect(find(root, 'source').params.dummy).toBe('[{"message":"hello","level":"info"},{"message":"bye #1","level":"warn"}]')
    const [, http, file] = find(root, 'match dummy.**').elements
    expect(http.params.headers).toBe('{"Authorization":"Bearer abc#def","X-Trace":"on"}')
    expect(http.params.headers_from_placeholders).toBe('{"X-Tag":"${tag}"}')
    expect(http.params.retryable_response_codes).toBe('[503,429,500]')
    expect(file.params).toMatchObject({
      path: '/tmp/copy fallback',
      single_quoted: "it's a \\ backslash and \\n stays",
      double_quoted: 'tab\there\nnewline \\ backslash "quote" \'single\' #{not code}',
      leading_space: '  padded  ',
      hash_value: 'a#b',
      trailing_comment: 'value',
      empty_quoted: '',
      flag_without_value: '',
      multi_line: 'first line\nsecond line',
    })
  })

  it('includes.conf: globs in sorted order, nested and in-section includes, last value wins', () => {
    const result = load('includes.conf')
    const { root } = result.config
    expect(find(root, 'system').params).toEqual({ log_level: 'debug', suppress_repeated_stacktrace: 'true' })
    expect(root.elements.map((e) => `${e.name} ${getParam(e, '@type') ?? ''}`.trim())).toEqual([
      'system',
      'source forward',
      'filter record_transformer',
      'source http',
      'match forward',
    ])
    expect(find(root, 'filter', 'record').params.cluster).toBe('local')
    expect(find(root, 'match', 'buffer').params).toEqual({
      '@type': 'file',
      path: '/var/lib/sluice/buffer/shared',
      chunk_limit_size: '4m',
      flush_interval: '3s',
    })
    expect(result.warnings.map(String)).toEqual([
      'includes.conf:16: warning: flush_interval is set twice in <buffer> (first at shared/buffer-params.conf:5); the last value is used; hint: remove one of them',
    ])
    expect(result.files).toEqual([
      'includes.conf',
      'shared/system-params.conf',
      'conf.d/10-sources.conf',
      'conf.d/20-filters.conf',
      'shared/nested.conf',
      'shared/buffer-params.conf',
    ])
  })

  it('workers.conf: <worker N> and <worker N-M>, worker_id in quoted values', () => {
    const { root } = load('workers.conf').config
    expect(root.elements.map((e) => `${e.name} ${e.arg}`.trim())).toEqual(['system', 'worker 0', 'worker 1-3', 'match **'])
    expect(find(root, 'worker 1-3', 'source').params.path).toBe('/var/log/app/worker-2.log')
    expect(find(root, 'match').params['@id']).toBe('stdout_2')
  })

  it('kubernetes.conf: ENV || default, use_default drops the param, unset ENV warns', () => {
    const result = load('kubernetes.conf')
    const { root } = result.config
    expect(find(root, 'source').params.path).toBe('/var/log/containers/*.log')
    expect(getParam(find(root, 'source'), 'exclude_path')).toBeUndefined()
    expect(find(root, 'source', 'parse').params['@type']).toBe('json')
    const es = find(root, 'match **')
    expect(es.params).toMatchObject({ host: 'es.internal', port: '9200', scheme: 'http', '@log_level': 'info' })
    expect(getParam(es, 'user')).toBeUndefined()
    expect(find(es, 'buffer').params.chunk_limit_size).toBe('2M')
    expect(result.warnings).toEqual([])
  })

  it('labels.conf: @label on sources and relabel, @ERROR, @FLUENT_LOG, @ROOT', () => {
    const { root } = load('labels.conf').config
    expect(root.elements.filter((e) => e.name === 'label').map((e) => e.arg)).toEqual([
      '@INGEST',
      '@RAW',
      '@OUTPUT',
      '@ERROR',
      '@FLUENT_LOG',
    ])
    expect(find(root, 'label @INGEST', 'match app.audit.**', 'store').params['@label']).toBe('@ROOT')
    expect(find(root, 'label @OUTPUT', 'match', 'format').params.delimiter).toBe('\t')
  })
})
