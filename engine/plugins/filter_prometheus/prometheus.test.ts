/**
 * @module filter_prometheus and out_prometheus, after fluent-plugin-prometheus's shared.rb specs
 * (v2.2.2). The expected expositions were printed by the plugin itself: Fluentd v1.18.0's filter
 * test driver with fluent-plugin-prometheus v2.2.2 and prometheus-client 4.2.5 (Ruby 3.1), fed the
 * same records, then `Prometheus::Client::Formats::Text.marshal(registry)`.
 */

import { afterEach, describe, expect, it } from 'vitest'
import { checkSchema } from '../../config/schema.ts'
import { streamFromEvents } from '../../event-stream.ts'
import { EventTime } from '../../event-time.ts'
import { captures } from '../../../test/helpers/capture-output.ts'
import { startAgent, type TestAgent } from '../../../test/helpers/agent.ts'
import { outPrometheus } from '../out_prometheus/index.ts'
import { filterPrometheus } from './index.ts'

let running: TestAgent | null = null
afterEach(async () => {
  await running?.stop()
  running = null
})

const T = new EventTime(1441588984, 0)

const FULL = `  <metric>
    name full_foo
    type counter
    desc Something foo.
    key foo
    <labels>
      key foo1
    </labels>
  </metric>
  <metric>
    name full_bar
    type gauge
    desc Something bar.
    key bar
    initialized true
    <labels>
      key foo2
    </labels>
  </metric>
  <metric>
    name full_baz
    type summary
    desc Something baz.
    key baz
    initialized true
    <labels>
      key foo3
    </labels>
  </metric>
  <metric>
    name full_qux
    type histogram
    desc Something qux.
    key qux
    buckets 0.1, 1, 5, 10
    initialized true
    <labels>
      key foo4
    </labels>
  </metric>
  <metric>
    name full_accessor1
    type summary
    desc Something with accessor.
    key $.foo
    <labels>
      key foo5
    </labels>
  </metric>
  <metric>
    name full_accessor2
    type counter
    desc Something with accessor
    key $.foo
    initialized true
    <labels>
      key foo6
    </labels>
  </metric>
  <metric>
    name full_accessor3
    type counter
    desc Something with accessor and several initialized metrics
    initialized true
    <labels>
      key $.foo
      key2 $.foo2
      key3 footix
    </labels>
    <initlabels>
      key foo6
      key2 foo7
    </initlabels>
    <initlabels>
      key foo8
      key2 foo9
    </initlabels>
  </metric>
  <labels>
    test_key test_value
  </labels>
`

const FULL_EXPOSITION = `# TYPE full_foo counter
# HELP full_foo Something foo.
full_foo{test_key="test_value",key="foo1"} 102.5
# TYPE full_bar gauge
# HELP full_bar Something bar.
full_bar{test_key="test_value",key="foo2"} 7.0
# TYPE full_baz summary
# HELP full_baz Something baz.
full_baz_sum{test_key="test_value",key="foo3"} 101.0
full_baz_count{test_key="test_value",key="foo3"} 2.0
# TYPE full_qux histogram
# HELP full_qux Something qux.
full_qux_bucket{test_key="test_value",key="foo4",le="0.1"} 0.0
full_qux_bucket{test_key="test_value",key="foo4",le="1"} 1.0
full_qux_bucket{test_key="test_value",key="foo4",le="5"} 1.0
full_qux_bucket{test_key="test_value",key="foo4",le="10"} 2.0
full_qux_bucket{test_key="test_value",key="foo4",le="+Inf"} 2.0
full_qux_sum{test_key="test_value",key="foo4"} 10.5
full_qux_count{test_key="test_value",key="foo4"} 2.0
# TYPE full_accessor1 summary
# HELP full_accessor1 Something with accessor.
full_accessor1_sum{test_key="test_value",key="foo5"} 102.5
full_accessor1_count{test_key="test_value",key="foo5"} 2.0
# TYPE full_accessor2 counter
# HELP full_accessor2 Something with accessor
full_accessor2{test_key="test_value",key="foo6"} 102.5
# TYPE full_accessor3 counter
# HELP full_accessor3 Something with accessor and several initialized metrics
full_accessor3{key="foo6",key2="foo7",test_key="test_value",key3="footix"} 0.0
full_accessor3{key="foo8",key2="foo9",test_key="test_value",key3="footix"} 0.0
full_accessor3{test_key="test_value",key="100",key2="",key3="footix"} 1.0
full_accessor3{test_key="test_value",key="2.5",key2="x",key3="footix"} 1.0
`

const PLACEHOLDERS = `  <metric>
    name placeholder_foo
    type counter
    desc Something foo.
    key foo
    initialized true
    <labels>
      foo \${foo}
      foo2 foo2
      part \${tag_parts[-1]}
      prefix \${tag_prefix[0]}
      suffix \${tag_suffix[0]}
      arr \${list[1]}
      map \${m["k"]}
      nope \${missing}
    </labels>
    <initlabels>
      tag tag
      foo foo
      part p
      prefix x
      suffix s
      arr a
      map m
      nope n
    </initlabels>
  </metric>
  <labels>
    tag \${tag}
    hostname \${hostname}
    workerid \${worker_id}
  </labels>
`

