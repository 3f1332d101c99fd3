/**
 * @module in_prometheus and the monitors on a real HTTP server (port 0), after
 * fluent-plugin-prometheus's in_prometheus / monitor specs: /metrics in the 0.0.4 text format with
 * its content type and encoding (gzip), /aggregated_metrics, 404s, a `<filter @type prometheus>`
 * feeding it, and prometheus_monitor / prometheus_output_monitor exporting a buffered output.
 */

import { request } from 'node:http'
import { gunzipSync } from 'node:zlib'
import { afterEach, describe, expect, it } from 'vitest'
import { checkSchema } from '../../../engine/config/schema.ts'
import { streamFromEvents } from '../../../engine/event-stream.ts'
import { EventTime } from '../../../engine/event-time.ts'
import { waitUntil } from '../../../engine/output/testing.ts'
import { filterPrometheus } from '../../../engine/plugins/filter_prometheus/index.ts'
import { outNull } from '../../../engine/plugins/out_null/index.ts'
import { aggregateExpositions } from '../../../engine/prometheus/aggregate.ts'
import { startAgent, type TestAgent } from '../../../test/helpers/agent.ts'
import { inPrometheusMonitor } from '../in_prometheus_monitor/index.ts'
import { inPrometheusOutputMonitor } from '../in_prometheus_output_monitor/index.ts'
import { inPrometheus, type PrometheusInput } from './index.ts'

let running: TestAgent | null = null
afterEach(async () => {
  await running?.stop()
  running = null
})

function get(
  port: number,
  path: string,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET' }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }))
    })
    req.on('error', reject)
    req.end()
  })
}

const portOf = (r: TestAgent) =>
  (r.agent.plugins.find((p) => p.type === 'prometheus' && p.kind === 'input')!.plugin as PrometheusInput).address()!.port

const FILTER = `<filter app.**>
  @type prometheus
  <metric>
    name fluentd_input_status_num_records_total
    type counter
    desc The total number of incoming records
    <labels>
      tag \${tag}
      hostname \${hostname}
    </labels>
  </metric>
</filter>
<match app.**>
  @type null
</match>
`

describe('in_prometheus', () => {
  it('has valid schemas', () => {
    for (const spec of [inPrometheus, inPrometheusMonitor, inPrometheusOutputMonitor]) expect(checkSchema(spec.schema)).toEqual([])
  })

  it('serves the metrics the prometheus filter records, in the 0.0.4 text format', async () => {
    running = await startAgent(`<source>\n  @type prometheus\n  bind 127.0.0.1\n  port 0\n</source>\n${FILTER}`, [
      inPrometheus,
      filterPrometheus,
      outNull,
    ])
    const T = new EventTime(1441588984, 0)
    await running.agent.root.emit(
      streamFromEvents('app.web', [
        { time: T, record: {} },
        { time: T, record: {} },
      ]),
    )
    await running.agent.root.emit(streamFromEvents('app.db', [{ time: T, record: {} }]))
    const res = await get(portOf(running), '/metrics')
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toBe('text/plain; version=0.0.4')
    expect(res.headers['content-encoding']).toBe('identity')
    const expected =
      '# TYPE fluentd_input_status_num_records_total counter\n' +
      '# HELP fluentd_input_status_num_records_total The total number of incoming records\n' +
      'fluentd_input_status_num_records_total{tag="app.web",hostname="test-host"} 2.0\n' +
      'fluentd_input_status_num_records_total{tag="app.db",hostname="test-host"} 1.0\n'
    expect(res.body.toString()).toBe(expected)
    const aggregated = await get(portOf(running), '/aggregated_metrics')
    expect(aggregated.body.toString()).toBe(expected)
    expect((await get(portOf(running), '/other')).status).toBe(404)
  })

  it('gzips with content_encoding gzip', async () => {
    running = await startAgent(`<source>\n  @type prometheus\n  bind 127.0.0.1\n  port 0\n  content_encoding gzip\n</source>\n${FILTER}`, [
      inPrometheus,
      filterPrometheus,
      outNull,
    ])
    await running.agent.root.emit(streamFromEvents('app.web', [{ time: new EventTime(1, 0), record: {} }]))
    const res = await get(portOf(running), '/metrics')
    expect(res.headers['content-encoding']).toBe('gzip')
    expect(gunzipSync(res.body).toString()).toContain('fluentd_input_status_num_records_total{tag="app.web",hostname="test-host"} 1.0\n')
  })

  it('refuses TLS, which sluice does not serve yet', async () => {
    await expect(
      startAgent('<source>\n  @type prometheus\n  port 0\n  <transport tls>\n  </transport>\n</source>\n', [inPrometheus]),
    ).rejects.toThrow(/TLS for <source @type prometheus> is not supported/)
  })

  it('merges expositions like the plugin’s aggregator', () => {
    const a = '# TYPE x counter\n# HELP x X.\nx{w="0"} 1.0\n# TYPE y gauge\n# HELP y Y.\ny 2.0\n'
    const b = '# TYPE x counter\n# HELP x X.\nx{w="1"} 3.0\n'
    expect(aggregateExpositions([a, b])).toBe(
      '# TYPE x counter\n# HELP x X.\nx{w="0"} 1.0\nx{w="1"} 3.0\n# TYPE y gauge\n# HELP y Y.\ny 2.0\n',
    )
    expect(aggregateExpositions([''])).toBe('\n')
  })
})

