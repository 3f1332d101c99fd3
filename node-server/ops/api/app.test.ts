/**
 * @module The API app in process (hono's app.request): monitor_agent query flags, the LTSV list,
 * process facts, /healthz by daemon state, Prometheus gauges from status(), secrets masked.
 */

import { afterEach, describe, expect, it } from 'vitest'
import { startAgent, type TestAgent } from '../../../test/helpers/agent.ts'
import { captureOutput } from '../../../test/helpers/capture-output.ts'
import type { PluginSpec } from '../../../engine/plugin.ts'
import { PluginRegistry } from '../../../engine/plugin.ts'
import { createApiApp, type ApiSource } from './app.ts'

const buffered: PluginSpec<'output'> = {
  name: 'buffered_test',
  kind: 'output',
  description: 'an output with status()',
  schema: { params: [{ name: 'api_key', type: 'string', secret: true, description: 'secret' }] },
  runtimes: ['node'],
  create: (ctx) => ({
    emit: (s) => {
      ctx.metrics.eventsIn += s.count
    },
    status: () => ({
      buffer_queue_length: 3,
      buffer_total_queued_size: 4096,
      retry_count: 2,
      retry: { steps: 2, next_time: 123 },
      note: 'text',
    }),
  }),
}
const broken: PluginSpec<'output'> = {
  name: 'broken_status',
  kind: 'output',
  description: 'status throws',
  schema: { params: [] },
  runtimes: ['node'],
  create: () => ({
    emit: () => {},
    status: () => {
      throw new Error('boom')
    },
  }),
}

let running: TestAgent | null = null
afterEach(async () => {
  await running?.stop()
  running = null
})

async function app(state = 'running') {
  running = await startAgent(
    `
<match a.**>
  @type buffered_test
  @id out_a
  api_key s3cr3t
</match>
<match b.**>
  @type broken_status
  @id out_b
</match>
<match **>
  @type capture
  @id cap
</match>`,
    [buffered, broken],
  )
  const registry = new PluginRegistry().register(buffered, broken, captureOutput)
  const source: ApiSource = {
    state: () => state,
    agent: () => running!.agent,
    registry,
    info: () => ({
      version: '9.9.9',
      startedAt: Date.now() - 5000,
      generation: 3,
      reloads: { succeeded: 2, failed: 1 },
      configPath: '/etc/fluent.conf',
      logPath: null,
      pluginDirs: [],
    }),
  }
  return createApiApp(source)
}

describe('API app', () => {
  it('lists plugins like monitor_agent, with status() fields and masked secrets', async () => {
    const a = await app()
    const body = (await (await a.request('/api/plugins.json')).json()) as { plugins: Record<string, unknown>[] }
    const outA = body.plugins.find((p) => p.plugin_id === 'out_a')!
    expect(outA).toMatchObject({
      plugin_category: 'output',
      type: 'buffered_test',
      output_plugin: true,
      retry_count: 2,
      buffer_queue_length: 3,
      buffer_total_queued_size: 4096,
      retry: { steps: 2, next_time: 123 },
      config: { '@type': 'buffered_test', '@id': 'out_a', api_key: 'xxxxxx' },
    })
    expect(body.plugins.find((p) => p.plugin_id === 'out_b')!.status_error).toBe('boom')
  })

  it('filters by @id and type and drops config and retry on request', async () => {
    const a = await app()
    const one = (await (await a.request('/api/plugins.json?@id=out_a&with_config=false&with_retry=false')).json()) as {
      plugins: Record<string, unknown>[]
    }
    expect(one.plugins).toHaveLength(1)
    expect(one.plugins[0].config).toBeUndefined()
    expect(one.plugins[0].retry).toBeUndefined()
    const byType = (await (await a.request('/api/plugins.json?type=capture')).json()) as { plugins: Record<string, unknown>[] }
    expect(byType.plugins.map((p) => p.plugin_id)).toEqual(['cap'])
  })

  it('serves the LTSV list and the process facts', async () => {
    const a = await app()
    const ltsv = await (await a.request('/api/plugins')).text()
    expect(ltsv.split('\n')[0]).toBe('plugin_id:out_a\tplugin_category:output\ttype:buffered_test\toutput_plugin:true\tretry_count:0')
    const config = await (await a.request('/api/config.json')).json()
    expect(config).toMatchObject({
      pid: process.pid,
      config_path: '/etc/fluent.conf',
      workers: 1,
      version: '9.9.9',
      generation: 3,
      state: 'running',
    })
  })

  it('exports gauges from status() next to the counters', async () => {
    const a = await app()
    const res = await a.request('/metrics')
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
    const text = await res.text()
    expect(text).toContain('# TYPE sluice_output_buffer_queue_length gauge')
    expect(text).toContain('sluice_output_buffer_queue_length{plugin_id="out_a",type="buffered_test"} 3')
    expect(text).not.toContain('sluice_output_retry_count')
    expect(text).not.toContain('sluice_output_note')
    expect(text).toContain('sluice_reloads_total{result="failed"} 1')
    expect(text).toContain('sluice_events_in_total{plugin_id="cap",type="capture",kind="output"} 0')
  })

  it("also serves the agent's Prometheus registry (fluent-plugin-prometheus metrics)", async () => {
    const a = await app()
    running!.agent.prometheus
      .counter('fluentd_input_status_num_records_total', 'The total number of incoming records')
      .increment(3, { tag: 'a' })
    const text = await (await a.request('/metrics')).text()
    expect(text).toContain(
      '# TYPE fluentd_input_status_num_records_total counter\n# HELP fluentd_input_status_num_records_total The total number of incoming records\nfluentd_input_status_num_records_total{tag="a"} 3.0\n',
    )
  })

  it('answers /healthz 200 while running or reloading and 503 otherwise', async () => {
    for (const [state, status] of [
      ['running', 200],
      ['reloading', 200],
      ['starting', 503],
      ['stopping', 503],
    ] as const) {
      const a = await app(state)
      const res = await a.request('/healthz')
      expect(res.status).toBe(status)
      expect(await res.json()).toMatchObject({ status: state, generation: 3 })
      await running!.stop()
      running = null
    }
  })
})
