/**
 * @module The worker's preview session in Node: only what changed is rebuilt, rows and details for
 * the last run, the impact against a saved baseline, NDJSON export with exact 64-bit integers, and
 * `${hostname}` as the daemon's host name when one serves the designer (the stand-in otherwise).
 */

import { describe, expect, it } from 'vitest'
import { loadCore } from '../../../../wasm/load-node.ts'
import { Outcome, PREVIEW_HOSTNAME } from '../../../../engine/preview/types.ts'
import { catalog, designerCheckRegistry, loadCatalog } from '../config/catalog.ts'
import type { TestCase } from '../../../../engine/case-runner/cases.ts'
import { PreviewSession } from './session.ts'

const config = (text: string) => ({ text })

describe('PreviewSession', () => {
  it('previews, pages rows, details one event, compares with the baseline and exports', async () => {
    await loadCatalog()
    const session = new PreviewSession(await loadCore(), catalog, designerCheckRegistry(), 1_700_000_000_000)
    expect(session.setSamples('{"level":"info","id":18446744073709551615}\n{"level":"debug"}\nnot json', 'auto', 'app.web')).toEqual({
      count: 3,
      problems: [],
      problemCount: 0,
      parsedBy: null,
    })
    const base = '<match app.**>\n  @type stdout\n</match>\n'
    session.setBaseline(config(base))
    const first = await session.preview(config(base), undefined)
    expect(first.run).toBe(1)
    expect(Array.from(first.summary.outcome)).toEqual([Outcome.Delivered, Outcome.Delivered, Outcome.Delivered])
    expect(first.impact).toMatchObject({ compared: 3, unchanged: 3 })
    expect(first.diagnostics).toEqual([])

    const edited = `<filter **>\n  @type grep\n  <exclude>\n    key level\n    pattern /debug/\n  </exclude>\n</filter>\n#~ <match app.**>\n#~   @type stdout\n#~ </match>\n<match **>\n  @type null\n</match>\n`
    const second = await session.preview(config(edited), undefined)
    expect(Array.from(second.summary.outcome)).toEqual([Outcome.Delivered, Outcome.Dropped, Outcome.Delivered])
    expect(second.impact).toMatchObject({ rerouted: 3 })
    // sluice check's verdict comes with every result: a port the daemon refuses is an error here too
    const refused = await session.preview(config('<source>\n  @type forward\n  port 342249\n</source>\n' + base), undefined)
    expect(refused.diagnostics.map((d) => `${d.severity} ${d.line}: ${d.message}`)).toEqual([
      "error 3: cannot configure input plugin 'forward': port 342249 is out of range 0..65535",
    ])
    await session.preview(config(edited), undefined)
    expect(session.rows(0, 10).map((r) => [r.index, r.tag, r.outcome, r.input])).toEqual([
      [0, 'app.web', 0, '{"level":"info","id":18446744073709551615}'],
      [1, 'app.web', 2, '{"level":"debug"}'],
      [2, 'app.web', 0, '{"message":"not json"}'],
    ])
    // keep events as tests: the case holds what happens now, and runs with every preview
    const dropped = session.caseOf(1, 'debug is dropped')
    const delivered = session.caseOf(0, 'info reaches null')
    expect(dropped).toMatchObject({ tag: 'app.web', record: { level: 'debug' }, expect: { dropped: true } })
    expect(delivered).toMatchObject({ expect: { match: '**', label: '@ROOT', record: { level: 'info', id: 18446744073709551615n } } })
    session.setCases([dropped as TestCase, delivered as TestCase])
    const withTests = await session.preview(config(edited), undefined)
    expect(withTests.tests?.map((t) => [t.name, t.ok])).toEqual([
      ['debug is dropped', true],
      ['info reaches null', true],
    ])
    const broken = await session.preview(config(base), undefined)
    expect(broken.tests?.map((t) => [t.name, t.ok, t.failures[0]])).toEqual([
      ['debug is dropped', false, 'expected the event to be dropped by a filter; it was delivered to <match app.**> @type stdout'],
      ['info reaches null', false, 'expected <match **>; it reached <match app.**> in @ROOT'],
    ])
    // the Apply dialog's review: diff, reload plan, impact over the samples
    const plan = await session.plan(base, edited)
    expect(plan.diff).toMatchObject({ added: 12, removed: 2 })
    expect(plan.plan.filters.added.map((p) => p.plugin)).toEqual(['<filter **> @type grep'])
    expect(plan.plan.outputs.added.map((p) => p.plugin)).toEqual(['<match **> @type null'])
    expect(plan.impact).toMatchObject({ compared: 3, rerouted: 3 })
    await session.preview(config(edited), undefined)
    const d = await session.details(1)
    expect(d.steps.map((s) => s.kind)).toEqual(['router', 'filter'])
    expect(session.exportNdjson('output')).toBe(
      '{"tag":"app.web","time":1700000000,"record":{"level":"info","id":18446744073709551615}}\n' +
        '{"tag":"app.web","time":1700000000,"record":{"message":"not json"}}\n',
    )
  })

  it('previews ${hostname} as the daemon host name it was given, and as the stand-in without one', async () => {
    await loadCatalog()
    const session = new PreviewSession(await loadCore(), catalog, designerCheckRegistry(), 1_700_000_000_000)
    session.setSamples('{"msg":"x"}\n', 'auto', 'app')
    const text =
      '<filter **>\n  @type record_transformer\n  <record>\n    host ${hostname}\n  </record>\n</filter>\n<match **>\n  @type null\n</match>\n'
    const host = async () => {
      await session.preview(config(text), undefined)
      return session.rows(0, 1)[0].output
    }
    expect(await host()).toBe(`{"msg":"x","host":"${PREVIEW_HOSTNAME}"}`)
    session.setHostname('box-7.example')
    expect(await host()).toBe('{"msg":"x","host":"box-7.example"}')
    // the kept tests run with the same host name as the preview
    const kept = session.caseOf(0, 'host is set')
    expect(kept).toMatchObject({ expect: { record: { host: 'box-7.example' } } })
    session.setCases([kept as TestCase])
    expect((await session.preview(config(text), undefined)).tests?.map((t) => t.ok)).toEqual([true])
    session.setHostname(null)
    expect(await host()).toBe(`{"msg":"x","host":"${PREVIEW_HOSTNAME}"}`)
  })
})
