/**
 * @module out_syslog into Debian's rsyslog (a real syslog server, installed by the test when
 * absent): RFC 5424 over TCP with octet counting (a message with a newline arrives whole) and with
 * traditional LF framing, RFC 5424 and RFC 3164 over UDP — rsyslog's raw message is exactly the
 * line sluice wrote, and rsyslog's own parser reads back PRI, HOSTNAME, APP-NAME, PROCID, MSGID,
 * STRUCTURED-DATA and MSG.
 */

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startAgent, type TestAgent } from '../../../test/helpers/agent.ts'
import { EventTime } from '../../../engine/event-time.ts'
import { streamFromEvents } from '../../../engine/event-stream.ts'
import { outSyslog } from './index.ts'
import { type Rsyslog, startRsyslog } from './testing.ts'

let rsyslog: Rsyslog
beforeAll(async () => {
  rsyslog = await startRsyslog()
}, 180_000)
afterAll(async () => {
  await rsyslog?.stop()
})

let running: TestAgent | null = null
afterEach(async () => {
  await running?.stop()
  running = null
})

const KEYS = [
  'syslog_hostname_key host',
  'syslog_appname_key app',
  'syslog_procid_key pid',
  'syslog_msgid_key msgid',
  'syslog_severity_key level',
  'syslog_facility_key facility',
  'syslog_sd_key meta',
  'syslog_message_key message',
]

async function send(params: string[], records: Record<string, unknown>[]): Promise<void> {
  running = await startAgent(
    `<match **>\n  @type syslog\n  host 127.0.0.1\n${params.map((p) => `  ${p}\n`).join('')}  <buffer>\n    flush_mode immediate\n  </buffer>\n</match>\n`,
    [outSyslog],
  )
  // 2024-01-02T03:04:05.678901Z
  const time = new EventTime(1704164645, 678_901_234)
  await running.agent.root.emit(
    streamFromEvents(
      'app.web',
      records.map((record) => ({ time, record })),
    ),
  )
}

const BOM = '\xef\xbb\xbf'
const newSince = (before: number) => rsyslog.received().slice(before)

describe('out_syslog → rsyslog', () => {
  it('TCP, RFC 5424, octet counting (the default): raw bytes and fields as rsyslog parses them', async () => {
    const before = rsyslog.received().length
    await send(
      [`port ${rsyslog.tcpPort}`, 'mode tcp', ...KEYS],
      [
        {
          host: 'web-1',
          app: 'nginx',
          pid: 1234,
          msgid: 'ACCESS',
          level: 'warning',
          facility: 'local4',
          meta: { ip: '10.0.0.1', 'quote"d': 'a]b' },
          message: 'GET / 200',
        },
        { app: 'multi', message: 'line one\nline two' },
      ],
    )
    await rsyslog.waitFor(before + 2)
    const [first, second] = newSince(before)
    expect(first.raw).toBe(
      `<164>1 2024-01-02T03:04:05.678901Z web-1 nginx 1234 ACCESS [meta ip="10.0.0.1" quote_d="a\\]b"] ${BOM}GET / 200`,
    )
    expect(first).toMatchObject({
      pri: '164',
      hostname: 'web-1',
      appName: 'nginx',
      procid: '1234',
      msgid: 'ACCESS',
      structuredData: '[meta ip="10.0.0.1" quote_d="a\\]b"]',
    })
    expect(first.msg.endsWith('GET / 200')).toBe(true)
    // One octet-counted frame, newline and all (rsyslog escapes control characters as #012).
    expect(second.appName).toBe('multi')
    expect(second.msg).toMatch(/line one(#012|\n)line two$/)
  })

  it('TCP with frame_type traditional: each message ends with LF (Fluent Bit)', async () => {
    const before = rsyslog.received().length
    await send(
      [`port ${rsyslog.tcpPort}`, 'mode tcp', 'frame_type traditional', ...KEYS],
      [{ message: 'one' }, { message: 'two', app: 'b' }],
    )
    await rsyslog.waitFor(before + 2)
    expect(newSince(before).map((r) => [r.pri, r.appName, r.raw])).toEqual([
      ['14', '-', `<14>1 2024-01-02T03:04:05.678901Z - - - - - ${BOM}one`],
      ['14', 'b', `<14>1 2024-01-02T03:04:05.678901Z - b - - - ${BOM}two`],
    ])
  })

  it('UDP (the default mode): one datagram per message, RFC 5424 and RFC 3164', async () => {
    const before = rsyslog.received().length
    await send([`port ${rsyslog.udpPort}`, ...KEYS], [{ message: 'over udp', level: 3, app: 'u' }])
    await rsyslog.waitFor(before + 1)
    await running!.stop()
    running = null
    await send(
      [`port ${rsyslog.udpPort}`, 'syslog_format rfc3164', ...KEYS],
      [{ message: 'old style', host: 'h1', app: 'cron', pid: 7, facility: 'cron' }],
    )
    await rsyslog.waitFor(before + 2)
    const [modern, old] = newSince(before)
    expect(modern.raw).toBe(`<11>1 2024-01-02T03:04:05.678901Z - u - - - ${BOM}over udp`)
    expect(modern).toMatchObject({ pri: '11', appName: 'u' })
    expect(old.raw).toBe('<78>Jan  2 03:04:05 h1 cron[7]: old style')
    // rsyslog keeps the space after "TAG:" in an RFC 3164 MSG.
    expect(old).toMatchObject({ pri: '78', hostname: 'h1', appName: 'cron', procid: '7', msg: ' old style' })
  })
})
