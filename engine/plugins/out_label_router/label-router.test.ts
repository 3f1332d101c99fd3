/**
 * @module label_router, after kube-logging/fluent-plugin-label-router's test_out_label_router.rb:
 * the selector table of "basic configuration", re-tagging, namespace labels, batching, the default
 * route, empty selectors, metrics; plus sticky tags, labels and the loop guard.
 */

import { afterEach, describe, expect, it } from 'vitest'
import { checkSchema } from '../../config/schema.ts'
import { encodeRecord, streamFromEvents } from '../../event-stream.ts'
import { EventTime } from '../../event-time.ts'
import { captures } from '../../../test/helpers/capture-output.ts'
import { startAgent, type TestAgent } from '../../../test/helpers/agent.ts'
import { outLabelRouter } from './index.ts'
import { compileSelector, RecordMetadata, routeMatches, type MatchConfig } from './selectors.ts'

let running: TestAgent | null = null
afterEach(async () => {
  await running?.stop()
  running = null
})

const T = new EventTime(1563361871, 0) // 2019-07-17 11:11:11 UTC

const sel = (m: Partial<MatchConfig>) =>
  compileSelector({
    labels: {},
    namespaces: [],
    namespaces_regex: [],
    namespace_labels: {},
    hosts: [],
    container_names: [],
    negate: false,
    ...m,
  })

function matches(
  selectors: ReturnType<typeof sel>[],
  md: { labels?: Record<string, string>; namespace?: string; container?: string; namespace_labels?: Record<string, string> },
) {
  const record = encodeRecord({
    kubernetes: { labels: md.labels ?? {}, namespace_name: md.namespace ?? '', ...(md.container ? { container_name: md.container } : {}) },
    ...(md.namespace_labels ? { kubernetes_namespace: { labels: md.namespace_labels } } : {}),
  })
  const meta = new RecordMetadata()
  meta.reset(record, 0)
  return routeMatches(selectors, meta)
}

describe('label_router selectors (the plugin test "basic configuration")', () => {
  it('route 1: labels app:app1, excluding app2:app2', () => {
    const r1 = [sel({ labels: { app: 'app1' } }), sel({ labels: { app2: 'app2' }, negate: true })]
    expect(matches(r1, { labels: { app: 'app1' } })).toBe(true)
    expect(matches(r1, { labels: { app: 'app2' } })).toBe(false)
    expect(matches(r1, { labels: { app3: 'app2' } })).toBe(false)
  })

  it('route 2: labels and namespaces, excluding a namespace', () => {
    const r2 = [
      sel({ labels: { app: 'app1' }, namespaces: ['default', 'test'] }),
      sel({ labels: { app: 'app2' }, namespaces: ['system'], negate: true }),
    ]
    expect(matches(r2, { labels: { app: 'app1' }, namespace: 'test' })).toBe(true)
    expect(matches(r2, { labels: { app: 'app2' }, namespace: 'system' })).toBe(false)
    expect(matches(r2, { labels: { app3: 'app' }, namespace: 'system' })).toBe(false)
  })

  it('route 3: namespaces_regex', () => {
    const r3 = [sel({ labels: { app: 'app3' }, namespaces_regex: ['.*-system$', '^kube-.*'] })]
    for (const [ns, want] of [
      ['logging-system', true],
      ['logging-system1', false],
      ['system', false],
      ['1system', false],
      ['kube-ns', true],
      ['1kube-ns', false],
      ['kube', false],
      ['kube1', false],
    ] as const) {
      expect(matches(r3, { labels: { app: 'app3' }, namespace: ns }), ns).toBe(want)
    }
  })

  it('routes 4 and 5: namespaces, container names (a missing container is a wrong one)', () => {
    const r4 = [sel({ labels: { app: 'nginx' }, namespaces: ['dev', 'sandbox'] })]
    expect(matches(r4, { labels: { app: 'nginx' }, namespace: 'dev' })).toBe(true)
    expect(matches(r4, { labels: { app: 'nginx' }, namespace: 'sandbox' })).toBe(true)
    expect(matches(r4, { labels: { app: 'nginx2' }, namespace: 'sandbox' })).toBe(false)
    const r5 = [sel({ labels: { app: 'nginx' }, namespaces: ['dev', 'sandbox'], container_names: ['mycontainer'] })]
    expect(matches(r5, { labels: { app: 'nginx' }, namespace: 'dev', container: 'mycontainer' })).toBe(true)
    expect(matches(r5, { labels: { app: 'nginx' }, namespace: 'sandbox' })).toBe(false)
    expect(matches(r5, { labels: { app: 'nginx' }, namespace: 'dev', container: 'mycontainer2' })).toBe(false)
  })

  it('a route without selectors matches nothing; an empty selector matches anything', () => {
    expect(matches([], { labels: { app: 'x' } })).toBe(false)
    expect(matches([sel({})], {})).toBe(true)
  })
})

async function run(body: string, input: [string, Record<string, unknown>[]][], extra = '') {
  running = await startAgent(
    `<match test test2 raw.**>\n  @type label_router\n${body}</match>\n<match **>\n  @type capture\n  @id out\n</match>\n${extra}`,
    [outLabelRouter],
  )
  for (const [tag, records] of input)
    await running.agent.root.emit(
      streamFromEvents(
        tag,
        records.map((record) => ({ time: T, record })),
      ),
    )
  return (captures.get('out')?.events ?? []).map((e) => [e.tag, e.record] as const)
}

const k8s = (labels: Record<string, string>) => ({ kubernetes: { labels } })

