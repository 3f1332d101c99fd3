/**
 * @module One framed msgpack message (a row of the core's message table) → the connection's
 * `Work`: the tag, the events (fast path or packer, see events.ts), gzip inflation with a size
 * cap, the size limits, invalid-event counting, and the ack bytes. Everything is read out of WASM
 * memory here, synchronously, before the next `frame` call reuses the tables.
 */

import { gunzipSync } from 'node:zlib'
import * as abi from '../../../wasm/abi.ts'
import type { Core } from '../../../wasm/core.ts'
import { Compressed, Mode } from '../../../wasm/types.ts'
import type { Logger } from '../../../engine/log.ts'
import type { PluginMetrics } from '../../../engine/metrics.ts'
import type { EmitTarget } from '../../../engine/plugin.ts'
import { msgpackAck } from '../../../engine/forward/ack.ts'
import { rememberIndex, rowsAt } from '../../../engine/entry-view.ts'
import type { EventStream } from '../../../engine/event-stream.ts'
import type { ForwardOptions } from './options.ts'
import type { EventBuilder } from './events.ts'
import { headBase64, peerName, type Peer, type Work } from './work.ts'

const textDecoder = new TextDecoder()

/** zlib's default output chunk, and how much larger than its input an output buffer is guessed at most. */
const MIN_INFLATE_CHUNK = 16 * 1024
const MAX_INFLATE_RATIO = 32

/**
 * The output buffer size for inflating `bytes[start, end)`: the gzip trailer's ISIZE (the last
 * member's size) plus one, so the usual single-member payload inflates into one buffer that is
 * returned as it is (zlib's 16 KiB default makes ten buffers and a concatenation for 160 KB).
 * Bounded by a ratio to the input (a forged ISIZE allocates nothing big) and by the limit; a
 * wrong guess only costs more buffers.
 */
function inflateChunkSize(bytes: Uint8Array, start: number, end: number, limit: number): number {
  const n = end - start
  if (n < 18) return MIN_INFLATE_CHUNK
  const isize = (bytes[end - 4] | (bytes[end - 3] << 8) | (bytes[end - 2] << 16) | (bytes[end - 1] << 24)) >>> 0
  return Math.max(MIN_INFLATE_CHUNK, Math.min(isize + 1, n * MAX_INFLATE_RATIO, limit + 1))
}

/** Consecutive Message-mode messages of one tag, packed together into one stream. */
interface Batch {
  tag: string
  valid: number
  acks: Uint8Array[]
}

export class MessageReader {
  /** The last tag's bytes and text: consecutive messages usually share a tag. */
  private lastTagBytes = new Uint8Array(0)
  private lastTag = ''
  private batch: Batch | null = null
  /** Batching changes nothing a peer can see but is off where per-message handling matters. */
  private readonly batching: boolean
  /** Streams are emitted as they are (no source keys to inject), so their bytes may be lent. */
  private readonly mayLend: boolean

  constructor(
    private readonly core: Core,
    private readonly options: ForwardOptions,
    private readonly events: EventBuilder,
    private readonly log: Logger,
    private readonly metrics: PluginMetrics,
    private readonly router: EmitTarget,
  ) {
    this.batching = !options.denyKeepalive && options.sourceAddressKey === null && options.sourceHostnameKey === null
    this.mayLend = options.sourceAddressKey === null && options.sourceHostnameKey === null
  }

  /**
   * Reads message `i` of the last frame call into `out`. Consecutive Message-mode messages with
   * the same tag are packed into one stream (one emit; their acks are written together after
   * it); call `flush` when the frame's messages are done. With `lend` (nothing is queued before
   * this message), a PackedForward payload kept as it is may be lent: the work is `borrowed`, its
   * stream a view of WASM memory that must be emitted before the next core call.
   */
  read(i: number, peer: Peer, out: Work[], lend = false): void {
    const work = this.readOne(i, peer, out, lend)
    if (work === null) return
    this.flush(peer, out)
    out.push(work)
  }

  /** Ends the pending Message-mode batch, if any. */
  flush(peer: Peer, out: Work[]): void {
    const batch = this.batch
    if (batch === null) return
    this.batch = null
    const entries = this.events.take()
    const ack = batch.acks.length === 0 ? null : batch.acks.length === 1 ? batch.acks[0] : Buffer.concat(batch.acks)
    out.push({ kind: 'message', stream: this.events.finish(batch.tag, entries, batch.valid, peer), ack })
  }

  /** Drops a pending batch (after an unexpected error). */
  discard(): void {
    this.batch = null
    this.events.take()
  }