describe('prometheus_monitor and prometheus_output_monitor', () => {
  it('export every plugin’s and every output’s numbers with their labels', async () => {
    running = await startAgent(
      `<source>
  @type prometheus_monitor
  interval 0.05
  <labels>
    host \${hostname}
    foo bar
  </labels>
</source>
<source>
  @type prometheus_output_monitor
  interval 0.05
</source>
<match **>
  @type null
  @id out
  <buffer>
    flush_mode interval
    flush_interval 1h
  </buffer>
</match>
`,
      [inPrometheusMonitor, inPrometheusOutputMonitor, outNull],
    )
    await running.agent.root.emit(streamFromEvents('x', [{ time: new EventTime(1441588984, 0), record: { k: 'v' } }]))
    const text = () => running!.agent.prometheus.text()
    await waitUntil(() => text().includes('fluentd_output_status_emit_records{plugin_id="out",type="null"} 1.0'), 'the output monitor')
    await waitUntil(
      () =>
        text().includes(
          'fluentd_status_buffer_queue_length{host="test-host",foo="bar",plugin_id="out",plugin_category="output",type="null"} 0.0',
        ),
      'the monitor',
    )
    const t = text()
    expect(t).toContain(
      '# TYPE fluentd_status_buffer_total_bytes gauge\n# HELP fluentd_status_buffer_total_bytes Current total size of queued buffers.\n',
    )
    expect(t).toContain('fluentd_status_retry_count{host="test-host",foo="bar",plugin_id="out",plugin_category="output",type="null"} 0.0')
    expect(t).not.toContain('plugin_category="input",type="prometheus_monitor"} ') // inputs have no buffer numbers
    expect(t).toMatch(/fluentd_output_status_buffer_stage_length\{plugin_id="out",type="null"\} 1\.0/)
    expect(t).toContain('fluentd_output_status_num_errors{plugin_id="out",type="null"} 0.0')
    expect(t).toContain('# TYPE fluentd_output_status_flush_time_count gauge')
  })

  it('refuses record accessors in <labels>', async () => {
    await expect(
      startAgent('<source>\n  @type prometheus_monitor\n  <labels>\n    x $.foo.bar\n  </labels>\n</source>\n', [inPrometheusMonitor]),
    ).rejects.toThrow(/record accessor syntax is not available in prometheus_monitor/)
  })
})
