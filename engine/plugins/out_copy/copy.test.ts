/**
 * @module out_copy through the agent (startAgent + `@type capture`): every store gets the stream
 * in order, a failing store aborts the rest and reaches the caller (or @ERROR), ignore_error and
 * ignore_if_prev_success (reference §3.3), async stores awaited in order, nested config errors
 * and lifecycle of the stores.
 */

import { afterEach, describe, expect, it } from 'vitest'
import { startAgent, type TestAgent } from '../../../test/helpers/agent.ts'
import { captures } from '../../../test/helpers/capture-output.ts'
import { EventTime } from '../../event-time.ts'
import { streamFromEvents } from '../../event-stream.ts'
import type { OutputPlugin, PluginSpec } from '../../plugin.ts'
import { outCopy } from './index.ts'

let running: TestAgent | null = null
afterEach(async () => {
  await running?.stop()
  running = null
  captures.clear()
  trace.length = 0
})

const trace: string[] = []

/** A test output whose emit resolves (or rejects with `fail`) on a later tick; logs its lifecycle. */
const slow: PluginSpec<'output'> = {
  name: 'slow',
  kind: 'output',
  description: 'test output with an async emit',
  schema: { params: [{ name: 'fail', type: 'string', default: null, description: 'reject with this message' }] },
  runtimes: ['node'],
  create(ctx, config: { fail: string | null }): OutputPlugin {
    return {
      start: () => {
        trace.push(`start ${ctx.id}`)
      },
      shutdown: () => {
        trace.push(`shutdown ${ctx.id}`)
      },
      emit: (stream) =>
        new Promise<void>((resolve, reject) =>
          setTimeout(() => {
            trace.push(`emit ${ctx.id} ${stream.count}`)
            if (config.fail) reject(new Error(config.fail))
            else resolve()
          }, 5),
        ),
    }
  },
}

const one = (tag = 'app.a') => streamFromEvents(tag, [{ time: new EventTime(1441588984, 0), record: { k: 'v' } }])
const store = (id: string, arg = '', type = 'capture', extra = '') => `<store ${arg}>\n@type ${type}\n@id ${id}\n${extra}</store>`
const copy = (...stores: string[]) => `<match app.**>\n@type copy\n${stores.join('\n')}\n</match>`

describe('out_copy', () => {
  it('gives every store the same stream, in order', async () => {
    running = await startAgent(copy(store('s1'), store('s2'), store('s3')), [outCopy])
    running.agent.root.emit(one())
    for (const id of ['s1', 's2', 's3']) expect(captures.get(id)!.events.map((e) => [e.tag, e.record])).toEqual([['app.a', { k: 'v' }]])
  })

  it('aborts the remaining stores and throws when a store fails', async () => {
    running = await startAgent(copy(store('s1'), store('s2'), store('s3')), [outCopy])
    captures.get('s2')!.failWith = new Error('buffer overflow')
    expect(() => running!.agent.root.emit(one())).toThrow('buffer overflow')
    expect(captures.get('s1')!.events).toHaveLength(1)
    expect(captures.get('s3')!.events).toHaveLength(0)
  })

  it('sends the stream to @ERROR when a store fails and the config has that label', async () => {
    running = await startAgent(
      `${copy(store('s1'), store('s2'))}\n<label @ERROR>\n<match **>\n@type capture\n@id errors\n</match>\n</label>`,
      [outCopy],
    )
    captures.get('s1')!.failWith = new Error('down')
    running.agent.root.emit(one())
    expect(captures.get('errors')!.events).toHaveLength(1)
    expect(captures.get('s2')!.events).toHaveLength(0)
  })

  it('logs and goes on past a <store ignore_error>', async () => {
    running = await startAgent(copy(store('s1', 'ignore_error'), store('s2')), [outCopy])
    captures.get('s1')!.failWith = new Error('down')
    running.agent.root.emit(one())
    expect(captures.get('s2')!.events).toHaveLength(1)
    const line = running.logs.find((l) => l.message === 'ignore emit error in s1')
    expect(line?.level).toBe('error')
    expect(running.agent.plugins.find((p) => p.type === 'copy')!.metrics.errors).toBe(1)
  })

  it('skips <store ignore_if_prev_success> after a success, uses it after a failure (backup store)', async () => {
    running = await startAgent(
      copy(store('primary', 'ignore_error'), store('backup', 'ignore_if_prev_success ignore_error'), store('always')),
      [outCopy],
    )
    running.agent.root.emit(one())
    expect(captures.get('backup')!.events).toHaveLength(0)
    captures.get('primary')!.failWith = new Error('down')
    running.agent.root.emit(one())
    expect(captures.get('backup')!.events).toHaveLength(1)
    expect(captures.get('always')!.events).toHaveLength(2)
  })

  it('awaits async stores in order and propagates their rejection', async () => {
    running = await startAgent(copy(store('a1', '', 'slow'), store('c1'), store('a2', '', 'slow')), [outCopy, slow])
    const result = running.agent.root.emit(one())
    expect(result).toBeInstanceOf(Promise)
    expect(captures.get('c1')!.events).toHaveLength(0) // waits for a1 first
    await result
    expect(trace.filter((t) => t.startsWith('emit'))).toEqual(['emit a1 1', 'emit a2 1'])
    expect(captures.get('c1')!.events).toHaveLength(1)
    await running.stop()
    running = await startAgent(copy(store('f1', '', 'slow', 'fail nope\n'), store('c2')), [outCopy, slow])
    await expect(running.agent.root.emit(one())).rejects.toThrow('nope')
    expect(captures.get('c2')!.events).toHaveLength(0)
  })

  it('lets the agent start and shut the stores down once each', async () => {
    running = await startAgent(copy(store('a1', '', 'slow'), store('a2', '', 'slow')), [outCopy, slow])
    await running.stop()
    running = null
    expect(trace).toEqual(['start a1', 'start a2', 'shutdown a1', 'shutdown a2'])
  })

  it.each([
    ['no <store>', '<match app.**>\n@type copy\n</match>', 'missing required section <store>'],
    [
      'ignore_if_prev_success on the first store',
      copy(store('s1', 'ignore_if_prev_success')),
      'ignore_if_prev_success must specify 2nd or later <store> directives',
    ],
    ['a store without @type', '<match app.**>\n@type copy\n<store>\n</store>\n</match>', "Missing '@type' parameter in <store> section"],
    ['a store with an unknown type', copy(store('s1', '', 'nosuch')), "unknown output plugin 'nosuch'"],
    [
      "an error in a store's own params (with --strict)",
      copy(store('s1', '', 'slow', 'bogus 1\n')),
      "parameter 'bogus' in <store> is not used",
    ],
    [
      'a bad copy_mode',
      '<match app.**>\n@type copy\ncopy_mode shallowest\n<store>\n@type capture\n</store>\n</match>',
      'valid options are no_copy, shallow, deep, marshal',
    ],
  ])('reports %s', async (_name, conf, message) => {
    await expect(startAgent(conf, [outCopy, slow], { strict: true })).rejects.toThrow(message)
  })

  it('accepts nested sections inside a store (checked by the store itself)', async () => {
    running = await startAgent(copy(store('s1'), '<store>\n@type copy\n<store>\n@type capture\n@id inner\n</store>\n</store>'), [outCopy])
    running.agent.root.emit(one())
    expect(captures.get('inner')!.events).toHaveLength(1)
  })
})