  /** One message: its Work, or null when it joined the batch or needs none (heartbeats, non-arrays). */
  private readOne(i: number, peer: Peer, out: Work[], lend: boolean): Work | null {
    const core = this.core
    // Read the whole row once (the views stay valid until a core call that may grow memory).
    const words = core.i32()
    const row = (core.result(abi.R_MESSAGES_PTR) >> 2) + i * abi.MSG_WORDS
    const mode = words[row + abi.M_MODE]
    if (mode === Mode.HEARTBEAT) return null
    const start = words[row + abi.M_START]
    const end = words[row + abi.M_END]
    if (mode === Mode.NOT_ARRAY) {
      this.metrics.errors++
      this.log.warn('Incoming chunk is broken (not an array); ignored it.', {
        peer: peerName(peer),
        size: end - start,
        head: headBase64(core.u8(), start, end),
      })
      return null
    }
    const size = end - start
    this.metrics.bytesIn += size
    const flags = words[row + abi.M_FLAGS]
    const first = words[row + abi.M_FIRST_ENTRY]
    const count = words[row + abi.M_ENTRY_COUNT]
    const invalid = words[row + abi.M_INVALID_COUNT]
    const compressed = words[row + abi.M_COMPRESSED]
    const signal = words[row + abi.M_FLUENT_SIGNAL]
    const sizeOption = flags & abi.MSG_HAS_SIZE ? words[row + abi.M_SIZE] >>> 0 : 0
    const entriesStart = words[row + abi.M_ENTRIES_START]
    const entriesEnd = words[row + abi.M_ENTRIES_END]
    const bytes = core.u8()
    const tag = flags & abi.MSG_TAG_VALID ? this.tag(bytes, words[row + abi.M_TAG_START], words[row + abi.M_TAG_END]) : null
    const ack = flags & abi.MSG_HAS_CHUNK ? msgpackAck(bytes, words[row + abi.M_CHUNK_START], words[row + abi.M_CHUNK_END]) : null
    const tagForLog = tag ?? '(not a string)'

    if (this.options.chunkSizeLimit !== null && size > this.options.chunkSizeLimit) {
      const events = mode === Mode.COMPRESSED ? sizeOption : count
      this.metrics.dropped += events
      this.log.warn('Message is larger than chunk_size_limit; dropped it without an ack (the sender will retry it).', {
        peer: peerName(peer),
        tag: tagForLog,
        size,
        limit: this.options.chunkSizeLimit,
        events,
      })
      return { kind: 'message', stream: null, ack: null }
    }
    if (this.options.chunkSizeWarnLimit !== null && size > this.options.chunkSizeWarnLimit) {
      this.log.warn('Message is larger than chunk_size_warn_limit.', {
        peer: peerName(peer),
        tag: tagForLog,
        size,
        limit: this.options.chunkSizeWarnLimit,
      })
    }
    if (signal > 0) {
      this.log.warn('Message carries fluent_signal metrics or traces, which sluice does not handle; dropped it (acked).', {
        peer: peerName(peer),
        tag: tagForLog,
        fluent_signal: signal,
      })
      return { kind: 'message', stream: null, ack }
    }

    if (mode === Mode.COMPRESSED || (mode === Mode.PACKED && compressed === Compressed.OTHER)) {
      this.flush(peer, out) // the packer must be free of a batch
      return this.compressed(compressed, entriesStart, entriesEnd, tag, ack, peer)
    }
    if (tag === null) {
      this.events.invalid(tagForLog, first, count, count, false, peer, true)
      return { kind: 'message', stream: null, ack }
    }
    this.events.invalid(tag, first, count, invalid, false, peer)
    if (mode === Mode.MESSAGE && this.batching) {
      if (this.batch !== null && this.batch.tag !== tag) this.flush(peer, out)
      this.batch ??= { tag, valid: 0, acks: [] }
      this.events.append(first, count, false)
      this.batch.valid += count - invalid
      if (ack !== null) this.batch.acks.push(ack)
      return null
    }
    this.flush(peer, out)
    if (mode === Mode.PACKED && invalid === 0 && this.events.clean(first, count, false)) {
      // Emitted at once into outputs that keep nothing of it past the emit (out_null) or copy
      // what they keep (a buffered output's chunk): no copy of the payload here.
      if (lend && out.length === 0 && this.mayLend && this.router.lends?.(tag) === true) {
        const view = this.core.u8().subarray(entriesStart, entriesEnd)
        return {
          kind: 'message',
          stream: this.events.finish(tag, view, count, peer, true),
          ack,
          borrowed: true,
        }
      }
      // (u8() again: the route lookup may have grown memory.)
      const copy = this.core.u8().slice(entriesStart, entriesEnd)
      return { kind: 'message', stream: this.withRows(this.events.finish(tag, copy, count, peer), copy, first, count, entriesStart), ack }
    }
    const packed = this.events.pack(first, count, count - invalid, false)
    return { kind: 'message', stream: this.events.finish(tag, packed.entries, packed.count, peer), ack }
  }

