/**
 * @module The table, graph and form projections of one document: route groups with problems and
 * preview counts, the graph's lanes and the selected event's hot path, schema-generated forms,
 * secret params.
 */

import { beforeAll, describe, expect, it } from 'vitest'
import { loadCore } from '../../../../wasm/load-node.ts'
import { createPreviewer } from '../../../../engine/preview/preview.ts'
import { parseSamples } from '../../../../engine/preview/samples.ts'
import type { EventDetails, PreviewSummary } from '../../../../engine/preview/types.ts'
import type { Core } from '../../../../wasm/core.ts'
import { catalog, designerCheckRegistry, findPlugin, loadCatalog } from './catalog.ts'
import { elementAt, parseDesign } from './document.ts'
import { formOf } from './forms.ts'
import { highlightOf, layoutGraph } from './graph.ts'
import { routeGroups } from './routes.ts'
import { secretParams } from './secrets.ts'
import { validateModel } from '../../../../engine/preview/validate.ts'

const TEXT = `<source>
  @type forward
  port 24224
</source>

<filter app.**>
  @type grep
  <regexp>
    key level
    pattern /^(error|warn)$/
  </regexp>
</filter>

<match app.db>
  @type relabel
  @label @DB
</match>

<match app.**>
  @type forward
  <server>
    host agg.local
    port 24224
  </server>
  <security>
    self_hostname me
    shared_key s3cret
  </security>
</match>

<label @DB>
  <match **>
    @type stdout
  </match>
</label>
`

let core: Core
let summary: PreviewSummary
let details: EventDetails[]
beforeAll(async () => {
  await loadCatalog()
  core = await loadCore()
  const { doc } = parseDesign(TEXT)
  const previewer = await createPreviewer(core, doc.model, { catalog, now: 1_700_000_000_000 })
  const samples = parseSamples(
    '{"tag":"app.db","record":{"level":"error"}}\n{"tag":"app.web","record":{"level":"info"}}\n{"tag":"app.web","record":{"level":"warn"}}',
    { now: 1 },
  ).samples
  summary = await previewer.run(samples)
  details = await Promise.all([0, 1, 2].map((i) => previewer.details(samples, i)))
  await previewer.dispose()
})

describe('routeGroups', () => {
  it('groups sources, top-level rules and labels with positions, summaries, problems and counts', () => {
    const parsed = parseDesign(TEXT)
    const diagnostics = validateModel(core, parsed.doc.model, parsed.locs, designerCheckRegistry(), { disabled: parsed.doc.disabled })
    const groups = routeGroups(parsed.doc, parsed.locs, diagnostics, summary)
    expect(groups.map((g) => g.title)).toEqual(['Sources', 'Top-level routes', '<label @DB>'])
    const root = groups[1]
    expect(root.rows.map((r) => [r.position, r.kind, r.pattern, r.type, r.summary, r.events, r.passed])).toEqual([
      [1, 'filter', 'app.**', 'grep', 'level =~ /^(error|warn)$/', 3, 2],
      [2, 'match', 'app.db', 'relabel', '→ @DB', 1, null],
      [3, 'match', 'app.**', 'forward', '→ agg.local:24224', 1, null],
    ])
    expect(groups[2].rows[0]).toMatchObject({ path: '4/0', events: 1 })
    expect(groups[0].rows[0]).toMatchObject({ kind: 'source', summary: 'port 24224', line: 1 })
  })
})

describe('layoutGraph', () => {
  it('lays out one lane per router and marks the selected event path hot', () => {
    const { doc } = parseDesign(TEXT)
    const h = highlightOf(details[0], summary)!
    expect([...h.routers]).toEqual(['@ROOT', '@DB'])
    const layout = layoutGraph(doc, summary, [], h)
    expect(layout.lanes.map((l) => l.title)).toEqual(['Top-level routes', '<label @DB>'])
    const hot = layout.nodes.filter((n) => n.hot).map((n) => `${n.kind}:${n.path ?? n.router}`)
    expect(hot).toEqual(['router:@ROOT', 'source:0', 'filter:1', 'match:2', 'output:2', 'router:@DB', 'match:4/0', 'output:4/0'])
    expect(layout.edges.some((e) => e.key.startsWith('relabel:') && e.hot)).toBe(true)
    // the dropped event: its filter is marked, nothing after it is hot
    const dropped = layoutGraph(doc, summary, [], highlightOf(details[1], summary))
    expect(dropped.nodes.find((n) => n.path === '1')?.tone).toBe('drop')
    expect(dropped.nodes.filter((n) => n.hot && n.kind === 'match')).toEqual([])
  })
})

describe('formOf', () => {
  it('generates fields from the schema, flags unknown params and lists section instances', () => {
    const { doc } = parseDesign(
      '<match **>\n  @type forward\n  require_ack_response maybe\n  bogus 1\n  <server>\n    host h\n  </server>\n</match>\n',
    )
    const element = elementAt(doc.model, '0')!
    const form = formOf(element, '0', findPlugin('output', 'forward')!.schema)
    const ack = form.fields.find((f) => f.name === 'require_ack_response')!
    expect(ack).toMatchObject({ input: 'bool', value: 'maybe' })
    expect(ack.error).toMatch(/invalid bool "maybe"/)
    expect(form.unknown.map((f) => [f.name, f.error])).toEqual([['bogus', 'not a param of this plugin']])
    const servers = form.sections.find((s) => s.spec.name === 'server')!
    expect(servers.instances.map((i) => i.path)).toEqual(['0/0'])
    const port = formOf(servers.instances[0].element, '0/0', servers.spec.schema).fields.find((f) => f.name === 'port')!
    expect(port.placeholder).toBe('24224')
  })
})

describe('secretParams', () => {
  it('finds secret values, by schema and by name', () => {
    const parsed = parseDesign(TEXT)
    expect(secretParams(parsed.doc, parsed.locs).map((s) => `${s.param}@${s.line}`)).toEqual(['shared_key@27'])
  })
})
