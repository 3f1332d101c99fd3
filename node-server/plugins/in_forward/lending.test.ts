/**
 * @module in_forward lending a PackedForward payload without a copy: only into a route whose output
 * `borrows` (done with the stream when emit returns, like out_null), only when nothing is queued
 * before the message; the events, their order and the acks are the same as with the copy, and
 * every other route gets its own copy (outputs that keep streams).
 */

import { gzipSync } from 'node:zlib'
import { afterEach, describe, expect, it } from 'vitest'
import { decodeMulti } from '@msgpack/msgpack'
import type { EventStream } from '../../../engine/event-stream.ts'
import type { OutputPlugin, PluginSpec } from '../../../engine/plugin.ts'
import { filterRecordTransformer } from '../../../engine/plugins/filter_record_transformer/index.ts'
import { outNull } from '../../../engine/plugins/out_null/index.ts'
import { entriesPayload, entry, message, options, packed, record } from '../../../test/helpers/forward-build.ts'
import { cat, eventTime, hex, str } from '../../../test/helpers/msgpack-build.ts'
import { startForward, type ForwardHarness } from './testing.ts'

const T = 1441588984

/** What the borrowing test output saw: each event's `i`, and whether its bytes were lent (WASM memory). */
const seen: { i: number; lent: boolean }[] = []

/** A test output that borrows: it decodes what it needs during emit and keeps nothing. */
const borrowCapture: PluginSpec<'output'> = {
  name: 'borrow_capture',
  kind: 'output',
  description: 'Test output: reads events during emit, without the core, and keeps no reference (borrows).',
  schema: { params: [] },
  runtimes: ['node'],
  create(ctx): OutputPlugin {
    return {
      borrows: true,
      emit(stream: EventStream): void {
        // Lent bytes are a view of WASM memory; a borrowing output does not call the core.
        const lent = stream.entries.buffer === ctx.core.u8().buffer
        for (const e of decodeMulti(stream.entries)) seen.push({ i: ((e as unknown[])[1] as { i: number }).i, lent })
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

/** Six messages (PackedForward, Message, gzip) of events i = 0…; every message asks for an ack. */
function stream(): { bytes: Uint8Array; events: number; acks: Uint8Array } {
  let i = 0
  const e = () => entry(eventTime(T, i), record({ i: i++ }))
  const parts: Uint8Array[] = []
  const acks: Uint8Array[] = []
  for (let m = 0; m < 6; m++) {
    const chunk = `c${m}`
    acks.push(ack(chunk))
    if (m % 3 === 0) parts.push(packed('t.pk', entriesPayload([e(), e(), e()]), 'bin', options({ chunk })))
    else if (m % 3 === 1) parts.push(message('t.msg', eventTime(T, i), record({ i: i++ }), options({ chunk })))
    else parts.push(packed('t.gz', gzipSync(entriesPayload([e(), e()])), 'bin', options({ compressed: 'gzip', chunk })))
  }
  return { bytes: cat(...parts), events: i, acks: cat(...acks) }
}

describe('in_forward lends PackedForward payloads to outputs that borrow', () => {
  it('gives the same events in order and the acks in order, lending the plain PackedForward payloads', async () => {
    h = await startForward('', { match: '<match **>\n  @type borrow_capture\n</match>', plugins: [borrowCapture] })
    const { bytes, events, acks } = stream()
    const c = await h.client()
    await c.write(bytes) // all six messages in one write: framed in one call
    await c.waitForBytes(acks.length)
    expect(c.received).toEqual(Buffer.from(acks))
    expect(seen.map((s) => s.i)).toEqual(Array.from({ length: events }, (_, k) => k))
    // The first PackedForward payload was lent (nothing queued before it); the Message-mode and gzip
    // ones are JS copies, and the second PackedForward is copied: works were queued before it.
    expect(seen.filter((s) => s.lent).map((s) => s.i)).toEqual([0, 1, 2])
    // Byte by byte: the same again, to check the lent path across reads.
    const c2 = await h.client()
    await c2.writeInPieces(bytes, () => 7)
    await c2.waitForBytes(acks.length)
    expect(c2.received).toEqual(Buffer.from(acks))
    expect(seen.slice(events).map((s) => s.i)).toEqual(Array.from({ length: events }, (_, k) => k))
  })

  it('copies for an output that keeps streams, behind a filter, and with an @ERROR label', async () => {
    const filter = '<filter **>\n  @type record_transformer\n  <record>\n    x 1\n  </record>\n</filter>\n'
    const error = '<label @ERROR>\n  <match **>\n    @type null\n  </match>\n</label>\n'
    for (const [match, rest] of [
      ['', ''], // the capture output keeps every stream
      [`${filter}<match **>\n  @type borrow_capture\n</match>`, ''],
      ['<match **>\n  @type borrow_capture\n</match>', error],
    ]) {
      h = await startForward('', { ...(match !== '' ? { match } : {}), rest, plugins: [borrowCapture, filterRecordTransformer, outNull] })
      const { bytes, acks } = stream()
      const c = await h.client()
      await c.write(bytes)
      await c.waitForBytes(acks.length)
      expect(c.received).toEqual(Buffer.from(acks))
      if (match === '') {
        const got = await h.capture.waitFor(12)
        expect(got.map((e) => e.record.i)).toEqual(Array.from({ length: 12 }, (_, k) => k))
      } else {
        expect(seen.map((s) => s.i)).toEqual(Array.from({ length: 12 }, (_, k) => k))
        expect(seen.some((s) => s.lent)).toBe(false)
      }
      await h.stop()
      h = null
      seen.length = 0
    }
  })
})
