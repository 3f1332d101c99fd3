/**
 * @module in_udp with real datagrams on port 0: one datagram is one message, one trailing newline
 * removed (or kept with remove_newline false), cut at message_length_limit, source keys and
 * `<extract> tag_key`, a datagram that does not parse logged and dropped, and a full buffer
 * (overflow_action block) refusing at once instead of holding datagrams.
 */

import { createSocket, type Socket } from 'node:dgram'
import { afterEach, describe, expect, it } from 'vitest'
import { captures } from '../../../test/helpers/capture-output.ts'
import { startAgent, type TestAgent } from '../../../test/helpers/agent.ts'
import type { PluginSpec } from '../../../engine/plugin.ts'
import { blockingRefused } from '../../../engine/output/backpressure.ts'
import { BufferOverflowError } from '../../../engine/output/errors.ts'
import { TEST_PARSERS, waitUntil } from '../../net/testing.ts'
import { chompEnd } from '../../net/udp-listener.ts'
import { inUdp, type UdpInput } from './index.ts'

let running: TestAgent | null = null
let sender: Socket | null = null
afterEach(async () => {
  sender?.close()
  sender = null
  await running?.stop()
  running = null
})

/** Like a buffered output at its limit with overflow_action block: refuses when blocking is refused. */
const fullOutput: PluginSpec<'output'> = {
  name: 'full',
  kind: 'output',
  description: 'test output that is always full',
  schema: { params: [] },
  runtimes: ['node'],
  create: () => ({
    emit: () => {
      if (blockingRefused()) throw new BufferOverflowError('buffer space has too many data')
      return new Promise<void>(() => undefined)
    },
  }),
}

async function start(source: string, match = '<match **>\n  @type capture\n  @id out\n</match>\n'): Promise<number> {
  running = await startAgent(`<source>\n  @type udp\n  @id in\n  port 0\n  bind 127.0.0.1\n${source}</source>\n${match}`, [
    inUdp,
    fullOutput,
    ...TEST_PARSERS,
  ])
  return (running.agent.plugins.find((p) => p.id === 'in')!.plugin as UdpInput).address().port
}

async function send(port: number, ...datagrams: (string | Buffer)[]): Promise<void> {
  sender ??= createSocket('udp4')
  for (const d of datagrams)
    await new Promise<void>((resolve, reject) => sender!.send(d, port, '127.0.0.1', (err) => (err ? reject(err) : resolve())))
}

const out = () => captures.get('out')!

describe('in_udp', () => {
  it('takes one datagram as one message, removes one trailing newline, adds the source address', async () => {
    const port = await start('  tag app.udp\n  source_address_key addr\n  <parse>\n    @type test_none\n  </parse>\n')
    await send(port, 'one\n', 'two\r\n', 'three\nlines\n\n')
    await out().waitFor(3)
    expect(out().events.map((e) => [e.tag, e.record])).toEqual([
      ['app.udp', { message: 'one', addr: '127.0.0.1' }],
      ['app.udp', { message: 'two', addr: '127.0.0.1' }],
      ['app.udp', { message: 'three\nlines\n', addr: '127.0.0.1' }],
    ])
  })

  it('keeps the newline with remove_newline false and cuts datagrams at message_length_limit', async () => {
    const port = await start('  tag t\n  remove_newline false\n  message_length_limit 6\n  <parse>\n    @type test_none\n  </parse>\n')
    await send(port, 'abc\n', 'abcdefghij')
    await out().waitFor(2)
    expect(out().events.map((e) => e.record.message)).toEqual(['abc\n', 'abcdef'])
  })

  it('tags by <extract> tag_key, logs and drops a datagram that does not parse', async () => {
    const port = await start(
      '  tag t\n  <parse>\n    @type test_json\n  </parse>\n  <extract>\n    tag_key tag\n    keep_tag_key true\n  </extract>\n',
    )
    await send(port, '{"tag":"x.y","v":1}', 'garbage', '{"v":2}')
    await out().waitFor(2)
    expect(out().events.map((e) => [e.tag, e.record])).toEqual([
      ['x.y', { tag: 'x.y', v: 1 }],
      ['t', { v: 2 }],
    ])
    expect(running!.logs.filter((l) => l.message === 'pattern not matched').map((l) => l.fields.message)).toEqual(['garbage'])
  })

  it('drops (and counts) what a full buffer refuses instead of waiting: a UDP sender cannot be held back', async () => {
    const port = await start('  tag t\n  <parse>\n    @type test_none\n  </parse>\n', '<match **>\n  @type full\n</match>\n')
    await send(port, 'a', 'b')
    const metrics = running!.agent.plugins.find((p) => p.id === 'in')!.metrics
    await waitUntil(() => metrics.dropped === 2, 'two dropped events')
    expect(running!.logs.filter((l) => /Emit failed; dropped/.test(l.message)).map((l) => l.fields.count)).toEqual([1, 2])
  })

  it('fails to start with the address in the message when the port is taken', async () => {
    const port = await start('  tag t\n  <parse>\n    @type test_none\n  </parse>\n')
    const first = running
    await expect(
      startAgent(
        `<source>\n  @type udp\n  port ${port}\n  bind 127.0.0.1\n  tag t\n  <parse>\n    @type test_none\n  </parse>\n</source>\n`,
        [inUdp, ...TEST_PARSERS],
      ),
    ).rejects.toThrow(`cannot listen on UDP 127.0.0.1:${port}: bind EADDRINUSE`)
    expect(running).toBe(first)
  })

  it("chomps as Ruby's chomp does", () => {
    const end = (s: string) => s.slice(0, chompEnd(Buffer.from(s), s.length))
    expect(['a\n', 'a\r\n', 'a\r', 'a\n\n', 'a', '', '\n'].map(end)).toEqual(['a', 'a', 'a', 'a\n', 'a', '', ''])
  })
})
