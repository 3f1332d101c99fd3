/**
 * @module filter_stdout, after Fluentd's test_filter_stdout.rb: events pass through unchanged,
 * each is printed with the stdout formatter (or `<format>`, after `<inject>`), to the runtime's
 * stdout when there is one and to the logger otherwise; a refused event goes to @ERROR and passes.
 */

import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest'
import { streamFromEvents } from '../../event-stream.ts'
import { EventTime } from '../../event-time.ts'
import { captures } from '../../../test/helpers/capture-output.ts'
import { startAgent, type TestAgent } from '../../../test/helpers/agent.ts'
import { checkSchema } from '../../config/schema.ts'
import { filterStdout } from './index.ts'

let running: TestAgent | null = null
afterEach(async () => {
  await running?.stop()
  running = null
})
let savedTz: string | undefined
beforeAll(() => {
  savedTz = process.env.TZ
  process.env.TZ = 'Asia/Tokyo'
})
afterAll(() => {
  if (savedTz === undefined) delete process.env.TZ
  else process.env.TZ = savedTz
})

const T = new EventTime(1441588984, 123456789)
const conf = (body = '') => `<filter **>\n  @type stdout\n${body}</filter>\n<match **>\n  @type capture\n  @id out\n</match>\n`

describe('filter_stdout', () => {
  it('has a valid schema', () => expect(checkSchema(filterStdout.schema)).toEqual([]))

  it('prints each event to the runtime stdout and passes the stream on unchanged', async () => {
    const printed: Uint8Array[] = []
    running = await startAgent(conf(), [filterStdout], { services: { stdout: (b) => printed.push(b) } })
    await running.agent.root.emit(
      streamFromEvents('test', [
        { time: T, record: { test: 'test' } },
        { time: T, record: { n: 1.5 } },
      ]),
    )
    expect(Buffer.concat(printed).toString()).toBe(
      '2015-09-07 10:23:04.123456789 +0900 test: {"test":"test"}\n2015-09-07 10:23:04.123456789 +0900 test: {"n":1.5}\n',
    )
    expect(captures.get('out')?.events.map((e) => e.record)).toEqual([{ test: 'test' }, { n: 1.5 }])
  })

  it('takes <format> and <inject> (which change the printed line only)', async () => {
    const printed: Uint8Array[] = []
    running = await startAgent(
      conf('  <format>\n    @type json\n  </format>\n  <inject>\n    tag_key tag\n  </inject>\n'),
      [filterStdout],
      { services: { stdout: (b) => printed.push(b) } },
    )
    await running.agent.root.emit(streamFromEvents('app', [{ time: T, record: { k: 'v' } }]))
    expect(Buffer.concat(printed).toString()).toBe('{"k":"v","tag":"app"}\n')
    expect(captures.get('out')?.events.map((e) => e.record)).toEqual([{ k: 'v' }])
  })

  it('logs one info line per event where the runtime has no stdout', async () => {
    running = await startAgent(conf('  <format>\n    @type stdout\n    output_type ltsv\n  </format>\n'), [filterStdout])
    await running.agent.root.emit(
      streamFromEvents('app', [
        { time: T, record: { a: 1 } },
        { time: T, record: { b: 2 } },
      ]),
    )
    expect(running.logs.filter((l) => l.fields?.type === 'stdout').map((l) => [l.level, l.message])).toEqual([
      ['info', '2015-09-07 10:23:04.123456789 +0900 app: a:1'],
      ['info', '2015-09-07 10:23:04.123456789 +0900 app: b:2'],
    ])
  })

  it('sends an event it cannot format to @ERROR and still passes it on', async () => {
    const printed: Uint8Array[] = []
    running = await startAgent(
      `${conf()}<label @ERROR>\n  <match **>\n    @type capture\n    @id errors\n  </match>\n</label>\n`,
      [filterStdout],
      { services: { stdout: (b) => printed.push(b) } },
    )
    await running.agent.root.emit(
      streamFromEvents('app', [
        { time: T, record: { x: Number.NaN } },
        { time: T, record: { ok: 1 } },
      ]),
    )
    expect(Buffer.concat(printed).toString()).toBe('2015-09-07 10:23:04.123456789 +0900 app: {"ok":1}\n')
    expect(captures.get('errors')?.events.length).toBe(1)
    expect(captures.get('out')?.events.length).toBe(2)
  })
})
