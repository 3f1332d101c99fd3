/**
 * @module Test-only outputs for the edge tests: `@type flaky` fails its first `fail_times` emits
 * (then keeps what it gets, like capture), `@type held` waits until the test releases it. Both
 * register by `@id` so tests find them.
 */

import { decodeStream, type EventStream } from '../../engine/event-stream.ts'
import type { OutputPlugin, PluginSpec } from '../../engine/plugin.ts'
import type { CapturedEvent } from '../../test/helpers/capture-output.ts'

export interface Flaky {
  failures: number
  events: CapturedEvent[]
}

export const flakies = new Map<string, Flaky>()

export const flakyOutput: PluginSpec<'output'> = {
  name: 'flaky',
  kind: 'output',
  description: 'Test output: fails the first fail_times emits.',
  schema: { params: [{ name: 'fail_times', type: 'integer', default: 1, description: 'Emits that fail before one succeeds.' }] },
  runtimes: ['workers'],
  create(ctx, config: { fail_times: number }): OutputPlugin {
    const state: Flaky = { failures: 0, events: [] }
    flakies.set(ctx.id, state)
    return {
      emit(stream: EventStream) {
        if (state.failures < config.fail_times) {
          state.failures++
          throw new Error(`flaky: failure ${state.failures} of ${config.fail_times}`)
        }
        for (const e of decodeStream(ctx.core, stream)) state.events.push({ tag: stream.tag, ...e })
      },
    }
  },
}
