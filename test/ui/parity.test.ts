/**
 * @module Parity: the designer's preview (engine/preview, as the browser runs it) and the daemon's
 * real agent (node-server's plugins, every output replaced by a `@type capture` sink) send the
 * same events to the same outputs with the same records — over a config with grep, record_transformer,
 * a source into a label, relabel, copy with a relabel store, and a catch-all; samples from the
 * bundled loghub sets plus edge cases (64-bit integers, nested maps, unmatched tags).
 */

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createElement, getParam, type ConfigElement } from '../../engine/config/model.ts'
import { parseConfig } from '../../engine/config/parse.ts'
import { printConfig } from '../../engine/config/print.ts'
import { buildDraft } from '../../engine/preview/draft.ts'
import { catalogFromSpecs, mergeCatalogs, schemaEntry } from '../../engine/preview/catalog.ts'
import { previewConfig } from '../../engine/preview/preview.ts'
import { parseSamples } from '../../engine/preview/samples.ts'
import { Outcome } from '../../engine/preview/types.ts'
import { loadCore } from '../../wasm/load-node.ts'
import { NODE_PLUGINS } from '../../node-server/plugins/registry.ts'
import { inForwardSchema } from '../../engine/schemas/in_forward.ts'
import { outForwardSchema } from '../../engine/schemas/out_forward.ts'
import { startAgent, type TestAgent } from '../helpers/agent.ts'
import { captures } from '../helpers/capture-output.ts'

const ROOT = join(import.meta.dirname, '..', '..')

const CONF = `<source>
  @type forward
  bind 127.0.0.1
  port 0
  @label @IN
</source>

<label @IN>
  <filter **>
    @type record_transformer
    <record>
      received_by sluice
      tag_head \${tag_parts[0]}
    </record>
  </filter>
  <match **>
    @type relabel
    @label @ROOT
  </match>
</label>

<filter app.**>
  @type grep
  <exclude>
    key level
    pattern /^debug$/
  </exclude>
</filter>

<filter app.** hdfs.**>
  @type record_transformer
  remove_keys user_agent
  <record>
    env prod
    pod \${record["kubernetes"]["pod"]}
  </record>
</filter>

<match app.audit>
  @type copy
  <store>
    @type forward
    <server>
      host archive.local
    </server>
  </store>
  <store>
    @type relabel
    @label @AUDIT
  </store>
</match>

<match app.**>
  @type forward
  <server>
    host agg.local
  </server>
</match>

<filter system.**>
  @type grep
  <regexp>
    key message
    pattern /invalid user|failed/i
  </regexp>
</filter>

<match system.** hdfs.**>
  @type forward
  <server>
    host sec.local
  </server>
</match>

<label @AUDIT>
  <filter **>
    @type record_transformer
    <record>
      audited true
    </record>
  </filter>
  <match **>
    @type forward
    <server>
      host audit.local
    </server>
  </match>
</label>
`

const EXTRA = [
  '{"tag":"app.web","record":{"level":"info","id":18446744073709551615,"neg":-9223372036854775808,"ms":1700000000123,"kubernetes":{"pod":"web-1"}}}',
  '{"tag":"app.web","record":{"level":"debug","msg":"dropped by grep"}}',
  '{"tag":"nothing.matches","record":{"k":"v"}}',
  '{"tag":"app.audit","record":{"level":"warn","nested":{"a":{"b":[1,2,{"c":null}]}},"f":1.25}}',
  'a plain text line',
]

let agent: TestAgent | null = null
afterAll(async () => {
  await agent?.stop()
  captures.clear()
})

/** Every output that does not route (copy and relabel do) becomes a capture with the preview's element id. */
function toCaptures(element: ConfigElement, idOf: (e: ConfigElement) => string | undefined): ConfigElement {
  const type = getParam(element, '@type')
  if ((element.name === 'match' || element.name === 'store') && type !== 'copy' && type !== 'relabel') {
    return createElement(element.name, element.arg, { '@type': 'capture', '@id': idOf(element)! })
  }
  return createElement(
    element.name,
    element.arg,
    element.params,
    element.elements.map((e) => toCaptures(e, idOf)),
  )
}

