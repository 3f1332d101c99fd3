/**
 * @module sluice out_syslog → sluice in_syslog: over TCP (octet counting), UDP and TLS (RFC 5425,
 * certificates made by openssl, the server verified against its CA), with Fluentd's severity and
 * facility names read back (`warn`, `audit`); a chunk stays in the buffer while the server is down
 * and is delivered once it listens again (syslog has no acknowledgement: delivered = written).
 */

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { captures } from '../../../test/helpers/capture-output.ts'
import { startAgent, type TestAgent } from '../../../test/helpers/agent.ts'
import { EventTime } from '../../../engine/event-time.ts'
import { streamFromEvents } from '../../../engine/event-stream.ts'
import { waitUntil } from '../../../engine/output/testing.ts'
import { makeCertificates, type TestCertificates } from '../../tls/testing.ts'
import { inSyslog, type SyslogInput } from '../in_syslog/index.ts'
import { parserSyslog } from '../../../engine/plugins/parser_syslog/index.ts'
import { outSyslog, type SyslogOutput } from './index.ts'

let certs: TestCertificates
beforeAll(() => {
  certs = makeCertificates()
})
afterAll(() => certs.remove())

const agents: TestAgent[] = []
afterEach(async () => {
  for (const a of agents.splice(0).reverse()) await a.stop()
})

async function receiver(transport: string, port = 0): Promise<{ port: number; agent: TestAgent }> {
  const agent = await startAgent(
    `<source>\n  @type syslog\n  @id in\n  port ${port}\n  bind 127.0.0.1\n  tag sys\n  severity_key severity\n  facility_key facility\n${transport}  <parse>\n    message_format rfc5424\n  </parse>\n</source>\n<match sys.**>\n  @type capture\n  @id received\n</match>\n`,
    [inSyslog, parserSyslog],
  )
  agents.push(agent)
  return { port: (agent.agent.plugins.find((p) => p.id === 'in')!.plugin as SyslogInput).address().port, agent }
}

async function sender(params: string): Promise<TestAgent> {
  const agent = await startAgent(
    `<match **>\n  @type syslog\n  @id out\n  host 127.0.0.1\n${params}  syslog_appname_key app\n  syslog_severity_key level\n  syslog_facility_key facility\n  syslog_message_key message\n  syslog_sd_key sd\n  <buffer>\n    flush_mode immediate\n    retry_wait 0.05\n    retry_randomize false\n  </buffer>\n</match>\n`,
    [outSyslog],
  )
  agents.push(agent)
  return agent
}

const time = new EventTime(1704164645, 678_901_234)
const records = [
  { app: 'web', level: 'warn', facility: 'audit', message: 'first', sd: { 'req@1': 'a"b' } },
  { app: 'db', level: 'err', facility: 'local2', message: 'zweite Zeile — ünïcödé' },
]
const received = () => captures.get('received')!

async function roundTrip(transport: string, params: (port: number) => string): Promise<void> {
  const { port } = await receiver(transport)
  const out = await sender(params(port))
  await out.agent.root.emit(
    streamFromEvents(
      'app.x',
      records.map((record) => ({ time, record })),
    ),
  )
  const events = await received().waitFor(2)
  // Fluentd's syslog parser keeps the BOM that starts an RFC 5424 MSG in `message`.
  expect(events.map((e) => [e.tag, e.record.ident, e.record.message, e.record.severity, e.record.facility])).toEqual([
    ['sys.audit.warn', 'web', '\ufefffirst', 'warn', 'audit'],
    ['sys.local2.err', 'db', '\ufeffzweite Zeile — ünïcödé', 'err', 'local2'],
  ])
  expect(events[0].record.extradata).toBe('[sd req@1="a\\"b"]')
  expect(events[0].time).toMatchObject({ sec: 1704164645, nsec: 678_901_000 })
}

describe('out_syslog → in_syslog', () => {
  it('TCP with octet counting', async () => {
    await roundTrip('  <transport tcp>\n  </transport>\n', (port) => `  port ${port}\n  mode tcp\n`)
  })

  it('UDP', async () => {
    await roundTrip('', (port) => `  port ${port}\n`)
  })

  it('TLS (RFC 5425), the server certificate verified against its CA', async () => {
    await roundTrip(
      `  <transport tls>\n    cert_path ${certs.serverCert}\n    private_key_path ${certs.serverKey}\n  </transport>\n`,
      (port) => `  port ${port}\n  mode tls\n  tls_ca_cert_path ${certs.ca}\n`,
    )
  })

  it('TLS refuses a server its CA did not sign (the chunk stays and is retried)', async () => {
    const { port } = await receiver(
      `  <transport tls>\n    cert_path ${certs.selfSignedCert}\n    private_key_path ${certs.selfSignedKey}\n  </transport>\n`,
    )
    const out = await sender(`  port ${port}\n  mode tls\n  tls_ca_cert_path ${certs.ca}\n`)
    await out.agent.root.emit(streamFromEvents('app.x', [{ time, record: records[0] }]))
    await waitUntil(() => out.logs.some((l) => /not trusted/.test(JSON.stringify(l))), 'the refusal in the log', 10_000)
    expect(captures.get('received')?.events ?? []).toEqual([])
  })

  it('keeps a chunk while the server is down and delivers it when the server is back', async () => {
    const first = await receiver('  <transport tcp>\n  </transport>\n')
    const port = first.port
    await first.agent.stop()
    agents.splice(agents.indexOf(first.agent), 1)
    const out = await sender(`  port ${port}\n  mode tcp\n`)
    await out.agent.root.emit(streamFromEvents('app.x', [{ time, record: records[0] }]))
    const output = out.agent.plugins.find((p) => p.id === 'out')!
    await waitUntil(() => output.metrics.retries + output.metrics.errors > 0 || out.logs.some((l) => l.level === 'warn'), 'a failed write')
    expect((output.plugin as SyslogOutput).status()).toMatchObject({ buffer_queue_length: 1 })
    await receiver('  <transport tcp>\n  </transport>\n', port)
    const [event] = await received().waitFor(1)
    expect(event.tag).toBe('sys.audit.warn')
    await waitUntil(() => (output.plugin as SyslogOutput).status().buffer_queue_length === 0, 'the chunk to leave the buffer')
  })
})

describe('out_syslog over UDP to a port where nothing listens', () => {
  it('logs that the datagrams were refused (rate-limited) and fails no chunk for it', async () => {
    const { port, agent } = await receiver('')
    await agent.stop()
    agents.splice(agents.indexOf(agent), 1)
    const out = await sender(`  port ${port}\n`)
    const emit = () => out.agent.root.emit(streamFromEvents('app.x', [{ time, record: records[0] }]))
    await waitUntil(
      async () => {
        await emit()
        return out.logs.some((l) => /refuses UDP datagrams/.test(l.message))
      },
      'the refusal in the log',
      10_000,
    )
    // UDP has no delivery guarantee: no chunk is held back for it (resending would not help).
    expect(out.logs.filter((l) => /Failed to flush/.test(l.message))).toEqual([])
  })
})
