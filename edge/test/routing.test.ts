/**
 * @module Routing on the edge inside workerd: the config as the canonical JSON model or as .conf
 * text, built into an agent whose routers are the core's route tables — filters (grep,
 * record_transformer) accumulate, first match wins, copy / relabel / labels / @ERROR, the source's
 * @label —, and config errors that make every answer name them.
 */

import { afterEach, describe, expect, it } from 'vitest'
import { parseConfig } from '../../engine/config/parse.ts'
import { toJson } from '../../engine/config/model.ts'
import { captures } from '../../test/helpers/capture-output.ts'
import { runtime, stopRuntimes } from './support.ts'
import { ABI_VERSION } from '../../wasm/abi.ts'

afterEach(stopRuntimes)

const routes = (p: string) => `
<source>
  @type http
</source>
<filter app.**>
  @type grep
  <exclude>
    key level
    pattern /^debug$/
  </exclude>
</filter>
<filter app.**>
  @type record_transformer
  <record>
    edge \${hostname}
    tag_was \${tag}
  </record>
</filter>
<match app.audit>
  @type copy
  <store>
    @type capture
    @id ${p}_audit_a
  </store>
  <store>
    @type relabel
    @label @ARCHIVE
  </store>
</match>
<match app.**>
  @type capture
  @id ${p}_app
</match>
<filter late.**>
  @type record_transformer
  <record>
    never here
  </record>
</filter>
<match drop.**>
  @type null
</match>
<label @ARCHIVE>
  <match **>
    @type capture
    @id ${p}_archive
  </match>
</label>
`

const events = (id: string) => captures.get(id)?.events.map((e) => [e.tag, e.record]) ?? []

describe('routes', () => {
  it.each(['conf', 'json'] as const)('filters accumulate, the first match wins, copy and labels work (%s config)', async (form) => {
    const p = `r${form}`
    const text = routes(p)
    const config = form === 'conf' ? text : JSON.stringify(toJson(parseConfig(text, 'x.conf').config))
    const t = await runtime(config)
    expect(t.runtime.errors).toEqual([])
    expect((await t.post('/app/web', '[{"level":"info","m":1},{"level":"debug","m":2}]')).status).toBe(202)
    expect((await t.post('/app/audit', '{"m":3}')).status).toBe(202)
    expect((await t.post('/drop/x', '{"m":4}')).status).toBe(202)
    expect((await t.post('/nowhere', '{"m":5}')).status).toBe(202)
    expect(events(`${p}_app`)).toEqual([['app.web', { level: 'info', m: 1, edge: 'edge.test', tag_was: 'app.web' }]])
    expect(events(`${p}_audit_a`)).toEqual([['app.audit', { m: 3, edge: 'edge.test', tag_was: 'app.audit' }]])
    expect(events(`${p}_archive`)).toEqual(events(`${p}_audit_a`))
    expect(t.logs.some((l) => l.message === 'no patterns matched' && l.fields.tag === 'nowhere')).toBe(true)
  })

  it("sends the source's events into its @label", async () => {
    const t = await runtime(
      '<source>\n  @type http\n  @label @IN\n</source>\n<match **>\n  @type null\n</match>\n<label @IN>\n  <match **>\n    @type capture\n    @id labelled\n  </match>\n</label>\n',
    )
    await t.post('/x', '{"a":1}')
    expect(events('labelled')).toEqual([['x', { a: 1 }]])
  })

  it('adds a default <source @type http> when the config has none, and reports the routes on /healthz', async () => {
    const t = await runtime('<match **>\n  @type capture\n  @id nosource\n</match>')
    expect((await t.post('/a', '{"a":1}')).status).toBe(202)
    expect(events('nosource')).toEqual([['a', { a: 1 }]])
    const health = await t.runtime.app.request('/healthz')
    expect(await health.json()).toEqual({
      status: 'ok',
      config: 'SLUICE_CONFIG',
      core_abi: ABI_VERSION,
      auth: false,
      tokens: 0,
      token_kv: false,
      outputs: ['capture'],
    })
  })

  it("sends an output's failures to @ERROR", async () => {
    const t = await runtime(
      '<match **>\n  @type flaky\n  fail_times 1\n</match>\n<label @ERROR>\n  <match **>\n    @type capture\n    @id errors\n  </match>\n</label>\n',
    )
    expect((await t.post('/e', '{"a":1}')).status).toBe(202)
    expect(events('errors')).toEqual([['e', { a: 1 }]])
  })
})

describe('config errors', () => {
  it.each([
    [
      'an output the edge does not have',
      '<match **>\n  @type file\n  path /tmp/x\n</match>',
      /unknown output plugin 'file'.*available: capture, copy, flaky, forward, http, label_router, null, queue, relabel, rewrite_tag_filter/s,
    ],
    [
      'a second source',
      '<source>\n  @type http\n</source>\n<source>\n  @type http\n</source>\n<match **>\n  @type null\n</match>',
      /one <source @type http>/,
    ],
    [
      'an input the edge cannot run',
      '<source>\n  @type forward\n</source>\n<match **>\n  @type null\n</match>',
      /unknown input plugin 'forward'/,
    ],
    ['a misspelt required parameter', '<match **>\n  @type http\n  endpoit https://x.example\n</match>', /missing required param endpoint/],
    [
      'a plugin sluice does not implement',
      '<match **>\n  @type elasticsearch\n</match>',
      /sluice does not implement output plugin 'elasticsearch' \(fluent-plugin-elasticsearch\)/,
    ],
    [
      'a JSON model with a bad field',
      '{"version":1,"root":{"name":"ROOT","arg":"","params":{},"elements":[],"extra":1}}',
      /unknown field "extra"/,
    ],
    ['bad .conf text', '<match **>\n  @type null\n', /match/],
  ])('refuses %s: 500 on every request, 503 on /healthz', async (_what, config, error) => {
    const t = await runtime(config)
    expect(t.runtime.errors.join('\n')).toMatch(error)
    const res = await t.post('/a', '{}')
    expect(res.status).toBe(500)
    expect(((await res.json()) as { error: string }).error).toMatch(/^the edge config is invalid/)
    const health = await t.runtime.app.request('/healthz')
    expect(health.status).toBe(503)
    expect(((await health.json()) as { errors: string[] }).errors.join('\n')).toMatch(error)
  })
})