describe('preview ⇔ daemon parity', () => {
  it('sends the same events to the same outputs with the same records', async () => {
    const samplesText =
      ['app', 'openssh', 'hdfs'].map((n) => readFileSync(join(ROOT, 'ui', 'src', 'samples', `${n}.ndjson`), 'utf8')).join('') +
      EXTRA.join('\n')
    const { samples, problems } = parseSamples(samplesText, { tag: 'misc', now: 1_700_000_000_000 })
    expect(problems).toEqual([])
    const parsed = parseConfig(CONF, 'parity.conf')
    expect(parsed.errors).toEqual([])
    const catalog = mergeCatalogs(catalogFromSpecs(NODE_PLUGINS.filter((s) => s.runtimes.includes('browser'))), [
      schemaEntry('input', 'forward', inForwardSchema, 'node-server/plugins/in_forward'),
      schemaEntry('output', 'forward', outForwardSchema, 'node-server/plugins/out_forward'),
    ])

    // The preview, as the designer's worker runs it.
    const core = await loadCore()
    const preview = await previewConfig(core, parsed.config, samples, { catalog, now: 1_700_000_000_000, hostname: 'test-host' })
    const summary = preview.summary
    expect(summary.failed).toBeNull()
    expect(summary.elements.filter((e) => e.mode === 'passthrough')).toEqual([])
    const expected = new Map<string, unknown[]>()
    for (let i = 0; i < samples.length; i++) {
      if (summary.outcome[i] !== Outcome.Delivered) continue
      // Each output the sample reached, with the record as that output got it (a relabel store's
      // label may change it further than the first output's copy).
      const details = await preview.details(i)
      const reached = details.steps.flatMap((s) => (s.kind === 'output' && !s.routing ? [s] : []))
      expect(reached.map((s) => s.element)).toEqual([summary.target[i], ...(summary.fanout[i] ?? [])])
      for (const step of reached) {
        const id = `#${step.element}`
        const time = `${step.time.sec}.${String(step.time.nsec).padStart(9, '0')}`
        expected.set(id, [...(expected.get(id) ?? []), { tag: step.tag, time, record: step.record }])
      }
    }
    await preview.dispose()

    // The daemon's agent, with the node plugins and capture sinks under the preview's element ids.
    const draft = buildDraft(parsed.config, catalog)
    const ids = new Map<ConfigElement, string>()
    const visit = (e: ConfigElement, path: string) => {
      const row = draft.elements.find((r) => r.path === path)
      if (row) ids.set(e, `#${row.index}`)
      e.elements.forEach((c, i) => visit(c, path === '' ? String(i) : `${path}/${i}`))
    }
    visit(parsed.config.root, '')
    const root = toCaptures(parsed.config.root, (e) => ids.get(e))
    agent = await startAgent(printConfig({ version: 1, root }), NODE_PLUGINS, { now: () => 1_700_000_000_000 })
    const entry = agent.agent.routers.get('@IN')!
    for (const sample of samples) await entry.emit({ tag: sample.tag, entries: sample.entry, count: 1 })
    const actual = new Map<string, unknown[]>()
    for (const [id, capture] of captures) {
      if (capture.events.length === 0) continue
      actual.set(
        id,
        capture.events.map((e) => ({ tag: e.tag, time: e.time.toString(), record: e.record })),
      )
    }

    expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort())
    for (const [id, events] of expected) expect(actual.get(id), `output ${id}`).toEqual(events)
    // The run covers every kind of outcome.
    expect(summary.totals[Outcome.Delivered]).toBeGreaterThan(100)
    expect(summary.totals[Outcome.Dropped]).toBeGreaterThan(10)
    expect(summary.totals[Outcome.Unmatched]).toBeGreaterThan(0)
    expect(Object.keys(summary.fanout).length).toBeGreaterThan(0)
  })
})