const PLACEHOLDER_EXPOSITION = `# TYPE placeholder_foo counter
# HELP placeholder_foo Something foo.
placeholder_foo{tag="tag",foo="foo",part="p",prefix="x",suffix="s",arr="a",map="m",nope="n",hostname="test-host",workerid="0",foo2="foo2"} 0.0
placeholder_foo{tag="prometheus.test",hostname="test-host",workerid="0",foo="100",foo2="foo2",part="test",prefix="prometheus",suffix="test",arr="b",map="v",nope="\${missing}"} 100.0
`

async function feed(kind: 'filter' | 'match', body: string, records: Record<string, unknown>[]) {
  running = await startAgent(
    `<${kind} prometheus.**>\n  @type prometheus\n${body}</${kind}>\n<match **>\n  @type capture\n  @id out\n</match>\n`,
    [filterPrometheus, outPrometheus],
  )
  await running.agent.root.emit(
    streamFromEvents(
      'prometheus.test',
      records.map((record) => ({ time: T, record })),
    ),
  )
  return running
}

describe('filter_prometheus', () => {
  it('has a valid schema', () => expect(checkSchema(filterPrometheus.schema)).toEqual([]))

  it('instruments every metric type, labels, accessors and initialized series as the plugin does', async () => {
    const r = await feed('filter', FULL, [
      { foo: 100, bar: 100, baz: 100, qux: 10 },
      { foo: 2.5, bar: 7, baz: 1, qux: 0.5, foo2: 'x' },
    ])
    expect(r.agent.prometheus.text()).toBe(FULL_EXPOSITION)
    expect(captures.get('out')!.events.map((e) => e.record.foo)).toEqual([100, 2.5]) // records pass on unchanged
  })

  it('expands tag, record and reserved placeholders', async () => {
    const r = await feed('filter', PLACEHOLDERS, [{ foo: 100, list: ['a', 'b'], m: { k: 'v' }, tag: 'record-tag' }])
    expect(r.agent.prometheus.text()).toBe(PLACEHOLDER_EXPOSITION)
    expect(r.logs.some((l) => l.message === 'unknown placeholder `${missing}` found')).toBe(true)
  })

  it('counts records without a key; sends a record whose value is not a number to @ERROR and keeps it', async () => {
    const r = await feed(
      'filter',
      '  <metric>\n    name c\n    type counter\n    desc d\n  </metric>\n  <metric>\n    name g\n    type gauge\n    desc g\n    key v\n  </metric>\n',
      [{ v: 1 }, { v: 'one' }, { other: true }],
    )
    expect(r.agent.prometheus.text()).toBe('# TYPE c counter\n# HELP c d\nc 3.0\n# TYPE g gauge\n# HELP g g\ng 1.0\n')
    expect(r.logs.filter((l) => l.message === 'prometheus: failed to instrument a metric.').length).toBe(1)
    expect(r.logs.some((l) => l.message === 'dump an error event')).toBe(true)
    expect(captures.get('out')!.events.length).toBe(3)
  })

  it.each([
    ['an unknown type', '  <metric>\n    name x\n    type foo\n    desc d\n  </metric>\n', /type: /],
    ['a gauge without key', '  <metric>\n    name x\n    type gauge\n    desc d\n  </metric>\n', /gauge metric requires 'key' option/],
    [
      'initialized without <initlabels> for an accessor label',
      '  <metric>\n    name x\n    type counter\n    desc d\n    key foo\n    initialized true\n    <labels>\n      key $.accessor\n    </labels>\n  </metric>\n',
      /has not been set in a <initlabels>/,
    ],
    [
      'an accessor in <initlabels>',
      '  <metric>\n    name x\n    type counter\n    desc d\n    initialized true\n    <labels>\n      key $.a\n    </labels>\n    <initlabels>\n      key $.b\n    </initlabels>\n  </metric>\n',
      /Cannot use RecordAccessor or placeholder/,
    ],
    [
      'a fixed label in <initlabels>',
      '  <metric>\n    name x\n    type counter\n    desc d\n    initialized true\n    <labels>\n      key $.a\n      key2 foo2\n    </labels>\n    <initlabels>\n      key foo\n      key2 foo2\n    </initlabels>\n  </metric>\n',
      /Cannot set <initlabels> on non RecordAccessor\/Placeholder key key2/,
    ],
    [
      'an <initlabels> key not in <labels>',
      '  <metric>\n    name x\n    type counter\n    desc d\n    initialized true\n    <labels>\n      key $.a\n    </labels>\n    <initlabels>\n      key2 foo\n    </initlabels>\n  </metric>\n',
      /Key key2 in <initlabels> is non existent in <labels>/,
    ],
    [
      'one name with two types',
      '  <metric>\n    name x\n    type counter\n    desc d\n  </metric>\n  <metric>\n    name x\n    type gauge\n    desc d\n    key v\n  </metric>\n',
      /x has already been registered as counter type/,
    ],
  ])('refuses %s', async (_name, body, message) => {
    await expect(startAgent(`<filter **>\n  @type prometheus\n${body}</filter>\n`, [filterPrometheus])).rejects.toThrow(message)
  })
})

describe('out_prometheus', () => {
  it('has a valid schema', () => expect(checkSchema(outPrometheus.schema)).toEqual([]))

  it('instruments the records and ends them', async () => {
    const r = await feed('match', FULL, [
      { foo: 100, bar: 100, baz: 100, qux: 10 },
      { foo: 2.5, bar: 7, baz: 1, qux: 0.5, foo2: 'x' },
    ])
    expect(r.agent.prometheus.text()).toBe(FULL_EXPOSITION)
    expect(captures.get('out')?.events ?? []).toEqual([])
  })
})
