/**
 * @module in_syslog with real syslog clients: util-linux `logger` sends RFC 5424 (octet-counted
 * and traditional) and RFC 3164 messages over TCP and UDP into sluice on port 0, and the events
 * carry `<tag>.<facility>.<severity>` tags with Fluentd's names and the parser's fields. Then the
 * PRI rules (a non-syslog parser gets the message without `<PRI>`, a PRI above 191 leaves the
 * facility empty, a message without PRI is unmatched and emitted as `unmatched_line` when asked),
 * broken octet counting (one log line, that connection closed, the others served), truncation at
 * max_frame_size, and TLS with certificates made by openssl.
 */

import { execFile } from 'node:child_process'
import { createSocket } from 'node:dgram'
import { hostname } from 'node:os'
import { connect as tlsConnect } from 'node:tls'
import { promisify } from 'node:util'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { captures } from '../../../test/helpers/capture-output.ts'
import { startAgent, type TestAgent } from '../../../test/helpers/agent.ts'
import { makeCertificates, type TestCertificates } from '../../tls/testing.ts'
import { rawClient, TEST_PARSERS, type RawClient } from '../../net/testing.ts'
import { inSyslog, type SyslogInput } from './index.ts'
import { parserSyslog } from '../../../engine/plugins/parser_syslog/index.ts'

const execFileAsync = promisify(execFile)

let running: TestAgent | null = null
const clients: RawClient[] = []
afterEach(async () => {
  for (const c of clients.splice(0)) c.socket.destroy()
  await running?.stop()
  running = null
})

async function start(body: string): Promise<number> {
  running = await startAgent(
    `<source>\n  @type syslog\n  @id in\n  port 0\n  bind 127.0.0.1\n  tag sys\n${body}</source>\n<match **>\n  @type capture\n  @id out\n</match>\n`,
    [inSyslog, parserSyslog, ...TEST_PARSERS],
  )
  return (running.agent.plugins.find((p) => p.id === 'in')!.plugin as SyslogInput).address().port
}

const out = () => captures.get('out')!
const logsMatching = (re: RegExp) => running!.logs.filter((l) => re.test(l.message))

function logger(port: number, ...args: string[]): Promise<unknown> {
  return execFileAsync('logger', ['-n', '127.0.0.1', '-P', String(port), ...args])
}

async function client(port: number): Promise<RawClient> {
  const c = await rawClient(port)
  clients.push(c)
  return c
}

const short = hostname().split('.')[0]

// util-linux's logger comes with Debian's essential bsdutils; installed when a slim image lacks it.
beforeAll(async () => {
  try {
    await execFileAsync('logger', ['--version'])
  } catch {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
    await execFileAsync('apt-get', ['update', '-q'], { env, maxBuffer: 16 << 20 })
    await execFileAsync('apt-get', ['install', '-y', '-q', 'bsdutils'], { env, maxBuffer: 16 << 20 })
  }
}, 180_000)

