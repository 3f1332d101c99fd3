/** @module out_null: counts and drops, unbuffered by default; buffered with a <buffer>; never_flush. */

import { afterEach, describe, expect, it } from 'vitest'
import { startAgent, type TestAgent } from '../../../test/helpers/agent.ts'
import { streamFromEvents } from '../../event-stream.ts'
import { EventTime } from '../../event-time.ts'
import { waitUntil } from '../../output/testing.ts'
import { checkSchema } from '../../config/schema.ts'
import { outNull } from './index.ts'

let running: TestAgent | null = null
afterEach(async () => {
  await running?.stop()
  running = null
})

const stream = (n: number) =>
  streamFromEvents(
    'bench.x',
    Array.from({ length: n }, (_, i) => ({ time: new EventTime(1, 0), record: { i } })),
  )
const metricsOf = (a: TestAgent, id: string) => a.agent.plugins.find((p) => p.id === id)!.metrics

describe('out_null', () => {
  it('has a valid schema', () => expect(checkSchema(outNull.schema)).toEqual([]))

  it('counts every event and returns at once when unbuffered', async () => {
    running = await startAgent('<match **>\n  @type null\n  @id sink\n</match>\n', [outNull])
    const s = stream(1000)
    expect(running.agent.root.emit(s)).toBeUndefined()
    running.agent.root.emit(stream(5))
    expect(metricsOf(running, 'sink')).toMatchObject({
      eventsIn: 1005,
      eventsOut: 1005,
      emits: 2,
      bytesOut: s.entries.length + stream(5).entries.length,
    })
  })

  it('buffers when a <buffer> is written, and counts on flush', async () => {
    running = await startAgent('<match **>\n  @type null\n  @id sink\n  <buffer>\n    flush_mode immediate\n  </buffer>\n</match>\n', [
      outNull,
    ])
    running.agent.root.emit(stream(10))
    await waitUntil(() => metricsOf(running!, 'sink').eventsOut === 10, 'the flush')
    expect(metricsOf(running, 'sink').writes).toBe(1)
  })

  it('fails every emit with never_flush (the input must not ack)', async () => {
    running = await startAgent('<match **>\n  @type null\n  never_flush true\n</match>\n', [outNull])
    expect(() => running!.agent.root.emit(stream(1))).toThrow('failed to flush')
  })
})
