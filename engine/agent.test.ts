/**
 * @module The agent and router on the core: Fluentd's first-match order with filters (§9 case 27),
 * labels and relabel to @ROOT (§9 case 28), @ERROR on emit failure, config errors with file:line.
 */

import { afterEach, describe, expect, it } from 'vitest'
import { startAgent, type TestAgent } from '../test/helpers/agent.ts'
import { captureOutput, captures } from '../test/helpers/capture-output.ts'
import { EventTime } from './event-time.ts'
import { streamFromEvents, type EventStream } from './event-stream.ts'
import type { PluginSpec } from './plugin.ts'
import { parseConfig } from './config/parse.ts'
import { buildAgent } from './agent.ts'
import { loadCore } from '../wasm/load-node.ts'
import { createLogger } from './log.ts'
import { PluginRegistry } from './plugin.ts'

/** A filter that appends its id to the record's `trace` field. */
const traceFilter: PluginSpec<'filter'> = {
  name: 'trace',
  kind: 'filter',
  description: 'test filter',
  schema: { params: [{ name: 'mark', type: 'string', description: 'what to add', required: true }] },
  runtimes: ['node'],
  create(_ctx, config: { mark: string }) {
    return {
      filter(stream: EventStream) {
        return { ...stream, marks: [...((stream as { marks?: string[] }).marks ?? []), config.mark] } as EventStream
      },
    }
  },
}

/** An output that re-emits into its @label (Fluentd's relabel). */
const relabelOutput: PluginSpec<'output'> = {
  name: 'relabel_test',
  kind: 'output',
  description: 'test relabel',
  schema: { params: [] },
  runtimes: ['node'],
  create(ctx, _config, element) {
    const target = ctx.label(element.params['@label'])
    return { emit: (stream) => target.emit(stream) }
  },
}

const one = (tag: string) => streamFromEvents(tag, [{ time: new EventTime(1441588984, 0), record: { k: 'v' } }])

let running: TestAgent | null = null
afterEach(async () => {
  await running?.stop()
  running = null
  captures.clear()
})

describe('agent and router', () => {
  it('runs filters before the first match only (§9 case 27)', async () => {
    const marksSeen: Record<string, string[]> = {}
    const spy: PluginSpec<'output'> = {
      name: 'spy',
      kind: 'output',
      description: 'records marks',
      schema: { params: [] },
      runtimes: ['node'],
      create: (ctx) => ({
        emit: (s) => {
          marksSeen[`${ctx.id}:${s.tag}`] = (s as { marks?: string[] }).marks ?? []
        },
      }),
    }
    running = await startAgent(
      `
<filter x.**>
  @type trace
  mark F1
</filter>
<match x.y>
  @type spy
  @id O1
</match>
<filter x.**>
  @type trace
  mark F2
</filter>
<match x.**>
  @type spy
  @id O2
</match>`,
      [traceFilter, spy],
    )
    const root = running.agent.root
    root.emit(one('x.y'))
    root.emit(one('x.z'))
    root.emit(one('q'))
    expect(marksSeen).toEqual({ 'O1:x.y': ['F1'], 'O2:x.z': ['F1', 'F2'] })
    expect(running.logs.filter((l) => l.message === 'no patterns matched').map((l) => l.fields.tag)).toEqual(['q'])
  })

  it('relabels into a label and back to @ROOT with the original tag (§9 case 28)', async () => {
    running = await startAgent(
      `
<label @A>
  <match **>
    @type relabel_test
    @label @ROOT
  </match>
</label>
<match **>
  @type capture
  @id top
</match>`,
      [relabelOutput],
    )
    const labelA = running.agent.routers.get('@A')!
    labelA.emit(one('app.x'))
    const events = await captures.get('top')!.waitFor(1)
    expect(events[0].tag).toBe('app.x')
    expect(events[0].record).toEqual({ k: 'v' })
  })

  it('sends a failed emit to @ERROR and lets the error through without it (§9 case 20)', async () => {
    running = await startAgent(
      `
<match app.**>
  @type capture
  @id failing
</match>
<label @ERROR>
  <match **>
    @type capture
    @id errors
  </match>
</label>`,
      [],
    )
    captures.get('failing')!.failWith = new Error('buffer overflow')
    running.agent.root.emit(one('app.a'))
    expect((await captures.get('errors')!.waitFor(1))[0].tag).toBe('app.a')
    await running.stop()
    running = await startAgent(
      `
<match app.**>
  @type capture
  @id failing2
</match>`,
      [],
    )
    captures.get('failing2')!.failWith = new Error('buffer overflow')
    expect(() => running!.agent.root.emit(one('app.a'))).toThrow('buffer overflow')
  })

  it('reports unknown plugins, bad labels and duplicate ids with file:line and a hint', async () => {
    const core = await loadCore()
    const parsed = parseConfig(
      `<match a.**>
  @type stdot
</match>
<source>
  @type capture_in
  @label @MISSING
</source>
<match b.**>
  @type capture
  @id same
</match>
<match c.**>
  @type capture
  @id same
</match>
`,
      'fluent.conf',
    )
    const built = buildAgent(parsed.config, parsed.locs, {
      core,
      registry: new PluginRegistry().register(traceFilter, captureOutput),
      log: createLogger(() => {}),
      runtime: 'node',
    })
    expect(built.agent).toBeNull()
    const messages = built.errors.map((e) => e.message)
    expect(messages).toContain('fluent.conf:6: @label @MISSING refers to no <label>; hint: define <label @MISSING> or use @ROOT')
    expect(messages.some((m) => m.startsWith("fluent.conf:2: unknown output plugin 'stdot'; hint: did you mean"))).toBe(false)
    expect(messages.some((m) => m.startsWith("fluent.conf:2: unknown output plugin 'stdot'; hint: available: "))).toBe(true)
    expect(messages.some((m) => /^fluent\.conf:14: duplicate @id 'same'/.test(m))).toBe(true)
  })
})