describe('in_syslog with logger (util-linux)', () => {
  it('TCP: RFC 5424 octet-counted and traditional, and RFC 3164, told apart per message (frame_type auto)', async () => {
    const port = await start(
      '  severity_key severity\n  facility_key facility\n  source_address_key addr\n  <transport tcp>\n  </transport>\n  <parse>\n    message_format auto\n  </parse>\n',
    )
    await logger(port, '-T', '--rfc5424', '--octet-count', '-p', 'auth.crit', '-t', 'myapp', '--msgid', 'ID47', 'hello octets')
    await logger(port, '-T', '--rfc5424', '-i', '-p', 'local0.warning', '-t', 'app2', 'hello lines')
    await logger(port, '-T', '--rfc3164', '-p', 'daemon.err', '-t', 'old', 'hello 3164')
    const events = await out().waitFor(3)
    expect(events.map((e) => e.tag).sort()).toEqual(['sys.auth.crit', 'sys.daemon.err', 'sys.local0.warn'])
    const byTag = Object.fromEntries(events.map((e) => [e.tag, e.record]))
    expect(byTag['sys.auth.crit']).toEqual({
      host: hostname(),
      ident: 'myapp',
      pid: '-',
      msgid: 'ID47',
      extradata: '[timeQuality tzKnown="1" isSynced="0"]',
      message: 'hello octets',
      severity: 'crit',
      facility: 'auth',
      addr: '127.0.0.1',
    })
    expect(byTag['sys.local0.warn']).toMatchObject({
      ident: 'app2',
      pid: expect.stringMatching(/^\d+$/),
      message: 'hello lines',
      severity: 'warn',
    })
    expect(byTag['sys.daemon.err']).toEqual({
      host: short,
      ident: 'old',
      message: 'hello 3164',
      severity: 'err',
      facility: 'daemon',
      addr: '127.0.0.1',
    })
    const t = events.find((e) => e.tag === 'sys.auth.crit')!.time
    expect(Math.abs(t.sec - Date.now() / 1000)).toBeLessThan(60)
    expect(t.nsec % 1000).toBe(0) // logger sends microseconds
  })

  it('UDP (the default transport): RFC 3164 and RFC 5424 datagrams', async () => {
    const port = await start('  <parse>\n    message_format auto\n  </parse>\n')
    await logger(port, '-d', '--rfc3164', '-p', 'local3.warning', '-t', 'app', 'udp 3164')
    await logger(port, '-d', '--rfc5424', '-p', 'mail.debug', '-t', 'app', 'udp 5424')
    const events = await out().waitFor(2)
    expect(events.map((e) => [e.tag, e.record.message]).sort()).toEqual([
      ['sys.local3.warn', 'udp 3164'],
      ['sys.mail.debug', 'udp 5424'],
    ])
  })
})

describe('in_syslog PRI handling', () => {
  it('strips <PRI> for a parser that does not read it, and leaves the facility empty above 191', async () => {
    const port = await start('  <transport tcp>\n  </transport>\n  <parse>\n    @type test_none\n  </parse>\n')
    const c = await client(port)
    await c.write('<34>free text\n<200>high\n<13>1 2024-01-01T00:00:00Z h a - - - five four two four\n')
    const events = await out().waitFor(3)
    expect(events.map((e) => [e.tag, e.record])).toEqual([
      ['sys.auth.crit', { message: 'free text' }],
      ['sys..emerg', { message: 'high' }],
      ['sys.user.notice', { message: '1 2024-01-01T00:00:00Z h a - - - five four two four' }],
    ])
  })

  it('logs a message without PRI or that does not parse, and emits it as unmatched_line when asked', async () => {
    const port = await start('  emit_unmatched_lines true\n  source_address_key addr\n  <transport tcp>\n  </transport>\n')
    const c = await client(port)
    await c.write('no pri here\n<13>not a syslog line\n<13>Jan  1 00:00:00 host tag: fine\n')
    const events = await out().waitFor(3)
    expect(events.map((e) => [e.tag, e.record])).toEqual([
      ['sys.unmatched', { unmatched_line: 'no pri here', addr: '127.0.0.1' }],
      ['sys.unmatched', { unmatched_line: '<13>not a syslog line', addr: '127.0.0.1' }],
      ['sys.user.notice', { host: 'host', ident: 'tag', message: 'fine', addr: '127.0.0.1' }],
    ])
    expect(logsMatching(/^failed to parse message$/).map((l) => l.fields.data)).toEqual(['no pri here', '<13>not a syslog line'])
  })

  it('without the syslog parser reading it, a message without <PRI> is an invalid syslog message', async () => {
    const port = await start('  <transport tcp>\n  </transport>\n  <parse>\n    @type test_none\n  </parse>\n')
    const c = await client(port)
    await c.write('no pri\n<14>ok\n')
    await out().waitFor(1)
    expect(out().events.map((e) => e.record)).toEqual([{ message: 'ok' }])
    expect(logsMatching(/^invalid syslog message$/).map((l) => l.fields.data)).toEqual(['no pri'])
  })
})

