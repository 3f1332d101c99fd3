/**
 * @module out_relabel through the agent: events reach the label's router with the same tag and
 * bytes (§9 case 28, also back to @ROOT), failures of the label's outputs come back to the caller,
 * and a relabel without @label is a config error.
 */

import { afterEach, describe, expect, it } from 'vitest'
import { startAgent, type TestAgent } from '../../../test/helpers/agent.ts'
import { captures } from '../../../test/helpers/capture-output.ts'
import { EventTime } from '../../event-time.ts'
import { streamFromEvents } from '../../event-stream.ts'
import { outCopy } from '../out_copy/index.ts'
import { outRelabel } from './index.ts'

let running: TestAgent | null = null
afterEach(async () => {
  await running?.stop()
  running = null
  captures.clear()
})

const stream = streamFromEvents('app.x', [
  { time: new EventTime(1441588984, 7), record: { k: 'v', n: 2n ** 63n } },
  { time: new EventTime(1441588985, 0), record: { k: 'w' } },
])

describe('out_relabel', () => {
  it('re-emits the stream unchanged into its label', async () => {
    running = await startAgent(
      `<match app.**>\n@type relabel\n@label @NEXT\n</match>\n<label @NEXT>\n<match **>\n@type capture\n@id next\n</match>\n</label>`,
      [outRelabel],
    )
    running.agent.root.emit(stream)
    const events = captures.get('next')!.events
    expect(events.map((e) => [e.tag, e.time, e.record])).toEqual([
      ['app.x', new EventTime(1441588984, 7), { k: 'v', n: 2n ** 63n }],
      ['app.x', new EventTime(1441588985, 0), { k: 'w' }],
    ])
    const metrics = running.agent.plugins.find((p) => p.type === 'relabel')!.metrics
    expect([metrics.eventsIn, metrics.eventsOut]).toEqual([2, 2])
  })

  it('goes back to @ROOT with the original tag (§9 case 28)', async () => {
    running = await startAgent(
      `<label @A>\n<match **>\n@type relabel\n@label @ROOT\n</match>\n</label>\n<match **>\n@type capture\n@id top\n</match>`,
      [outRelabel],
    )
    running.agent.routers.get('@A')!.emit(stream)
    expect(captures.get('top')!.events.map((e) => e.tag)).toEqual(['app.x', 'app.x'])
  })

  it('passes failures of the label outputs back to the caller', async () => {
    running = await startAgent(
      `<match app.**>\n@type relabel\n@label @NEXT\n</match>\n<label @NEXT>\n<match **>\n@type capture\n@id next\n</match>\n</label>`,
      [outRelabel],
    )
    captures.get('next')!.failWith = new Error('overflow')
    expect(() => running!.agent.root.emit(stream)).toThrow('overflow')
  })

  it('works as a copy store (copy to a label and to an output)', async () => {
    running = await startAgent(
      `<match app.**>\n@type copy\n<store>\n@type relabel\n@label @AUDIT\n</store>\n<store>\n@type capture\n@id main\n</store>\n</match>\n<label @AUDIT>\n<match **>\n@type capture\n@id audit\n</match>\n</label>`,
      [outRelabel, outCopy],
    )
    running.agent.root.emit(stream)
    expect(captures.get('audit')!.events).toHaveLength(2)
    expect(captures.get('main')!.events).toHaveLength(2)
  })

  it('requires @label', async () => {
    await expect(startAgent('<match app.**>\n@type relabel\n</match>', [outRelabel])).rejects.toThrow('relabel needs @label')
  })
})
