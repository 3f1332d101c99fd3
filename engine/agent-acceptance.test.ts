/**
 * @module The agent's acceptance rules, as Fluentd's: unknown params are warnings (errors with
 * `strict`), lenient values (errors with `strictValues`), v0.12 `type` and flat params converted
 * before validation, plugins sluice lacks named with their gem (top level, in `<store>`, in
 * `<secondary>`, under a skipped `<worker N>`), and Fluent Bit names recognised.
 */

import { describe, expect, it } from 'vitest'
import { captureOutput } from '../test/helpers/capture-output.ts'
import { loadCore } from '../wasm/load-node.ts'
import { buildAgent, type AgentOptions } from './agent.ts'
import { parseConfig } from './config/parse.ts'
import type { PluginSchema } from './config/schema.ts'
import { createLogger } from './log.ts'
import { PluginRegistry, type PluginSpec } from './plugin.ts'
import { outCopy } from './plugins/out_copy/index.ts'
import { outNull } from './plugins/out_null/index.ts'
import { bufferSection, resolveBufferConfig, secondarySection } from './output/buffer-schema.ts'
import { createSecondary } from './output/secondary.ts'

/** An output with a buffer and v0.12 compat like out_forward's, that records its config. */
const seen: Record<string, unknown>[] = []
const bufferedSchema: PluginSchema = {
  params: [{ name: 'port', type: 'integer', default: 24224, description: 'a port' }],
  sections: [bufferSection({ chunk_keys: ['tag'] }), secondarySection],
  compat: { convert: ['buffer'], defaultChunkKey: 'tag' },
}
const buffered: PluginSpec<'output'> = {
  name: 'buffered',
  kind: 'output',
  description: 'test output',
  schema: bufferedSchema,
  runtimes: ['node'],
  create(ctx, config: Record<string, unknown>, element) {
    seen.push(config)
    createSecondary(ctx, element, resolveBufferConfig(config.buffer as Record<string, unknown>).config)
    return { emit() {} }
  },
}
const input: PluginSpec<'input'> = {
  name: 'forward',
  kind: 'input',
  description: 'test input',
  schema: { params: [{ name: 'port', type: 'integer', default: 24224, description: '' }] },
  runtimes: ['node'],
  create: () => ({}),
}

async function build(text: string, options: Partial<AgentOptions> = {}) {
  const parsed = parseConfig(text, 'fluent.conf', { env: {}, hostname: 'h' })
  expect(parsed.errors).toEqual([])
  const built = buildAgent(parsed.config, parsed.locs, {
    core: await loadCore(),
    registry: new PluginRegistry().register(buffered, input, outCopy, outNull, captureOutput),
    log: createLogger(() => {}, 'fatal'),
    runtime: 'node',
    ...options,
  })
  for (const router of built.agent?.routers.values() ?? []) router.free()
  const sorted = (list: { message: string; line: number }[]) => [...list].sort((a, b) => a.line - b.line).map((e) => e.message)
  return { ok: built.agent !== null, errors: sorted(built.errors), warnings: sorted(built.warnings) }
}

describe('plugins sluice does not have', () => {
  it('names the plugin and its gem, at the @type line, wherever it is', async () => {
    const r = await build(
      [
        '<system>',
        '  workers 2',
        '</system>',
        '<source>',
        '  @type prometheus_tail_monitor',
        '</source>',
        '<filter kubernetes.**>',
        '  @type kubernetes_metadata',
        '</filter>',
        '<match app.**>',
        '  @type copy',
        '  <store>',
        '    @type elasticsearch',
        '  </store>',
        '  <store>',
        '    @type buffered',
        '    <secondary>',
        '      @type secondary_file',
        '    </secondary>',
        '  </store>',
        '</match>',
        '<worker 1>',
        '  <match other.**>',
        '    @type kafka2',
        '  </match>',
        '  <match more.**>',
        '    @type copy',
        '    <store>',
        '      @type s3',
        '    </store>',
        '  </match>',
        '</worker>',
        '<match es.**>',
        '  @type es',
        '</match>',
      ].join('\n'),
    )
    expect(r.ok).toBe(false)
    expect(r.errors).toEqual([
      "fluent.conf:5: sluice does not implement input plugin 'prometheus_tail_monitor' (fluent-plugin-prometheus); hint: it is planned; docs/plugins.md lists what sluice has",
      "fluent.conf:8: sluice does not implement filter plugin 'kubernetes_metadata' (fluent-plugin-kubernetes_metadata_filter); hint: docs/plugins.md lists what sluice has",
      "fluent.conf:13: sluice does not implement output plugin 'elasticsearch' (fluent-plugin-elasticsearch); hint: docs/plugins.md lists what sluice has",
      "fluent.conf:18: sluice does not implement output plugin 'secondary_file' (a Fluentd core plugin); hint: in <secondary>, @type file writes the chunks as well; docs/plugins.md lists what sluice has",
      "fluent.conf:24: sluice does not implement output plugin 'kafka2' (fluent-plugin-kafka); hint: docs/plugins.md lists what sluice has",
      "fluent.conf:29: sluice does not implement output plugin 's3' (fluent-plugin-s3); hint: docs/plugins.md lists what sluice has",
      "fluent.conf:34: unknown output plugin 'es': that is Fluent Bit's name; hint: the Fluentd plugin is 'elasticsearch' (fluent-plugin-elasticsearch), which sluice does not implement; docs/plugins.md lists what sluice has",
    ])
  })

  it('keeps the "did you mean" for a name it does not know at all', async () => {
    const r = await build('<match **>\n  @type nul\n</match>\n')
    expect(r.errors).toEqual([
      "fluent.conf:2: unknown output plugin 'nul'; hint: did you mean 'null'? available: buffered, capture, copy, null",
    ])
  })
})

