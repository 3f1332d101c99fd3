/**
 * @module Framer cases: the core's hot path (copy a chunk into the input region with
 * `core.input`, `core.frameInput` in a loop over STATUS_MORE, then a walk over the entry table that
 * sums each record's length) against what a JavaScript implementation must do to get the same
 * per-entry time and record: @msgpack/msgpack's and msgpackr's multi-object decoding of the same
 * chunks, plus decoding every PackedForward payload's entries (and gunzip for
 * CompressedPackedForward). Diagnostic variants split the core's time into copy, frame and walk.
 */

import { gunzipSync } from 'node:zlib'
import { Decoder, ExtensionCodec } from '@msgpack/msgpack'
import { Unpackr, addExtension } from 'msgpackr'
import * as abi from '../wasm/abi.ts'
import type { Core } from '../wasm/core.ts'
import { Mode } from '../wasm/types.ts'
import { compare, type BenchCase, type Check } from './harness.ts'
import type { Inputs, StreamInput } from './inputs.ts'

const MAX_FRAME = 0xffffffff
/** Socket-read size for the connection emulation. */
const READ_BYTES = 64 * 1024

const {
  STATUS_OK,
  STATUS_MORE,
  STATUS_NEED_MORE,
  R_CONSUMED,
  R_ENTRY_COUNT,
  R_ENTRIES_PTR,
  R_MESSAGE_COUNT,
  R_MESSAGES_PTR,
  R_NEED,
  R_AUX_ENTRY_COUNT,
  R_AUX_ENTRIES_PTR,
  ENTRY_WORDS,
  E_SEC,
  E_NSEC,
  E_RECORD_START,
  E_RECORD_END,
  E_FLAGS,
  MSG_WORDS,
  M_MODE,
  M_ENTRIES_START,
  M_ENTRIES_END,
} = abi

/** What the JS decoders turn a Fluentd EventTime into (Fluent::EventTime is an object too). */
export class EventTime {
  constructor(
    readonly sec: number,
    readonly nsec: number,
  ) {}
}

const be32 = (b: Uint8Array, o: number): number => ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0

const codec = new ExtensionCodec()
codec.register({
  type: 0,
  encode: () => null,
  decode: (data: Uint8Array) => new EventTime(be32(data, 0), be32(data, 4)),
})
// msgpackr keeps extensions per process; type 0 is otherwise read as `undefined`.
addExtension({ type: 0, unpack: (data: Uint8Array) => new EventTime(be32(data, 0), be32(data, 4)) } as Parameters<typeof addExtension>[0])

/** Totals a walk produced, for the checks. */
interface Tally {
  messages: number
  entries: number
  recordBytes: number
  secSum: number
  nsecSum: number
  invalid: number
}

const emptyTally = (): Tally => ({ messages: 0, entries: 0, recordBytes: 0, secSum: 0, nsecSum: 0, invalid: 0 })

function fail(what: string, st: number): never {
  throw new Error(`${what}: core stopped with status ${st}`)
}