describe('in_syslog v0.12 configs', () => {
  it('reads flat parser params (message_format) as <parse> and protocol_type as the transport, as Fluentd does', async () => {
    const port = await start('  protocol_type tcp\n  message_format rfc5424\n')
    const c = await client(port)
    await c.write('<13>1 2024-01-01T00:00:00Z host app 1 - - flat\n')
    const [event] = await out().waitFor(1)
    expect([event.tag, event.record.ident, event.record.message]).toEqual(['sys.user.notice', 'app', 'flat'])
    expect(event.time.sec).toBe(1704067200)
  })
})

describe('in_syslog framing limits', () => {
  it('frame_type octet_count: a stream that is not octet counted closes that connection with one log line', async () => {
    const port = await start('  frame_type octet_count\n  <transport tcp>\n  </transport>\n  <parse>\n    @type test_none\n  </parse>\n')
    const bad = await client(port)
    const good = await client(port)
    await bad.write('4 <1>a<13>plain line\n')
    await bad.waitForClose()
    await good.write('6 <14>ok')
    await out().waitFor(2)
    expect(out().events.map((e) => e.record.message)).toEqual(['a', 'ok'])
    const lines = logsMatching(/Cannot frame the input/)
    expect(lines).toHaveLength(1)
    expect(lines[0].fields.error).toMatch(/expected MSG-LEN/)
    expect(good.closed).toBe(false)
  })

  it('truncates a message longer than max_frame_size and reads the next one whole', async () => {
    const port = await start('  max_frame_size 12\n  <transport tcp>\n  </transport>\n  <parse>\n    @type test_none\n  </parse>\n')
    const c = await client(port)
    await c.write('20 <14>0123456789abcdef<14>line that is long\n<14>short\n')
    await out().waitFor(3)
    expect(out().events.map((e) => e.record.message)).toEqual(['01234567', 'line tha', 'short'])
    expect(logsMatching(/longer than max_frame_size/).map((l) => l.fields.size)).toEqual([20, 21])
  })

  it('UDP: a datagram is cut at message_length_limit', async () => {
    const port = await start('  message_length_limit 10\n  <parse>\n    @type test_none\n  </parse>\n')
    const udp = createSocket('udp4')
    await new Promise<void>((resolve, reject) => udp.send('<14>0123456789\n', port, '127.0.0.1', (err) => (err ? reject(err) : resolve())))
    udp.close()
    expect((await out().waitFor(1))[0].record).toEqual({ message: '012345' })
  })
})

describe('in_syslog over TLS (RFC 5425)', () => {
  let certs: TestCertificates
  beforeAll(() => {
    certs = makeCertificates()
  })
  afterAll(() => certs.remove())

  it('reads octet-counted messages inside TLS', async () => {
    const port = await start(
      `  <transport tls>\n    cert_path ${certs.serverCert}\n    private_key_path ${certs.serverKey}\n  </transport>\n  <parse>\n    message_format rfc5424\n  </parse>\n`,
    )
    const secure = tlsConnect({ host: '127.0.0.1', port, ca: certs.read(certs.ca), servername: 'localhost' })
    await new Promise<void>((resolve, reject) => secure.once('secureConnect', resolve).once('error', reject))
    const msg = '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3"] An application event'
    secure.write(`${Buffer.byteLength(msg)} ${msg}`)
    const [event] = await out().waitFor(1)
    secure.destroy()
    expect(event.tag).toBe('sys.local4.notice')
    expect(event.time).toMatchObject({ sec: 1065910455, nsec: 3_000_000 })
    expect(event.record).toEqual({
      host: 'mymachine.example.com',
      ident: 'evntslog',
      pid: '-',
      msgid: 'ID47',
      extradata: '[exampleSDID@32473 iut="3"]',
      message: 'An application event',
    })
  })
})