describe('label_router', () => {
  it('has a valid schema', () => expect(checkSchema(outLabelRouter.schema)).toEqual([]))

  it('re-tags matching records and drops the rest', async () => {
    const got = await run('  <route>\n    <match>\n      labels app:app1\n    </match>\n    tag new_app_tag\n  </route>\n', [
      ['test', [k8s({ app: 'app1' })]],
      ['test2', [k8s({ app: 'app2' })]],
    ])
    expect(got).toEqual([['new_app_tag', k8s({ app: 'app1' })]])
  })

  it('matches namespace labels', async () => {
    const got = await run('  <route>\n    <match>\n      namespace_labels matching:yes\n    </match>\n    tag matching\n  </route>\n', [
      ['test', [{ kubernetes_namespace: { labels: { matching: 'no' } } }]],
      ['test2', [{ kubernetes_namespace: { labels: { matching: 'yes' } } }]],
    ])
    expect(got).toEqual([['matching', { kubernetes_namespace: { labels: { matching: 'yes' } } }]])
  })

  it('batches: one emit for the records of a route', async () => {
    running = await startAgent(
      '<match test>\n  @type label_router\n  <route>\n    tag routed\n    <match>\n    </match>\n  </route>\n</match>\n<match **>\n  @type capture\n  @id out\n</match>\n',
      [outLabelRouter],
    )
    const out = captures.get('out')!
    const emits: number[] = []
    const original = out.emit.bind(out)
    out.emit = (s) => {
      emits.push(s.count)
      original(s)
    }
    await running.agent.root.emit(
      streamFromEvents('test', [
        { time: T, record: { kubernetes: {} } },
        { time: T, record: { kubernetes: {} } },
      ]),
    )
    expect(emits).toEqual([2])
  })

  it('sends unmatched records to default_route with default_tag', async () => {
    const got = await run(
      '  <route>\n    <match>\n      labels app:app1\n    </match>\n    tag new_app_tag\n  </route>\n  default_route @default\n  default_tag "new_tag"\n',
      [['test', [k8s({ app: 'app1' }), k8s({ app: 'app2' })]]],
      '<label @default>\n  <match **>\n    @type capture\n    @id default\n  </match>\n</label>\n',
    )
    expect(got).toEqual([['new_app_tag', k8s({ app: 'app1' })]])
    expect(captures.get('default')!.events.map((e) => [e.tag, e.record])).toEqual([['new_tag', k8s({ app: 'app2' })]])
  })

  it('routes with an empty selector list (empty params) everything', async () => {
    const got = await run(
      '  <route>\n    tag new_app_tag\n    <match>\n      labels\n      namespaces\n      namespaces_regex\n    </match>\n  </route>\n',
      [
        ['test', [k8s({ app: 'app1' })]],
        ['test2', [k8s({ app: 'app2' })]],
      ],
    )
    expect(got.map(([t]) => t)).toEqual(['new_app_tag', 'new_app_tag'])
  })

  it('counts routed records in fluentd_router_records_total with metrics true', async () => {
    await run(
      '  @id xxx\n  metrics true\n  <route>\n    metrics_labels {"id": "test"}\n    tag new_app_tag\n    <match>\n    </match>\n  </route>\n',
      [
        ['test', [k8s({ app: 'app1' })]],
        ['test2', [k8s({ app: 'app2' }), k8s({ app: 'app3' })]],
      ],
    )
    expect(running!.agent.prometheus.text()).toBe(
      '# TYPE fluentd_router_records_total counter\n# HELP fluentd_router_records_total Total number of events routed for the flow\nfluentd_router_records_total{flow="",id="test"} 3.0\n',
    )
  })

  it('sends a record to every matching route, into labels', async () => {
    await run(
      '  <route>\n    @label @A\n    <match>\n      namespaces ns\n    </match>\n  </route>\n  <route>\n    @label @B\n    tag b\n    <match>\n    </match>\n  </route>\n',
      [['test', [{ kubernetes: { namespace_name: 'ns' } }, { kubernetes: { namespace_name: 'other' } }]]],
      '<label @A>\n  <match **>\n    @type capture\n    @id a\n  </match>\n</label>\n<label @B>\n  <match **>\n    @type capture\n    @id b\n  </match>\n</label>\n',
    )
    expect(captures.get('a')!.events.map((e) => [e.tag, e.record.kubernetes])).toEqual([['test', { namespace_name: 'ns' }]])
    expect(captures.get('b')!.events.map((e) => e.tag)).toEqual(['b', 'b'])
  })

  it('with sticky_tags, routes later streams of a tag as its first one, without reading them', async () => {
    const body = '  <route>\n    tag routed\n    <match>\n      labels app:app1\n    </match>\n  </route>\n'
    const got = await run(body, [
      ['test', [k8s({ app: 'app1' })]],
      ['test', [k8s({ app: 'other' })]],
    ])
    expect(got.map(([t, r]) => [t, (r.kubernetes as { labels: { app: string } }).labels.app])).toEqual([
      ['routed', 'app1'],
      ['routed', 'other'],
    ])
    await running!.stop()
    const notSticky = await run(`  sticky_tags false\n${body}`, [
      ['test', [k8s({ app: 'app1' })]],
      ['test', [k8s({ app: 'other' })]],
    ])
    expect(notSticky.length).toBe(1)
  })

  it('refuses a route that would loop (no @label, no tag)', async () => {
    await expect(
      startAgent('<match **>\n  @type label_router\n  <route>\n    <match>\n    </match>\n  </route>\n</match>\n', [outLabelRouter]),
    ).rejects.toThrow(/without @label and tag/)
  })
})