export function framerCases(core: Core, inputs: Inputs): { cases: BenchCase[]; checks: Check[] } {
  const cases: BenchCase[] = []
  const checks: Check[] = []

  // ---- the core ----------------------------------------------------------------------------------

  /** Record bytes in the last frame call's entry table (every entry read, as a consumer would). */
  function tableRecordBytes(): number {
    const n = core.result(R_ENTRY_COUNT)
    const w = core.i32()
    let e = core.result(R_ENTRIES_PTR) >> 2
    let bytes = 0
    for (let i = 0; i < n; i++, e += ENTRY_WORDS) bytes += w[e + E_RECORD_END] - w[e + E_RECORD_START]
    return bytes
  }

  /** Frames the input region's `[0, len)` to the end (STATUS_MORE loop), walking every table: entries + record bytes. */
  function frameWalkInput(len: number): number {
    let total = 0
    let start = 0
    for (;;) {
      const st = core.frameInput(start, len, MAX_FRAME)
      total += core.result(R_ENTRY_COUNT) + tableRecordBytes()
      if (st === STATUS_MORE) {
        start = core.result(R_CONSUMED)
        continue
      }
      if (st !== STATUS_OK) fail('frame', st)
      return total
    }
  }

  /** The hot path: copy each chunk in, frame it (STATUS_MORE loop), walk its entry table. */
  function sluiceFrameWalk(input: StreamInput): () => number {
    const chunks = input.chunks
    return () => {
      let total = 0
      for (let c = 0; c < chunks.length; c++) {
        core.input(chunks[c])
        total += frameWalkInput(chunks[c].length)
      }
      return total
    }
  }

  /** Same, without reading the entry table (the count alone). */
  function sluiceFrameOnly(input: StreamInput): () => number {
    const chunks = input.chunks
    return () => {
      let entries = 0
      for (let c = 0; c < chunks.length; c++) {
        const chunk = chunks[c]
        core.input(chunk)
        let start = 0
        for (;;) {
          const st = core.frameInput(start, chunk.length, MAX_FRAME)
          entries += core.result(R_ENTRY_COUNT)
          if (st === STATUS_MORE) {
            start = core.result(R_CONSUMED)
            continue
          }
          if (st !== STATUS_OK) fail('frame', st)
          break
        }
      }
      return entries
    }
  }

  /** The copy alone: core.input() of every chunk. */
  function copyOnly(input: StreamInput): () => number {
    const chunks = input.chunks
    return () => {
      let s = 0
      for (let c = 0; c < chunks.length; c++) s += core.input(chunks[c])
      return s
    }
  }

  /** Frame + walk over bytes already in the input region (`copyEachOp`: copy the whole stream first). */
  function sluiceWhole(input: StreamInput, copyEachOp: boolean): () => number {
    const stream = input.stream
    return () => {
      if (copyEachOp) core.input(stream)
      return frameWalkInput(stream.length)
    }
  }

  /**
   * A connection: 64 KiB socket reads written straight into the input region; frame when at least
   * `need` bytes are buffered; move the incomplete tail to the front.
   */
  function sluiceSocket(input: StreamInput): () => number {
    const stream = input.stream
    let largest = 0
    for (let m = 1; m < input.messageOffsets.length; m++) largest = Math.max(largest, input.messageOffsets[m] - input.messageOffsets[m - 1])
    const capacity = largest + READ_BYTES
    return () => {
      const ptr = core.exports.inputReserve(capacity)
      if (ptr === 0) throw new Error('core.wasm is out of memory (input region)')
      let have = 0
      let needed = 0
      let total = 0
      for (let off = 0; off < stream.length; off += READ_BYTES) {
        const read = stream.subarray(off, Math.min(off + READ_BYTES, stream.length))
        core.u8().set(read, ptr + have)
        have += read.length
        if (have < needed) continue
        let start = 0
        for (;;) {
          const st = core.frameInput(start, have, MAX_FRAME)
          total += core.result(R_ENTRY_COUNT) + tableRecordBytes()
          if (st === STATUS_MORE) {
            start = core.result(R_CONSUMED)
            continue
          }
          if (st === STATUS_OK) {
            have = 0
            needed = 0
            break
          }
          if (st !== STATUS_NEED_MORE) fail('frame', st)
          const consumed = core.result(R_CONSUMED)
          needed = core.result(R_NEED) // counted from the pending message's start
          if (consumed > 0) core.u8().copyWithin(ptr, ptr + consumed, ptr + have)
          have -= consumed
          break
        }
      }
      if (have !== 0) throw new Error(`socket emulation: ${have} bytes left over`)
      return total
    }
  }

  /** CompressedPackedForward: frame, then per message gunzip its payload, walkEntries, walk the aux table. */
  function sluiceCompressed(input: StreamInput): () => number {
    const chunks = input.chunks
    return () => {
      let entries = 0
      let recordBytes = 0
      for (let c = 0; c < chunks.length; c++) {
        const chunk = chunks[c]
        core.input(chunk)
        let start = 0
        for (;;) {
          const st = core.frameInput(start, chunk.length, MAX_FRAME)
          const mc = core.result(R_MESSAGE_COUNT)
          const mp = core.result(R_MESSAGES_PTR) >> 2
          for (let m = 0; m < mc; m++) {
            const d = mp + m * MSG_WORDS
            let w = core.i32()
            if (w[d + M_MODE] !== Mode.COMPRESSED) throw new Error(`compressed input: message of mode ${w[d + M_MODE]}`)
            const inflated = gunzipSync(core.u8().subarray(w[d + M_ENTRIES_START], w[d + M_ENTRIES_END]))
            core.aux(inflated)
            const ws = core.exports.walkEntries(inflated.length)
            if (ws !== STATUS_OK) fail('walkEntries', ws)
            const n = core.result(R_AUX_ENTRY_COUNT)
            w = core.i32()
            let e = core.result(R_AUX_ENTRIES_PTR) >> 2
            for (let i = 0; i < n; i++, e += ENTRY_WORDS) recordBytes += w[e + E_RECORD_END] - w[e + E_RECORD_START]
            entries += n
          }
          if (st === STATUS_MORE) {
            start = core.result(R_CONSUMED)
            continue
          }
          if (st !== STATUS_OK) fail('frame', st)
          break
        }
      }
      return entries + recordBytes
    }
  }

  /** gunzip of every payload alone (the floor for the compressed case). */
  function gunzipOnly(input: StreamInput): () => number {
    const payloads = input.payloads
    return () => {
      let n = 0
      for (let i = 0; i < payloads.length; i++) n += gunzipSync(payloads[i]).length
      return n
    }
  }

  /** The check: every field of every entry, via the same hot-path API. */
  function sluiceTally(input: StreamInput): Tally {
    const t = emptyTally()
    const walk = (count: number, ptrWord: number) => {
      const w = core.i32()
      let e = core.result(ptrWord) >> 2
      for (let i = 0; i < count; i++, e += ENTRY_WORDS) {
        if (w[e + E_FLAGS] & 1) {
          t.invalid++
          continue
        }
        t.entries++
        t.recordBytes += w[e + E_RECORD_END] - w[e + E_RECORD_START]
        t.secSum += w[e + E_SEC] >>> 0
        t.nsecSum += w[e + E_NSEC] >>> 0
      }
    }
    for (const chunk of input.chunks) {
      core.input(chunk)
      let start = 0
      for (;;) {
        const st = core.frameInput(start, chunk.length, MAX_FRAME)
        const mc = core.result(R_MESSAGE_COUNT)
        const mp = core.result(R_MESSAGES_PTR) >> 2
        t.messages += mc
        if (input.name === 'compressed') {
          for (let m = 0; m < mc; m++) {
            const d = mp + m * MSG_WORDS
            const w = core.i32()
            if (w[d + M_MODE] !== Mode.COMPRESSED) {
              t.invalid++
              continue
            }
            const inflated = gunzipSync(core.u8().subarray(w[d + M_ENTRIES_START], w[d + M_ENTRIES_END]))
            core.aux(inflated)
            const ws = core.exports.walkEntries(inflated.length)
            if (ws !== STATUS_OK) fail('walkEntries', ws)
            walk(core.result(R_AUX_ENTRY_COUNT), R_AUX_ENTRIES_PTR)
          }
        } else walk(core.result(R_ENTRY_COUNT), R_ENTRIES_PTR)
        if (st === STATUS_MORE) {
          start = core.result(R_CONSUMED)
          continue
        }
        if (st !== STATUS_OK) fail('frame', st)
        break
      }
    }
    return t
  }

  // ---- the JavaScript competitors ----------------------------------------------------------------

  const outer = new Decoder({ extensionCodec: codec })
  const inner = new Decoder({ extensionCodec: codec })

  /** @msgpack/msgpack: decodeMulti over the chunk, then the entries of each carrier mode. */
  function msgpackDecode(input: StreamInput, tally: Tally | null): () => number {
    const chunks = input.chunks
    const event = (time: unknown, record: unknown): void => {
      if (!(time instanceof EventTime) || record === null || typeof record !== 'object') {
        if (tally) tally.invalid++
        return
      }
      if (tally) {
        tally.entries++
        tally.secSum += time.sec
        tally.nsecSum += time.nsec
      }
    }
    const entry = (ent: unknown): void => {
      const a = ent as unknown[]
      event(a[0], a[1])
    }
    return () => {
      let entries = 0
      for (let c = 0; c < chunks.length; c++) {
        for (const msg of outer.decodeMulti(chunks[c])) {
          const m = msg as unknown[]
          if (tally) tally.messages++
          const el1 = m[1]
          if (el1 instanceof Uint8Array) {
            const opts = m[2] as { compressed?: string } | undefined
            const payload = opts?.compressed === 'gzip' ? gunzipSync(el1) : el1
            for (const ent of inner.decodeMulti(payload)) {
              entry(ent)
              entries++
            }
          } else if (Array.isArray(el1)) {
            for (let i = 0; i < el1.length; i++) {
              entry(el1[i])
              entries++
            }
          } else {
            event(el1, m[2])
            entries++
          }
        }
      }
      return entries
    }
  }

  const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true })

  /** msgpackr: unpackMultiple over the chunk, then the entries of each carrier mode. */
  function msgpackrDecode(input: StreamInput, tally: Tally | null): () => number {
    const chunks = input.chunks
    let entries = 0
    const event = (time: unknown, record: unknown): void => {
      entries++
      if (!(time instanceof EventTime) || record === null || typeof record !== 'object') {
        if (tally) tally.invalid++
        return
      }
      if (tally) {
        tally.entries++
        tally.secSum += time.sec
        tally.nsecSum += time.nsec
      }
    }
    const entry = (ent: unknown): void => {
      const a = ent as unknown[]
      event(a[0], a[1])
    }
    return () => {
      entries = 0
      for (let c = 0; c < chunks.length; c++) {
        const msgs = unpackr.unpackMultiple(chunks[c]) as unknown[][]
        for (let k = 0; k < msgs.length; k++) {
          const m = msgs[k]
          if (tally) tally.messages++
          const el1 = m[1]
          if (el1 instanceof Uint8Array) {
            const opts = m[2] as { compressed?: string } | undefined
            const payload = opts?.compressed === 'gzip' ? gunzipSync(el1) : el1
            unpackr.unpackMultiple(payload, entry)
          } else if (Array.isArray(el1)) {
            for (let i = 0; i < el1.length; i++) entry(el1[i])
          } else event(el1, m[2])
        }
      }
      return entries
    }
  }

  // ---- the cases -------------------------------------------------------------------------------

  const want = (input: StreamInput) => ({
    messages: input.messages,
    entries: input.entries,
    secSum: input.secSum,
    nsecSum: input.nsecSum,
    invalid: 0,
  })

  for (const input of [inputs.packed, inputs.message, inputs.forward, inputs.compressed]) {
    const name = input.name
    const sluiceId = `framer.${name}.sluice`
    const msgpackId = `framer.${name}.msgpack`
    const msgpackrId = `framer.${name}.msgpackr`
    const bytes = input.stream.length
    const entries = input.entries
    const base = { group: 'framer' as const, input: name, bytesPerOp: bytes, entriesPerOp: entries, unit: 'entries' }

    // Correctness first: the core and both decoders against what the inputs hold.
    const mine = sluiceTally(input)
    checks.push(compare(`${sluiceId}: counts`, { ...mine }, { ...want(input), recordBytes: input.recordBytes }))
    const t1 = emptyTally()
    msgpackDecode(input, t1)()
    checks.push(compare(`${msgpackId}: counts`, { ...t1 }, want(input)))
    const t2 = emptyTally()
    msgpackrDecode(input, t2)()
    checks.push(compare(`${msgpackrId}: counts`, { ...t2 }, want(input)))

    const compressed = name === 'compressed'
    cases.push({
      ...base,
      id: sluiceId,
      label: `framer ${name}: sluice frame+walk`,
      impl: 'sluice',
      description: compressed
        ? 'per chunk: core.input copy, frameInput loop; per message: gunzipSync(payload), core.aux copy, walkEntries, sum record lengths from the aux entry table'
        : 'per chunk: core.input copy, frameInput loop over STATUS_MORE, sum E_RECORD_END-E_RECORD_START over the entry table',
      run: compressed ? sluiceCompressed(input) : sluiceFrameWalk(input),
      compareTo: [msgpackId, msgpackrId],
      targets:
        name === 'packed'
          ? [
              { metric: 'bytesPerSec', min: 1e9 },
              { metric: 'entriesPerSec', min: 8e6 },
              { metric: 'ratio', min: 5, vs: msgpackId },
            ]
          : undefined,
    })
    cases.push({
      ...base,
      id: msgpackId,
      label: `framer ${name}: @msgpack/msgpack`,
      impl: '@msgpack/msgpack',
      description:
        'Decoder.decodeMulti over each chunk (EventTime ext decoded), then the entries: decodeMulti of the bin payload (gunzipSync first when compressed), the entries array, or the one Message-mode event',
      run: msgpackDecode(input, null),
    })
    cases.push({
      ...base,
      id: msgpackrId,
      label: `framer ${name}: msgpackr`,
      impl: 'msgpackr',
      description:
        'Unpackr.unpackMultiple over each chunk (EventTime ext decoded), then the entries likewise (unpackMultiple with a callback over the bin payload)',
      run: msgpackrDecode(input, null),
    })

    // Diagnostics: where the core's time goes.
    if (name === 'packed' || name === 'message') {
      cases.push({
        ...base,
        id: `framer.${name}.diag.frame-only`,
        label: `diag ${name}: frame, no entry walk`,
        impl: 'diagnostic',
        description: 'core.input copy + frameInput loop; entries counted from R_ENTRY_COUNT, the table is not read',
        run: sluiceFrameOnly(input),
      })
    }
    if (name === 'packed') {
      cases.push({
        ...base,
        id: 'framer.packed.diag.copy-only',
        label: 'diag packed: core.input copy only',
        impl: 'diagnostic',
        description: 'core.input() of every chunk, nothing else',
        run: copyOnly(input),
      })
      cases.push({
        ...base,
        id: 'framer.packed.diag.no-copy',
        label: 'diag packed: frame+walk, bytes already in WASM',
        impl: 'diagnostic',
        description: 'the whole stream put in the input region once (not timed); frameInput loop + entry walk over it',
        prepare: () => {
          core.input(input.stream)
        },
        run: sluiceWhole(input, false),
      })
      cases.push({
        ...base,
        id: 'framer.packed.diag.whole-copy',
        label: 'diag packed: one 14 MB copy + frame+walk',
        impl: 'diagnostic',
        description: 'the whole stream copied with one core.input per op, then frameInput loop + entry walk',
        run: sluiceWhole(input, true),
      })
      cases.push({
        ...base,
        id: 'framer.packed.diag.socket-64k',
        label: 'diag packed: 64 KiB socket reads',
        impl: 'diagnostic',
        description:
          '64 KiB reads written into the input region; frame when R_NEED bytes are there (NEED_MORE path); tail moved to the front',
        run: sluiceSocket(input),
      })
    }
    if (compressed) {
      cases.push({
        ...base,
        id: 'framer.compressed.diag.gunzip-only',
        label: 'diag compressed: gunzipSync only',
        impl: 'diagnostic',
        description: 'gunzipSync of every payload, nothing else (the floor for every implementation)',
        run: gunzipOnly(input),
      })
    }
  }
  // Every core variant must see every entry and record byte.
  for (const c of cases) {
    if (c.impl === 'msgpackr' || c.impl === '@msgpack/msgpack' || c.id.includes('copy-only') || c.id.includes('gunzip')) continue
    const input = inputs[c.input as 'packed' | 'message' | 'forward' | 'compressed']
    const expected = c.id.includes('frame-only') ? input.entries : input.entries + input.recordBytes
    c.prepare?.()
    const got = c.run()
    checks.push({ id: `${c.id}: entries + record bytes`, ok: got === expected, detail: `got ${got}, want ${expected}` })
  }

  // Label fix-up for the size of the stream in the whole-copy diagnostic.
  const whole = cases.find((c) => c.id === 'framer.packed.diag.whole-copy')
  if (whole) whole.label = `diag packed: one ${(inputs.packed.stream.length / 1e6).toFixed(0)} MB copy + frame+walk`

  return { cases, checks }
}
