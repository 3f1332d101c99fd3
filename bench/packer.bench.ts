/**
 * @module Packer cases: entries of framed PackedForward messages (the main entry table of one
 * frame call) appended into a PackedForward packer with a 1 MiB byte limit, sealing whenever it
 * is full — with one `Packer.appendEntries` call per batch (the hot path), and with one
 * `appendAt` call per entry for comparison. Sealed messages are counted; the check decodes them.
 */

import { Decoder } from '@msgpack/msgpack'
import * as abi from '../wasm/abi.ts'
import type { Core, Packer } from '../wasm/core.ts'
import { compare, type BenchCase, type Check } from './harness.ts'
import type { Inputs } from './inputs.ts'

const BYTE_LIMIT = 1 << 20
const MESSAGES = 10
const NOW_SEC = 1_750_000_000

export function packerCases(core: Core, inputs: Inputs): { cases: BenchCase[]; checks: Check[]; info: Record<string, number> } {
  const packed = inputs.packed
  const messages = Math.min(MESSAGES, packed.messages)
  const bytes = packed.stream.subarray(0, packed.messageOffsets[messages])

  /** Frames the messages into this core's main entry table; returns the entry count and bytes. */
  const frame = (): { count: number; entryBytes: number; recordBytes: number } => {
    core.input(bytes)
    const st = core.frameInput(0, bytes.length, 0xffffffff)
    if (st !== abi.STATUS_OK) throw new Error(`packer setup: frame status ${st}`)
    const count = core.result(abi.R_ENTRY_COUNT)
    const w = core.i32()
    let e = core.result(abi.R_ENTRIES_PTR) >> 2
    let entryBytes = 0
    let recordBytes = 0
    for (let i = 0; i < count; i++, e += abi.ENTRY_WORDS) {
      entryBytes += w[e + abi.E_ENTRY_END] - w[e + abi.E_ENTRY_START]
      recordBytes += w[e + abi.E_RECORD_END] - w[e + abi.E_RECORD_START]
    }
    return { count, entryBytes, recordBytes }
  }
  const framed = frame()
  const count = framed.count

  const make = (): Packer => {
    const p = core.createPacker({ mode: 'packed', byteLimit: BYTE_LIMIT, entryLimit: 0x7fffffff })
    p.setTag('app.bench.packer')
    return p
  }

  let sealed = 0
  let sealedBytes = 0

  /** appendEntries over the whole table, sealing when full. */
  const appendAll = (p: Packer, onSeal: (msg: Uint8Array) => void): number => {
    let from = 0
    let left = count
    while (left > 0) {
      const r = p.appendEntries(from, left, NOW_SEC, 0)
      from += r.consumed
      left -= r.consumed
      if (r.stop === 'full') onSeal(p.sealView())
      else if (r.stop === 'too-large') throw new Error('packer: entry too large')
    }
    return from
  }

  // Correctness: pack everything, seal the rest, decode every sealed message.
  const checks: Check[] = []
  let sealedMessages = 0
  {
    const p = make()
    const out: Uint8Array[] = []
    appendAll(p, (m) => out.push(m.slice()))
    out.push(p.seal())
    p.free()
    // The packer writes `92 d7 00 sec nsec record` per entry, exactly what the input payloads
    // hold, so the sealed bodies must concatenate to the input payloads byte for byte.
    const outer = new Decoder()
    const inner = new Decoder()
    const want = Buffer.concat([...outer.decodeMulti(bytes)].map((m) => (m as [string, Uint8Array])[1]))
    const bodies: Uint8Array[] = []
    let entries = 0
    let sizeSum = 0
    let bad = 0
    for (const msg of out) {
      const [tag, body, opts] = outer.decode(msg) as [string, Uint8Array, { size: number }]
      if (tag !== 'app.bench.packer' || body.length > BYTE_LIMIT) bad++
      sizeSum += opts.size
      for (const _ of inner.decodeMulti(body)) entries++
      bodies.push(body)
    }
    const got = Buffer.concat(bodies)
    sealedMessages = out.length
    checks.push(
      compare(
        'packer.appendEntries: sealed messages',
        {
          messages: out.length,
          entries,
          sizeSum,
          badMessages: bad,
          bodyBytes: got.length,
          identical: got.equals(want) ? 1 : 0,
        },
        {
          entries: count,
          sizeSum: count,
          badMessages: 0,
          bodyBytes: framed.entryBytes,
          identical: 1,
        },
      ),
    )
  }

  const pBatch = make()
  const pEach = make()
  const base = {
    group: 'packer' as const,
    input: `${messages} PackedForward messages`,
    bytesPerOp: framed.entryBytes,
    entriesPerOp: count,
    unit: 'entries',
    prepare: () => {
      frame()
      sealed = 0
      sealedBytes = 0
    },
  }

  const cases: BenchCase[] = [
    {
      ...base,
      id: 'packer.appendEntries',
      label: 'packer: appendEntries, 1 MiB chunks',
      impl: 'sluice',
      description: `the ${count} entries of one frame call appended with Packer.appendEntries(from, count) into a PackedForward packer (byteLimit 1 MiB), sealView() whenever it is full`,
      run: () =>
        appendAll(pBatch, (m) => {
          sealed++
          sealedBytes += m.length
        }) +
        sealed +
        sealedBytes,
      targets: [{ metric: 'entriesPerSec', min: 5e6 }],
      compareTo: ['packer.appendAt'],
    },
    {
      ...base,
      id: 'packer.appendAt',
      label: 'packer: appendAt per entry',
      impl: 'diagnostic',
      description: 'the same entries, one Packer.appendAt(sec, nsec, ptr, len) call per entry read from the entry table in JS',
      run: () => {
        let w = core.i32()
        let e = core.result(abi.R_ENTRIES_PTR) >> 2
        let n = 0
        for (let i = 0; i < count; i++, e += abi.ENTRY_WORDS) {
          if (w.length === 0) w = core.i32() // memory grew: re-make the view
          if (w[e + abi.E_FLAGS] & 1) continue
          const rec = w[e + abi.E_RECORD_START]
          const len = w[e + abi.E_RECORD_END] - rec
          let st = pEach.appendAt(w[e + abi.E_SEC] >>> 0, w[e + abi.E_NSEC] >>> 0, rec, len)
          if (st === 'full') {
            const m = pEach.sealView()
            sealed++
            sealedBytes += m.length
            st = pEach.appendAt(w[e + abi.E_SEC] >>> 0, w[e + abi.E_NSEC] >>> 0, rec, len)
          }
          if (st !== 'ok') throw new Error(`packer: appendAt ${st}`)
          n++
        }
        return n + sealed + sealedBytes
      },
    },
  ]
  return {
    cases,
    checks,
    info: {
      messages,
      entries: count,
      entryBytes: framed.entryBytes,
      byteLimit: BYTE_LIMIT,
      entriesPerSealedMessage: Math.floor(BYTE_LIMIT / (framed.entryBytes / count)),
      sealedMessagesInCheck: sealedMessages,
    },
  }
}
