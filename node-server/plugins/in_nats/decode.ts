/**
 * @module One NATS message's payload → an EventStream, with the core's Forward framer: the payload
 * must be exactly one Forward message (Message, Forward, PackedForward or CompressedPackedForward
 * with gzip) with a string tag. A PackedForward whose entries are all `[EventTime, map]` with a
 * non-zero time — what out_nats publishes — is emitted as a view of the payload (no copy, no
 * object per event); anything else goes through the core's packer (invalid entries skipped and
 * counted, integer times turned into EventTime, time 0 into now). What cannot be read at all is
 * a `failed` result with the reason (the reader dead-letters it).
 */

import { gunzipSync } from 'node:zlib'
import * as abi from '../../../wasm/abi.ts'
import type { Core, Packer } from '../../../wasm/core.ts'
import { Compressed, Mode } from '../../../wasm/types.ts'
import type { EventStream } from '../../../engine/event-stream.ts'

const textDecoder = new TextDecoder('utf-8', { fatal: true })
const NO_LIMIT = 0x7fff_ffff
const REASONS = ['', 'time', 'record', 'shape'] as const

export type Decoded =
  /** `stream` is null when no entry was valid; `invalid` entries were skipped (their reasons counted). */
  { ok: true; stream: EventStream | null; invalid: number; reasons: Record<string, number> } | { ok: false; reason: string }

export interface DecoderOptions {
  decompressionSizeLimit: number
  /** The tag to emit for a message's own tag. */
  rewriteTag(tag: string): string
  now(): number
}

export class MessageDecoder {
  private readonly packer: Packer

  constructor(
    private readonly core: Core,
    private readonly options: DecoderOptions,
  ) {
    this.packer = core.createPacker({ mode: 'packed', byteLimit: NO_LIMIT, entryLimit: NO_LIMIT })
  }

  decode(data: Uint8Array): Decoded {
    if (data.length === 0) return { ok: false, reason: 'the message is empty' }
    const core = this.core
    const base = core.input(data)
    const st = core.frameInput(0, data.length, NO_LIMIT)
    if (st === abi.STATUS_NO_MEMORY) return { ok: false, reason: 'core.wasm is out of memory for this message' }
    if (st === abi.STATUS_INVALID) return { ok: false, reason: `not msgpack (invalid byte at offset ${core.result(abi.R_ERROR_OFFSET)})` }
    if (st === abi.STATUS_NEED_MORE || core.result(abi.R_MESSAGE_COUNT) === 0)
      return { ok: false, reason: 'the msgpack object is cut short' }
    if (core.result(abi.R_MESSAGE_COUNT) !== 1 || core.result(abi.R_CONSUMED) !== data.length) {
      return { ok: false, reason: 'more than one msgpack object in the message (one Forward message is expected)' }
    }
    const words = core.i32()
    const row = core.result(abi.R_MESSAGES_PTR) >> 2
    const mode = words[row + abi.M_MODE]
    if (mode === Mode.HEARTBEAT || mode === Mode.NOT_ARRAY) return { ok: false, reason: 'not a Forward message ([tag, …] array)' }
    const flags = words[row + abi.M_FLAGS]
    if ((flags & abi.MSG_TAG_VALID) === 0) return { ok: false, reason: 'the Forward message has no string tag' }
    let tag: string
    try {
      tag = textDecoder.decode(data.subarray(words[row + abi.M_TAG_START] - base, words[row + abi.M_TAG_END] - base))
    } catch {
      return { ok: false, reason: 'the tag is not UTF-8' }
    }
    tag = this.options.rewriteTag(tag)
    const first = words[row + abi.M_FIRST_ENTRY]
    const count = words[row + abi.M_ENTRY_COUNT]
    const invalid = words[row + abi.M_INVALID_COUNT]
    const compressed = words[row + abi.M_COMPRESSED]
    const entriesStart = words[row + abi.M_ENTRIES_START] - base
    const entriesEnd = words[row + abi.M_ENTRIES_END] - base
    if (mode === Mode.COMPRESSED || (mode === Mode.PACKED && compressed === Compressed.OTHER)) {
      return this.compressed(tag, compressed, data.subarray(entriesStart, entriesEnd))
    }
    const reasons = invalid > 0 ? this.reasons(first, count, false) : {}
    if (count === invalid) return { ok: true, stream: null, invalid, reasons }
    if (mode === Mode.PACKED && invalid === 0 && this.clean(first, count, false)) {
      return { ok: true, stream: { tag, entries: data.subarray(entriesStart, entriesEnd), count }, invalid, reasons }
    }
    return { ok: true, stream: { tag, entries: this.pack(first, count, false), count: count - invalid }, invalid, reasons }
  }