  /**
   * Hands the stream the framer's rows of its entries (entry-view.ts), positions rebased to the
   * stream's bytes, so the chunker and filter_grep's JS pass do not walk it again. Only when the
   * stream is those bytes (no source keys injected) and every entry was valid and in order.
   */
  private withRows(
    stream: EventStream | null,
    entries: Uint8Array,
    first: number,
    count: number,
    entriesStart: number,
  ): EventStream | null {
    if (stream === null || stream.entries !== entries) return stream
    const from = (this.core.result(abi.R_ENTRIES_PTR) >> 2) + first * abi.ENTRY_WORDS
    rememberIndex(stream, rowsAt(this.core, from, count, entriesStart))
    return stream
  }

  /**
   * CompressedPackedForward: inflate every gzip member (capped), walk, then as PackedForward.
   * zstd and unknown `compressed` values close the connection (Fluentd raises on them too).
   */
  private compressed(kind: number, payloadStart: number, payloadEnd: number, tag: string | null, ack: Uint8Array | null, peer: Peer): Work {
    const core = this.core
    if (kind !== Compressed.GZIP) {
      const reason =
        kind === Compressed.ZSTD
          ? 'zstd-compressed messages are not supported by sluice yet (send gzip or text)'
          : 'unknown "compressed" option value (expected text or gzip)'
      this.metrics.errors++
      this.log.error(`Cannot read a compressed message: ${reason}; closing the connection.`, {
        peer: peerName(peer),
        tag: tag ?? '(not a string)',
        head: headBase64(core.u8(), payloadStart, payloadEnd),
      })
      return { kind: 'close', reason }
    }
    let inflated: Uint8Array
    try {
      inflated =
        payloadEnd === payloadStart
          ? new Uint8Array(0)
          : gunzipSync(core.u8().subarray(payloadStart, payloadEnd), {
              maxOutputLength: this.options.decompressionSizeLimit,
              chunkSize: inflateChunkSize(core.u8(), payloadStart, payloadEnd, this.options.decompressionSizeLimit),
            })
    } catch (err) {
      const tooLarge = (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError
      const reason = tooLarge
        ? `the gzip payload inflates to more than decompression_size_limit (${this.options.decompressionSizeLimit} bytes)`
        : `the gzip payload is broken (${(err as Error).message})`
      this.metrics.errors++
      this.log.error(`Cannot inflate a compressed message: ${reason}; closing the connection.`, {
        peer: peerName(peer),
        tag: tag ?? '(not a string)',
        head: headBase64(core.u8(), payloadStart, payloadEnd),
      })
      return { kind: 'close', reason }
    }
    core.aux(inflated)
    const st = core.exports.walkEntries(inflated.length)
    if (st !== abi.STATUS_OK) {
      const reason =
        st === abi.STATUS_NO_MEMORY ? 'out of memory' : `the inflated entries are broken at offset ${core.result(abi.R_ERROR_OFFSET)}`
      this.metrics.errors++
      this.log.error(`Cannot read a compressed message: ${reason}; closing the connection.`, {
        peer: peerName(peer),
        tag: tag ?? '(not a string)',
        head: headBase64(inflated, 0, inflated.length),
      })
      return { kind: 'close', reason }
    }
    const count = core.result(abi.R_AUX_ENTRY_COUNT)
    if (tag === null) {
      this.events.invalid('(not a string)', 0, count, count, true, peer, true)
      return { kind: 'message', stream: null, ack }
    }
    const invalid = core.result(abi.R_AUX_INVALID_COUNT)
    this.events.invalid(tag, 0, count, invalid, true, peer)
    if (invalid === 0 && this.events.clean(0, count, true)) {
      return { kind: 'message', stream: this.events.finish(tag, inflated, count, peer), ack }
    }
    const packed = this.events.pack(0, count, count - invalid, true)
    return { kind: 'message', stream: this.events.finish(tag, packed.entries, packed.count, peer), ack }
  }

  private tag(bytes: Uint8Array, start: number, end: number): string {
    const len = end - start
    const last = this.lastTagBytes
    if (len === last.length) {
      let same = true
      for (let k = 0; k < len; k++) {
        if (bytes[start + k] !== last[k]) {
          same = false
          break
        }
      }
      if (same) return this.lastTag
    }
    this.lastTagBytes = bytes.slice(start, end)
    this.lastTag = textDecoder.decode(this.lastTagBytes)
    return this.lastTag
  }
}
