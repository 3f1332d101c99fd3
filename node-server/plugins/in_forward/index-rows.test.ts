/**
 * @module in_forward hands a copied PackedForward stream the framer's rows of its entries
 * (engine/entry-view.ts), so the chunker and filter_grep's JS pass do not walk it again: the rows
 * it gives must be exactly those a fresh walk of the stream's bytes builds, whether the message
 * came in one read or in pieces, and a stream whose records were rewritten (source keys injected)
 * gets none (its bytes are not the framer's).
 */

import { afterEach, describe, expect, it } from 'vitest'
import { entryView, hasIndex } from '../../../engine/entry-view.ts'
import type { EventStream } from '../../../engine/event-stream.ts'
import type { OutputPlugin, PluginSpec } from '../../../engine/plugin.ts'
import { entriesPayload, entry, options, packed, record } from '../../../test/helpers/forward-build.ts'
import { cat, eventTime, hex, str } from '../../../test/helpers/msgpack-build.ts'
import { startForward, type ForwardHarness } from './testing.ts'

const T = 1441588984

/** Per stream: whether it came with its index, and whether that index equals a fresh walk's. */
const seen: { given: boolean; same: boolean; count: number }[] = []

/** A test output that keeps nothing but checks every stream's index during emit. */
const indexCheck: PluginSpec<'output'> = {
  name: 'index_check',
  kind: 'output',
  description: 'Test output: compares the index a stream came with against a fresh walk of its bytes.',
  schema: { params: [] },
  runtimes: ['node'],
  create(ctx): OutputPlugin {
    return {
      emit(stream: EventStream): void {
        const given = hasIndex(stream)
        const a = entryView(ctx.core, stream)
        const rowsA = Array.from(a.words.subarray(a.table, a.table + a.rows * 8))
        // A new stream object over the same bytes carries no index: the core walks it.
        const b = entryView(ctx.core, { tag: stream.tag, entries: stream.entries.slice(), count: stream.count })
        const rowsB = Array.from(b.words.subarray(b.table, b.table + b.rows * 8))
        seen.push({ given, same: a.rows === b.rows && rowsA.join() === rowsB.join(), count: stream.count })
      },
    }
  },
}

let h: ForwardHarness | null = null
afterEach(async () => {
  await h?.stop()
  h = null
  seen.length = 0
})

const ack = (chunk: string) => cat(hex('81 a3 61 63 6b'), str(chunk))

/** Four PackedForward messages of differently sized records, every one asking for an ack. */
function messages(): { bytes: Uint8Array; acks: Uint8Array } {
  const parts: Uint8Array[] = []
  const acks: Uint8Array[] = []
  let i = 0
  for (let m = 0; m < 4; m++) {
    const es = Array.from({ length: 3 + m * 5 }, () => entry(eventTime(T, i), record({ i: i++, pad: 'x'.repeat((i * 37) % 300) })))
    parts.push(packed('t.pk', entriesPayload(es), 'bin', options({ chunk: `c${m}` })))
    acks.push(ack(`c${m}`))
  }
  return { bytes: cat(...parts), acks: cat(...acks) }
}

describe('in_forward gives PackedForward streams their entry index', () => {
  it('the rows are those a fresh walk builds, in one read and in pieces', async () => {
    h = await startForward('', { match: '<match **>\n  @type index_check\n</match>', plugins: [indexCheck] })
    const { bytes, acks } = messages()
    for (const pieces of [0, 11]) {
      const c = await h.client()
      if (pieces === 0) await c.write(bytes)
      else await c.writeInPieces(bytes, () => pieces)
      await c.waitForBytes(acks.length)
      expect(c.received).toEqual(Buffer.from(acks))
    }
    expect(seen.length).toBe(8)
    expect(seen.every((s) => s.given)).toBe(true)
    expect(seen.every((s) => s.same)).toBe(true)
  })

  it('a stream with source keys injected comes without the framer rows, and its walk is right', async () => {
    h = await startForward('source_address_key ip', { match: '<match **>\n  @type index_check\n</match>', plugins: [indexCheck] })
    const { bytes, acks } = messages()
    const c = await h.client()
    await c.write(bytes)
    await c.waitForBytes(acks.length)
    expect(seen.length).toBe(4)
    expect(seen.some((s) => s.given)).toBe(false)
    expect(seen.every((s) => s.same)).toBe(true)
  })
})
