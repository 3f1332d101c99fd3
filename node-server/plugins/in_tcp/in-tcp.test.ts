/**
 * @module in_tcp over real sockets on port 0: lines parsed and tagged, CRLF senders keep "\r"
 * (Fluentd), source keys, `<extract> tag_key`, message_length_limit (a long line dropped, an
 * unfinished one discarded up to the next delimiter — per connection), a peer that never finishes
 * its line closed at frame_timeout with one log line while others are served, backpressure (the
 * socket paused while an emit waits), one parser stream per connection, the `<security><client>`
 * allow-list, TLS with certificates made by openssl, and `pattern not matched`.
 */

import { connect as tlsConnect } from 'node:tls'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { captures } from '../../../test/helpers/capture-output.ts'
import { startAgent, type TestAgent } from '../../../test/helpers/agent.ts'
import { makeCertificates, type TestCertificates } from '../../tls/testing.ts'
import { gateOutput, gates, rawClient, TEST_PARSERS, waitUntil, type RawClient } from '../../net/testing.ts'
import { inTcp, type TcpInput } from './index.ts'

let running: TestAgent | null = null
const clients: RawClient[] = []
afterEach(async () => {
  for (const c of clients.splice(0)) c.socket.destroy()
  for (const gate of gates.values()) for (const p of gate.pending) p.resolve()
  gates.clear()
  await running?.stop()
  running = null
})

async function start(
  source: string,
  match = '<match **>\n  @type capture\n  @id out\n</match>\n',
): Promise<{ input: TcpInput; port: number }> {
  running = await startAgent(`<source>\n  @type tcp\n  @id in\n  port 0\n  bind 127.0.0.1\n${source}</source>\n${match}`, [
    inTcp,
    gateOutput,
    ...TEST_PARSERS,
  ])
  const input = running.agent.plugins.find((p) => p.id === 'in')!.plugin as TcpInput
  return { input, port: input.address().port }
}

async function client(port: number): Promise<RawClient> {
  const c = await rawClient(port)
  clients.push(c)
  return c
}

const out = () => captures.get('out')!
const logsMatching = (re: RegExp) => running!.logs.filter((l) => re.test(l.message))

