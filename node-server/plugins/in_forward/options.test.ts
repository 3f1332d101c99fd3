/**
 * @module in_forward's options and side channels: tag / add_tag_prefix, source_address_key /
 * source_hostname_key, the UDP heartbeat (§9 case 25), JSON mode beyond case 21, and the config
 * errors (`<security>`, `<transport tls>`, impossible combinations) with file:line.
 */

import { createSocket } from 'node:dgram'
import { afterEach, describe, expect, it } from 'vitest'
import { parseConfig } from '../../../engine/config/parse.ts'
import { buildAgent } from '../../../engine/agent.ts'
import { createLogger } from '../../../engine/log.ts'
import { PluginRegistry } from '../../../engine/plugin.ts'
import { loadCore } from '../../../wasm/load-node.ts'
import { captureOutput } from '../../../test/helpers/capture-output.ts'
import { entry, forward, message, options, record } from '../../../test/helpers/forward-build.ts'
import { cat, eventTime, hex, str, uint } from '../../../test/helpers/msgpack-build.ts'
import { inForward } from './index.ts'
import { startForward, waitUntil, type ForwardHarness } from './testing.ts'

const T = 1441588984
const ack = (chunk: string): Buffer => Buffer.from(cat(hex('81 a3 61 63 6b'), str(chunk)))

let h: ForwardHarness | null = null
afterEach(async () => {
  await h?.stop()
  h = null
})

describe('in_forward options', () => {
  it('replaces the tag (tag) and prefixes it with a dot (add_tag_prefix), both applied like Fluentd', async () => {
    h = await startForward('add_tag_prefix relay')
    const c = await h.client()
    await c.write(message('app.log', uint(T), record({ a: 1 })))
    expect((await h.capture.waitFor(1))[0].tag).toBe('relay.app.log')
    await h.stop()
    h = await startForward('tag fixed\n  add_tag_prefix p')
    const c2 = await h.client()
    await c2.write(message('app.log', uint(T), record({ a: 1 })))
    expect((await h.capture.waitFor(1))[0].tag).toBe('p.fixed')
  })

  it('adds the peer address and host name to every record when asked', async () => {
    h = await startForward('source_address_key src_ip\n  source_hostname_key src_host')
    const c = await h.client()
    await c.write(
      forward(
        't.s',
        [entry(eventTime(T, 5), record({ a: 1 })), entry(uint(T), record({ a: 2, src_ip: 'spoofed' }))],
        options({ chunk: 'K' }),
      ),
    )
    await c.waitForBytes(ack('K').length)
    const events = await h.capture.waitFor(2)
    expect(events.map((e) => [e.time.nsec, e.record.a, e.record.src_ip])).toEqual([
      [5, 1, '127.0.0.1'],
      [0, 2, '127.0.0.1'],
    ])
    expect(typeof events[0].record.src_host).toBe('string')
    expect((events[0].record.src_host as string).length).toBeGreaterThan(0)
  })

  it('linger_timeout: after its FIN the server waits for the peer to close (at most that long)', async () => {
    h = await startForward('deny_keepalive true\n  linger_timeout 5')
    const c = await h.client(true)
    await c.write(message('t.l', uint(T), record({}), options({ chunk: 'L' })))
    await c.waitForEnd()
    expect(c.received).toEqual(ack('L'))
    expect(c.closed).toBe(false)
    expect(h.input.connectionCount).toBe(1)
    c.socket.end()
    await waitUntil(() => h!.input.connectionCount === 0, 'the server to close once the peer did')
  })

  it('answers a UDP heartbeat with one 00 byte (§9 case 25)', async () => {
    h = await startForward()
    const udp = createSocket('udp4')
    try {
      const reply = await new Promise<Buffer>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no heartbeat reply')), 5_000)
        udp.once('message', (msg) => {
          clearTimeout(timer)
          resolve(msg)
        })
        udp.send(Buffer.of(0), h!.port, '127.0.0.1')
      })
      expect(reply).toEqual(Buffer.of(0))
    } finally {
      udp.close()
    }
  })
})