  private compressed(tag: string, kind: number, payload: Uint8Array): Decoded {
    if (kind !== Compressed.GZIP) {
      return {
        ok: false,
        reason:
          kind === Compressed.ZSTD
            ? 'zstd-compressed messages are not supported (gzip is)'
            : 'unknown "compressed" option (gzip is supported)',
      }
    }
    let inflated: Uint8Array
    try {
      inflated = payload.length === 0 ? new Uint8Array(0) : gunzipSync(payload, { maxOutputLength: this.options.decompressionSizeLimit })
    } catch (error) {
      const tooLarge = (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError
      return {
        ok: false,
        reason: tooLarge
          ? `the gzip payload inflates to more than decompression_size_limit (${this.options.decompressionSizeLimit} bytes)`
          : `the gzip payload is broken (${(error as Error).message})`,
      }
    }
    const core = this.core
    core.aux(inflated)
    const st = core.exports.walkEntries(inflated.length)
    if (st !== abi.STATUS_OK) {
      return {
        ok: false,
        reason: st === abi.STATUS_NO_MEMORY ? 'core.wasm is out of memory' : 'the inflated entries are not msgpack entries',
      }
    }
    const count = core.result(abi.R_AUX_ENTRY_COUNT)
    const invalid = core.result(abi.R_AUX_INVALID_COUNT)
    const reasons = invalid > 0 ? this.reasons(0, count, true) : {}
    if (count === invalid) return { ok: true, stream: null, invalid, reasons }
    if (invalid === 0 && this.clean(0, count, true)) return { ok: true, stream: { tag, entries: inflated, count }, invalid, reasons }
    return { ok: true, stream: { tag, entries: this.pack(0, count, true), count: count - invalid }, invalid, reasons }
  }

  /** All entries `[EventTime, map]` 2-arrays with a non-zero EventTime: their bytes can be emitted as they are. */
  private clean(first: number, count: number, aux: boolean): boolean {
    const core = this.core
    const words = core.i32()
    const bytes = core.u8()
    let e = (core.result(aux ? abi.R_AUX_ENTRIES_PTR : abi.R_ENTRIES_PTR) >> 2) + first * abi.ENTRY_WORDS
    for (let k = 0; k < count; k++, e += abi.ENTRY_WORDS) {
      if (words[e + abi.E_FLAGS] !== 0 || words[e + abi.E_SEC] === 0) return false
      const p = words[e + abi.E_ENTRY_START]
      if (bytes[p] !== 0x92) return false
      const t = bytes[p + 1]
      if (t === 0xd7 ? bytes[p + 2] !== 0x00 : t !== 0xc7 || bytes[p + 2] !== 0x08 || bytes[p + 3] !== 0x00) return false
    }
    return true
  }

  /** The valid entries normalized by the packer (a copy). */
  private pack(first: number, count: number, aux: boolean): Uint8Array {
    const ms = this.options.now()
    const { consumed, stop } = this.packer.appendEntries(first, count, Math.floor(ms / 1000), (ms % 1000) * 1_000_000, aux)
    if (stop !== 'ok' || consumed !== count) {
      this.packer.reset()
      throw new Error(`the packer refused an entry (${stop})`)
    }
    const entries = this.packer.bodyView().slice()
    this.packer.reset()
    return entries
  }

  private reasons(first: number, count: number, aux: boolean): Record<string, number> {
    const out: Record<string, number> = {}
    for (let k = 0; k < count; k++) {
      const flags = this.core.entry(first + k, abi.E_FLAGS, aux)
      if (flags & abi.ENTRY_INVALID) {
        const reason = REASONS[(flags >> 8) & 0xff] ?? 'unknown'
        out[reason] = (out[reason] ?? 0) + 1
      }
    }
    return out
  }
}
