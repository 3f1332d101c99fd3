/** @module out_stdout: Fluentd's line format, <format> variants, buffered mode, backpressure. */

import { Writable } from 'node:stream'
import { afterEach, describe, expect, it } from 'vitest'
import { startAgent, type TestAgent } from '../../../test/helpers/agent.ts'
import { streamFromEvents } from '../../../engine/event-stream.ts'
import { EventTime } from '../../../engine/event-time.ts'
import { waitUntil } from '../../../engine/output/testing.ts'
import { strftime, LOCAL } from '../../../engine/output/time-format.ts'
import { checkSchema } from '../../../engine/config/schema.ts'
import { createOutStdout, outStdout } from './index.ts'

class Sink extends Writable {
  text = ''
  constructor(private readonly slow = false) {
    super({ highWaterMark: 16 })
  }

  override _write(chunk: Buffer, _enc: string, done: (error?: Error) => void): void {
    this.text += chunk.toString()
    if (this.slow) setTimeout(done, 5)
    else done()
  }
}

let running: TestAgent | null = null
afterEach(async () => {
  await running?.stop()
  running = null
})

const T = new EventTime(1795243920, 123456789) // 2026-11-21 06:52:00.123456789 UTC

async function run(conf: string, sink = new Sink()) {
  running = await startAgent(conf, [createOutStdout({ stream: sink })])
  return sink
}

describe('out_stdout', () => {
  it('has a valid schema', () => expect(checkSchema(outStdout.schema)).toEqual([]))

  it("writes Fluentd's default line: time with nanoseconds and zone, tag, JSON record", async () => {
    const sink = await run('<match **>\n  @type stdout\n  <format>\n    timezone +0000\n  </format>\n</match>\n')
    running!.agent.root.emit(
      streamFromEvents('app.web', [
        { time: T, record: { k: 'v' } },
        { time: T, record: { n: 1.5, big: 2n ** 63n - 1n, nested: { a: [1, null, true] }, s: 'é"\n' } },
      ]),
    )
    expect(sink.text).toBe(
      '2026-11-21 06:52:00.123456789 +0000 app.web: {"k":"v"}\n' +
        '2026-11-21 06:52:00.123456789 +0000 app.web: {"n":1.5,"big":9223372036854775807,"nested":{"a":[1,null,true]},"s":"é\\"\\n"}\n',
    )
  })

  it('uses local time by default', async () => {
    const sink = await run('<match **>\n  @type stdout\n</match>\n')
    running!.agent.root.emit(streamFromEvents('t', [{ time: T, record: {} }]))
    expect(sink.text).toBe(`${strftime('%Y-%m-%d %H:%M:%S.%N %z', T.sec, T.nsec, LOCAL)} t: {}\n`)
  })

  it('takes <format json> and a custom time_format', async () => {
    const sink = await run(
      '<match a>\n  @type stdout\n  <format>\n    @type json\n  </format>\n</match>\n' +
        '<match b>\n  @type stdout\n  <format>\n    time_format %H:%M:%S\n    utc true\n  </format>\n</match>\n',
    )
    running!.agent.root.emit(streamFromEvents('a', [{ time: T, record: { k: 1 } }]))
    running!.agent.root.emit(streamFromEvents('b', [{ time: T, record: { k: 2 } }]))
    expect(sink.text).toBe('{"k":1}\n06:52:00 b: {"k":2}\n')
  })

  it('buffers when a <buffer> is written (tags kept per chunk)', async () => {
    const sink = await run(
      '<match **>\n  @type stdout\n  <format>\n    timezone +0000\n  </format>\n  <buffer time>\n    timekey 60\n    flush_mode immediate\n  </buffer>\n</match>\n',
    )
    running!.agent.root.emit(streamFromEvents('x', [{ time: T, record: { k: 1 } }]))
    running!.agent.root.emit(streamFromEvents('y', [{ time: T, record: { k: 2 } }]))
    await waitUntil(() => sink.text.split('\n').length === 3, 'two lines')
    expect(sink.text.split('\n').sort().slice(1)).toEqual([
      '2026-11-21 06:52:00.123456789 +0000 x: {"k":1}',
      '2026-11-21 06:52:00.123456789 +0000 y: {"k":2}',
    ])
  })

  it('makes the emit wait for drain when the stream is saturated', async () => {
    const sink = await run('<match **>\n  @type stdout\n</match>\n', new Sink(true))
    const result = running!.agent.root.emit(streamFromEvents('t', [{ time: T, record: { pad: 'x'.repeat(100) } }]))
    expect(result).toBeInstanceOf(Promise)
    await result
    expect(sink.text).toContain('xxx')
  })
})