describe('warnings, not errors, for what Fluentd only warns about', () => {
  const text = [
    '<source>',
    '  type forward',
    '  port 24224x',
    '  bind_adress 0.0.0.0',
    '</source>',
    '<match app.**>',
    '  type buffered',
    '  flush_interval 5s',
    '  buffer_queue_full_action exception',
    '  retry_wait 2s',
    '  <unknown_section>',
    '  </unknown_section>',
    '</match>',
    '<match **>',
    '  @type null',
    '</match>',
  ].join('\n')

  it('builds, with every warning at its line', async () => {
    seen.length = 0
    const r = await build(text)
    expect(r.errors).toEqual([])
    expect(r.ok).toBe(true)
    expect(r.warnings.map((w) => w.split('; hint')[0])).toEqual([
      "fluent.conf:2: warning: 'type' is deprecated parameter name. use '@type' instead.",
      'fluent.conf:3: warning: port: invalid integer "24224x"; read as 24224 like Fluentd (String#to_i)',
      "fluent.conf:4: warning: parameter 'bind_adress' in <source> is not used",
      "fluent.conf:7: warning: 'type' is deprecated parameter name. use '@type' instead.",
      'fluent.conf:8: warning: v0.12 flat buffer parameters in <match app.**> (flush_interval, buffer_queue_full_action) are deprecated: read as <buffer tag> flush_interval 5s, overflow_action throw_exception </buffer>',
      "fluent.conf:10: warning: parameter 'retry_wait' in <match app.**> is not used",
      'fluent.conf:11: warning: section <unknown_section> is not used in <match app.**>',
    ])
    expect(seen[0].buffer).toMatchObject({ chunk_keys: ['tag'], flush_interval: 5, overflow_action: 'throw_exception' })
  })

  it('fails with every warning as an error under strict, and on lenient values under strictValues', async () => {
    const strict = await build(text, { strict: true })
    expect(strict.ok).toBe(false)
    expect(strict.warnings).toEqual([])
    expect(strict.errors).toHaveLength(7)
    expect(strict.errors.every((e) => e.endsWith('(an error because of --strict)'))).toBe(true)
    const values = await build(text, { strictValues: true })
    expect(values.ok).toBe(false)
    expect(values.errors).toEqual(['fluent.conf:3: port: invalid integer "24224x"; hint: e.g. 24224'])
  })

  it('validates the plugins of a skipped <worker N> too (errors stay errors)', async () => {
    const r = await build(
      '<system>\n  workers 2\n</system>\n<worker 1>\n  <match **>\n    @type buffered\n    prot 1\n    <buffer>\n      flush_mode sometimes\n    </buffer>\n  </match>\n</worker>\n<match **>\n  @type null\n</match>\n',
    )
    expect(r.errors).toEqual([
      'fluent.conf:9: flush_mode: invalid value "sometimes"; hint: valid options are default, lazy, interval, immediate',
    ])
    expect(r.warnings.map((w) => w.split('; hint')[0])).toEqual([
      'fluent.conf:4: warning: <worker 1> is skipped: only worker 0 runs here',
      "fluent.conf:7: warning: parameter 'prot' in <match **> is not used",
    ])
  })
})
