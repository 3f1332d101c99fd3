/**
 * @module in_forward's ordered emit → ack pipeline when the output answers with a promise (a
 * file buffer write, `overflow_action block`): the ack waits for the promise, later messages of
 * the connection wait too, the socket is paused meanwhile (backpressure reaches the peer's TCP
 * window), and a rejected promise means no ack and a closed connection.
 */

import { afterEach, describe, expect, it } from 'vitest'
import type { EventStream } from '../../../engine/event-stream.ts'
import type { PluginSpec } from '../../../engine/plugin.ts'
import { message, options, record } from '../../../test/helpers/forward-build.ts'
import { cat, hex, str, uint } from '../../../test/helpers/msgpack-build.ts'
import { startForward, waitUntil, type ForwardHarness } from './testing.ts'

const T = 1441588984
const ack = (chunk: string): Buffer => Buffer.from(cat(hex('81 a3 61 63 6b'), str(chunk)))

/** An output whose every emit returns a promise the test settles. */
class Gate {
  readonly pending: { stream: EventStream; resolve: () => void; reject: (err: Error) => void }[] = []
  readonly accepted: EventStream[] = []
  /** Resolve every emit at once (still as a promise). */
  open = false
}
const gates = new Map<string, Gate>()
const gateOutput: PluginSpec<'output'> = {
  name: 'gate',
  kind: 'output',
  description: 'test output answering with promises',
  schema: { params: [] },
  runtimes: ['node'],
  create(ctx) {
    const gate = new Gate()
    gates.set(ctx.id, gate)
    return {
      // Like a buffered output with overflow_action block: stopping rejects the waiting emits.
      stop: () => {
        for (const p of gate.pending.splice(0)) p.reject(new Error('output is stopping'))
      },
      emit: (stream) =>
        new Promise<void>((resolve, reject) => {
          if (gate.open) {
            gate.accepted.push(stream)
            return resolve()
          }
          gate.pending.push({
            stream,
            resolve: () => {
              gate.accepted.push(stream)
              resolve()
            },
            reject,
          })
        }),
    }
  },
}

let h: ForwardHarness | null = null
afterEach(async () => {
  for (const gate of gates.values()) for (const p of gate.pending) p.resolve()
  await h?.stop()
  h = null
  gates.clear()
})

async function startGated(): Promise<{ h: ForwardHarness; gate: Gate }> {
  h = await startForward('', { match: '<match **>\n  @type gate\n  @id gate\n</match>', plugins: [gateOutput] })
  return { h, gate: gates.get('gate')! }
}

describe('in_forward backpressure', () => {
  it('acks only after the emit promise resolved, and emits the next message only then', async () => {
    const { h, gate } = await startGated()
    const c = await h.client()
    await c.write(
      cat(
        message('t.a', uint(T), record({ n: 1 }), options({ chunk: 'A' })),
        message('t.b', uint(T), record({ n: 2 }), options({ chunk: 'B' })),
      ),
    )
    await waitUntil(() => gate.pending.length === 1, 'the first emit')
    const [state] = h.input.connections()
    expect(state).toMatchObject({ paused: true, waitingForEmit: true, queuedMessages: 1, protocol: 'msgpack' })
    expect(c.received.length).toBe(0)
    gate.pending[0].resolve()
    await c.waitForBytes(ack('A').length)
    expect(c.received).toEqual(ack('A'))
    await waitUntil(() => gate.pending.length === 2, 'the second emit')
    gate.pending[1].resolve()
    await c.waitForBytes(ack('A').length + ack('B').length)
    expect(c.received).toEqual(Buffer.concat([ack('A'), ack('B')]))
    expect(h.input.connections()[0]).toMatchObject({ paused: false, waitingForEmit: false, queuedMessages: 0 })
  })

  it('emits consecutive Message-mode messages of one tag as one stream and writes their acks after it', async () => {
    const { h, gate } = await startGated()
    const c = await h.client()
    await c.write(
      cat(
        message('t.a', uint(T), record({ n: 1 }), options({ chunk: 'A' })),
        message('t.a', uint(T), record({ n: 2 })),
        message('t.a', uint(T), record({ n: 3 }), options({ chunk: 'C' })),
        message('t.b', uint(T), record({ n: 4 }), options({ chunk: 'D' })),
      ),
    )
    await waitUntil(() => gate.pending.length === 1, 'the first emit')
    expect(gate.pending[0].stream.count).toBe(3)
    expect(c.received.length).toBe(0)
    gate.pending[0].resolve()
    await c.waitForBytes(ack('A').length + ack('C').length)
    expect(c.received).toEqual(Buffer.concat([ack('A'), ack('C')]))
    await waitUntil(() => gate.pending.length === 2, 'the second emit')
    expect(gate.pending[1].stream.tag).toBe('t.b')
  })

  it("stops reading while blocked, so the sender's writes back up; everything arrives once released", async () => {
    const { h, gate } = await startGated()
    const c = await h.client()
    await c.write(message('t.a', uint(T), record({ n: 0 })))
    await waitUntil(() => gate.pending.length === 1, 'the first emit')
    const pad = 'p'.repeat(10_000)
    const flood = cat(...Array.from({ length: 2000 }, (_, n) => message('t.a', uint(T), record({ n: n + 1, pad }))))
    c.socket.write(flood)
    await waitUntil(() => c.socket.writableLength > 0, 'the client to hold unsent bytes')
    const before = h.running.agent.plugins.find((p) => p.id === 'in')!.metrics.bytesIn
    expect(before).toBeLessThan(flood.length)
    gate.open = true
    gate.pending[0].resolve()
    await waitUntil(() => gate.accepted.reduce((n, s) => n + s.count, 0) === 2001, 'every event', 20_000)
    expect(c.socket.writableLength).toBe(0)
  })

  it('closes without an ack when the emit promise rejects', async () => {
    const { h, gate } = await startGated()
    const c = await h.client()
    await c.write(
      cat(
        message('t.a', uint(T), record({ n: 1 }), options({ chunk: 'A' })),
        message('t.a', uint(T), record({ n: 2 }), options({ chunk: 'B' })),
      ),
    )
    await waitUntil(() => gate.pending.length === 1, 'the first emit')
    gate.pending[0].reject(new Error('buffer space has too many data'))
    await c.waitForEnd()
    expect(c.received.length).toBe(0)
    expect(gate.pending).toHaveLength(1)
    expect(h.logged('error', 'no @ERROR label')).toBe(true)
  })

  it('on stop: finishes the messages already read (emit + ack), then closes', async () => {
    const { h, gate } = await startGated()
    const c = await h.client()
    await c.write(message('t.a', uint(T), record({ n: 1 }), options({ chunk: 'A' })))
    await waitUntil(() => gate.pending.length === 1, 'the first emit')
    const stopping = h.running.agent.plugins.find((p) => p.id === 'in')!.plugin.stop!()
    gate.pending[0].resolve()
    await stopping
    await c.waitForBytes(ack('A').length)
    await c.waitForEnd()
    expect(c.received).toEqual(ack('A'))
  })

  it("on stop with an emit still blocked: stop returns at once; the output's rejection closes the connection, no ack", async () => {
    const { h, gate } = await startGated()
    const c = await h.client()
    await c.write(message('t.a', uint(T), record({ n: 1 }), options({ chunk: 'A' })))
    await waitUntil(() => gate.pending.length === 1, 'the first emit')
    const started = Date.now()
    await h.running.stop()
    expect(Date.now() - started).toBeLessThan(3_000)
    await c.waitForEnd()
    expect(c.received.length).toBe(0)
  })
})