describe('in_tcp', () => {
  it('parses each line, keeps the "\\r" of CRLF senders, adds the source keys', async () => {
    const { port } = await start(
      '  tag app.tcp\n  source_address_key addr\n  source_hostname_key host\n  <parse>\n    @type test_none\n  </parse>\n',
    )
    const c = await client(port)
    await c.write('first\r\nsec')
    await c.write('ond\nthird\n')
    const events = await out().waitFor(3)
    expect(events.map((e) => [e.tag, e.record])).toEqual([
      ['app.tcp', { message: 'first\r', addr: '127.0.0.1', host: 'localhost' }],
      ['app.tcp', { message: 'second', addr: '127.0.0.1', host: 'localhost' }],
      ['app.tcp', { message: 'third', addr: '127.0.0.1', host: 'localhost' }],
    ])
  })

  it('edits records written as msgpack bytes: <extract> tag_key takes the tag and the key leaves the record', async () => {
    const { port } = await start(
      '  tag fallback\n  source_address_key addr\n  <parse>\n    @type test_json\n  </parse>\n  <extract>\n    tag_key t\n  </extract>\n',
    )
    const c = await client(port)
    await c.write('{"t":"a.b","n":1}\n{"n":2}\n{"addr":"kept in place","t":7,"n":3}\n')
    const events = await out().waitFor(3)
    expect(events.map((e) => [e.tag, e.record])).toEqual([
      ['a.b', { n: 1, addr: '127.0.0.1' }],
      ['fallback', { n: 2, addr: '127.0.0.1' }],
      ['7', { addr: '127.0.0.1', n: 3 }],
    ])
  })

  it('drops a line over message_length_limit, discards an unfinished one up to its delimiter, and keeps each connection apart', async () => {
    const { port } = await start('  tag t\n  message_length_limit 8\n  <parse>\n    @type test_none\n  </parse>\n')
    const a = await client(port)
    const b = await client(port)
    await a.write('ok-1\nmuch-too-long\nok-2\n')
    await a.write('0123456789abcdef') // outgrows the limit before its delimiter
    await b.write('b-1\nb-')
    await a.write('still the long one\nok-3\n')
    await b.write('2\n')
    const events = await out().waitFor(5)
    expect(events.map((e) => e.record.message).sort()).toEqual(['b-1', 'b-2', 'ok-1', 'ok-2', 'ok-3'])
    const dropped = logsMatching(/larger than 'message_length_limit'/)
    expect(dropped.map((l) => l.fields.size)).toEqual([13, 34])
    expect(running!.agent.plugins.find((p) => p.id === 'in')!.metrics.dropped).toBe(2)
  })

  it('closes a peer that never finishes its line at frame_timeout (one log line) and keeps serving others', async () => {
    const { port } = await start('  tag t\n  frame_timeout 0.3\n  <parse>\n    @type test_none\n  </parse>\n')
    const slow = await client(port)
    await slow.write('done\nnever ends')
    const other = await client(port)
    await other.write('x\n')
    await slow.waitForClose()
    await other.write('y\n')
    await out().waitFor(3)
    expect(out().events.map((e) => e.record.message)).toEqual(['done', 'x', 'y'])
    const lines = logsMatching(/frame_timeout/)
    expect(lines).toHaveLength(1)
    expect(lines[0].fields).toMatchObject({ bytes: 10, head: Buffer.from('never ends').toString('base64') })
    expect(other.closed).toBe(false)
  })

  it('pauses the socket while an emit waits and reads on once it resolved', async () => {
    const { input, port } = await start(
      '  tag t\n  <parse>\n    @type test_none\n  </parse>\n',
      '<match **>\n  @type gate\n  @id gate\n</match>\n',
    )
    const gate = gates.get('gate')!
    const c = await client(port)
    await c.write('a\n')
    await waitUntil(() => gate.pending.length === 1, 'the first emit')
    await c.write('b\n')
    await waitUntil(() => input.connectionInfo()[0]?.paused === true, 'the socket to pause')
    expect(gate.pending).toHaveLength(1)
    gate.pending.shift()!.resolve()
    await waitUntil(() => gate.pending.length === 1, 'the second emit')
    gate.pending.shift()!.resolve()
    await waitUntil(() => input.connectionInfo()[0]?.paused === false, 'the socket to resume')
    expect(gate.accepted.map((s) => s.count)).toEqual([1, 1])
  })

  it('gives a line-joining parser one stream per connection, flushed when the connection ends', async () => {
    const { port } = await start('  tag t\n  <parse>\n    @type test_join\n  </parse>\n')
    const a = await client(port)
    const b = await client(port)
    await a.write('A1\n')
    await b.write('B1\n')
    await a.write(' a-more\n')
    await b.write(' b-more\nB2\n')
    await a.write('A2\n')
    a.end()
    b.end()
    await out().waitFor(4)
    expect(
      out()
        .events.map((e) => e.record.message)
        .sort(),
    ).toEqual(['A1\na-more', 'A2', 'B1\nb-more', 'B2'])
  })

  it('admits only <security><client> addresses', async () => {
    const { port } = await start(
      '  tag t\n  <parse>\n    @type test_none\n  </parse>\n  <security>\n    <client>\n      network 10.0.0.0/8\n    </client>\n  </security>\n',
    )
    const c = await client(port)
    await c.waitForClose()
    expect(logsMatching(/anonymous client '127.0.0.1' denied/)).toHaveLength(1)
    await running!.stop()
    running = null
    const allowed = await start(
      '  tag t\n  <parse>\n    @type test_none\n  </parse>\n  <security>\n    <client>\n      host 127.0.0.1\n    </client>\n  </security>\n',
    )
    const d = await client(allowed.port)
    await d.write('hello\n')
    expect((await out().waitFor(1))[0].record).toEqual({ message: 'hello' })
  })

  it('logs and drops a line the parser does not match', async () => {
    const { port } = await start('  tag t\n  <parse>\n    @type test_json\n  </parse>\n')
    const c = await client(port)
    await c.write('not json\n{"ok":true}\n')
    await out().waitFor(1)
    expect(out().events.map((e) => e.record)).toEqual([{ ok: true }])
    expect(logsMatching(/^pattern not matched$/).map((l) => l.fields.message)).toEqual(['not json'])
  })

  it('refuses config errors with Fluentd messages', async () => {
    await expect(start('  tag t\n')).rejects.toThrow(/missing required section <parse>/)
    await expect(
      start(
        '  tag t\n  <parse>\n    @type test_none\n  </parse>\n  <security>\n    <client>\n      network 10.0.0.300\n    </client>\n  </security>\n',
      ),
    ).rejects.toThrow(/network '10.0.0.300' address format is invalid/)
    await expect(start('  tag t\n  delimiter ""\n  <parse>\n    @type test_none\n  </parse>\n')).rejects.toThrow(
      /delimiter must not be empty/,
    )
  })
})

describe('in_tcp over TLS', () => {
  let certs: TestCertificates
  beforeAll(() => {
    certs = makeCertificates()
  })
  afterAll(() => certs.remove())

  it('reads lines inside TLS and refuses a plaintext client with one log line', async () => {
    const { port } = await start(
      `  tag t\n  <parse>\n    @type test_none\n  </parse>\n  <transport tls>\n    cert_path ${certs.serverCert}\n    private_key_path ${certs.serverKey}\n  </transport>\n`,
    )
    const plain = await client(port)
    await plain.write('plain text\n')
    await plain.waitForClose()
    expect(logsMatching(/TLS handshake failed/)).toHaveLength(1)
    const secure = tlsConnect({ host: '127.0.0.1', port, ca: certs.read(certs.ca), servername: 'localhost' })
    await new Promise<void>((resolve, reject) => secure.once('secureConnect', resolve).once('error', reject))
    secure.write('over tls\n')
    expect((await out().waitFor(1))[0].record).toEqual({ message: 'over tls' })
    secure.destroy()
  })
})

describe('in_tcp v0.12 configs', () => {
  it('reads a flat format (and delimiter) as <parse>, as Fluentd does', async () => {
    const { port } = await start('  tag t\n  format test_none\n  delimiter "\\r\\n"\n')
    const c = await client(port)
    await c.write('a\r\nb\r\n')
    await out().waitFor(2)
    expect(out().events.map((e) => e.record)).toEqual([{ message: 'a' }, { message: 'b' }])
  })
})