describe('in_forward JSON mode', () => {
  it('reads Forward-mode arrays and values split across writes; acks each as JSON', async () => {
    h = await startForward()
    const c = await h.client()
    const text =
      '[ "t.j", [[1441588984, {"a": 1}], [1441588985, {"a": "x]}"}]], {"chunk": "J1", "size": 2} ]\n' +
      '["t.j", 1441588986, {"a": [3]}, {"chunk": "J2"}]'
    await c.writeInPieces(Buffer.from(text), () => 3)
    await c.waitForBytes(24)
    expect(c.received.toString()).toBe('{"ack":"J1"}{"ack":"J2"}')
    const events = await h.capture.waitFor(3)
    expect(events.map((e) => [e.tag, e.time.sec, e.record.a])).toEqual([
      ['t.j', T, 1],
      ['t.j', T + 1, 'x]}'],
      ['t.j', T + 2, [3]],
    ])
  })

  it('drops events whose JSON time is not an integer, still acking', async () => {
    h = await startForward()
    const c = await h.client()
    await c.write(Buffer.from('["t.j", 1441588984.5, {"a": 1}, {"chunk": "F"}]'))
    await c.waitForBytes(11)
    expect(c.received.toString()).toBe('{"ack":"F"}')
    expect(h.capture.events).toHaveLength(0)
    expect(h.logged('warn', 'invalid events')).toBe(true)
  })

  it('closes on broken JSON and on bytes between values', async () => {
    h = await startForward()
    const c1 = await h.client()
    await c1.write(Buffer.from('["t.j", 1441588984, {"a": nope}]'))
    await c1.waitForEnd()
    const c2 = await h.client()
    await c2.write(Buffer.from('["t.j", 1441588984, {"a": 1}, {"chunk": "OK"}] x'))
    await c2.waitForEnd()
    expect(c2.received.toString()).toBe('{"ack":"OK"}')
    expect(h.capture.events.map((e) => e.record.a)).toEqual([1])
    expect(h.logged('error', 'Incoming JSON is broken')).toBe(true)
  })
})

describe('in_forward config errors', () => {
  const build = async (source: string) => {
    const core = await loadCore()
    const parsed = parseConfig(`<source>\n  @type forward\n${source}\n</source>\n<match **>\n  @type capture\n</match>\n`, 'fluent.conf')
    const registry = new PluginRegistry().register(inForward, captureOutput)
    const built = buildAgent(parsed.config, parsed.locs, { core, registry, log: createLogger(() => undefined), runtime: 'node' })
    return [...built.errors, ...built.warnings].map((e) => e.message).join('\n')
  }

  it('checks <security> and <transport tls> as Fluentd does, with file:line', async () => {
    const noUsers = await build('  <security>\n    self_hostname a\n    shared_key s\n    user_auth true\n  </security>')
    expect(noUsers).toContain('fluent.conf:1')
    expect(noUsers).toContain('<user> sections required if user_auth enabled')
    expect(
      await build(
        '  <security>\n    self_hostname a\n    shared_key s\n    <user>\n      username u\n      password p\n    </user>\n  </security>',
      ),
    ).toBe('')
    expect(await build('  <security>\n    self_hostname a\n  </security>')).toContain('missing required param shared_key')
    expect(
      await build('  <transport tls>\n    cert_path /nonexistent/x.pem\n    private_key_path /nonexistent/x.key\n  </transport>'),
    ).toContain('cert_path: cannot read /nonexistent/x.pem: ENOENT')
    expect(await build('  <transport tls>\n  </transport>')).toContain('no valid cert options configured')
    expect(await build('  <transport tcp>\n    linger_timeout 2\n  </transport>')).toBe('')
  })

  it('rejects impossible combinations and unknown params', async () => {
    expect(await build('  source_hostname_key h\n  resolve_hostname false')).toContain('source_hostname_key needs resolve_hostname')
    expect(await build('  deny_keepalive true\n  send_keepalive_packet true')).toContain(
      'send_keepalive_packet cannot be used with deny_keepalive',
    )
    expect(await build('  max_frame_sise 1m')).toMatch(/fluent\.conf:3: warning: parameter 'max_frame_sise'.*did you mean max_frame_size/)
  })
})
