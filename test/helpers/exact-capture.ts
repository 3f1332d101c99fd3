/**
 * @module A test-only output (`@type exact_capture`) like `capture`, but decoding each stream with
 * @msgpack/msgpack from a copy of its entries, independently of the core: bin values stay valid
 * after later core calls (capture's decodeStream hands out views of WASM memory for bin), and the
 * check does not trust sluice's own reader. Instances register in `captures` by plugin id.
 */

import { decodeMulti } from '@msgpack/msgpack'
import type { EventStream } from '../../engine/event-stream.ts'
import { type EventTime, eventTimeCodec } from '../../engine/event-time.ts'
import type { PluginSpec } from '../../engine/plugin.ts'
import { Capture, captures } from './capture-output.ts'

/** Decodes `[time, record]*` entries from a copy, with exact 64-bit integers and EventTime. */
export function decodeEntries(stream: EventStream): { time: EventTime; record: Record<string, unknown> }[] {
  const copy = stream.entries.slice()
  const out: { time: EventTime; record: Record<string, unknown> }[] = []
  for (const entry of decodeMulti(copy, { extensionCodec: eventTimeCodec, useBigInt64: true })) {
    const [time, record] = entry as [EventTime, Record<string, unknown>]
    out.push({ time, record })
  }
  return out
}

export const exactCaptureOutput: PluginSpec<'output'> = {
  name: 'exact_capture',
  kind: 'output',
  description: 'Test output: keeps events decoded by @msgpack/msgpack from a copy of the entries.',
  schema: { params: [] },
  runtimes: ['node'],
  create(ctx) {
    const capture = new Capture(decodeEntries)
    captures.set(ctx.id, capture)
    return capture
  },
}
