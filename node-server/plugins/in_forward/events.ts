/**
 * @module Turning a message's described entries into an EventStream's bytes. The fast path keeps a
 * PackedForward payload as it is when every entry is already `[EventTime, map]` with a non-zero
 * time (no per-event work but a look at each entry's descriptor); everything else goes through
 * the core's packer (invalid entries skipped, integer and v1.5 `[time, {meta}]` times turned into
 * EventTime, time 0 replaced by now). Records are decoded only to inject `source_address_key` /
 * `source_hostname_key`, and only when those are configured.
 */

import * as abi from '../../../wasm/abi.ts'
import type { Core, Packer } from '../../../wasm/core.ts'
import { decodeRecord, eachEntry, encodeRecord, type EventStream } from '../../../engine/event-stream.ts'
import type { Logger } from '../../../engine/log.ts'
import type { PluginMetrics } from '../../../engine/metrics.ts'
import { rewriteTag, type ForwardOptions } from './options.ts'
import { peerName, type Peer } from './work.ts'

const REASONS = ['', 'time', 'record', 'shape'] as const
const NO_LIMIT = 0x7fff_ffff

export class EventBuilder {
  private readonly packer: Packer

  constructor(
    private readonly core: Core,
    private readonly options: ForwardOptions,
    private readonly log: Logger,
    private readonly metrics: PluginMetrics,
    private readonly clock: () => number,
  ) {
    this.packer = core.createPacker({ mode: 'packed', byteLimit: NO_LIMIT, entryLimit: NO_LIMIT })
  }

  /** "Now" as EventTime parts, for time-0 events. */
  now(): [sec: number, nsec: number] {
    const ms = this.clock()
    return [Math.floor(ms / 1000), Math.floor(ms % 1000) * 1_000_000]
  }

  /**
   * True when entries `[first, first+count)` of the main (or aux) table are all valid
   * `[EventTime, map]` 2-arrays with a non-zero time written as EventTime (fixext8 or ext8): their
   * bytes can be emitted as they are.
   */
  clean(first: number, count: number, aux: boolean): boolean {
    const words = this.core.i32()
    const bytes = this.core.u8()
    let e = (this.core.result(aux ? abi.R_AUX_ENTRIES_PTR : abi.R_ENTRIES_PTR) >> 2) + first * abi.ENTRY_WORDS
    for (let k = 0; k < count; k++, e += abi.ENTRY_WORDS) {
      if (words[e + abi.E_FLAGS] !== 0 || words[e + abi.E_SEC] === 0) return false
      const p = words[e + abi.E_ENTRY_START]
      if (bytes[p] !== 0x92) return false
      const t = bytes[p + 1]
      if (t === 0xd7 ? bytes[p + 2] !== 0x00 : t !== 0xc7 || bytes[p + 2] !== 0x08 || bytes[p + 3] !== 0x00) return false
    }
    return true
  }

  /**
   * Entries `[first, first+count)` normalized through the packer (`valid` of them are valid);
   * returns a copy of the packed entries. The packer must hold no batch.
   */
  pack(first: number, count: number, valid: number, aux: boolean): { entries: Uint8Array; count: number } {
    if (valid === 0) return { entries: new Uint8Array(0), count: 0 }
    this.append(first, count, aux)
    return { entries: this.take(), count: valid }
  }

  /** Appends entries `[first, first+count)` to the packer's pending bytes (invalid ones skipped). */
  append(first: number, count: number, aux: boolean): void {
    const [sec, nsec] = this.now()
    const { consumed, stop } = this.packer.appendEntries(first, count, sec, nsec, aux)
    if (stop !== 'ok' || consumed !== count) {
      this.packer.reset()
      throw new Error(`packer refused an entry (${stop})`)
    }
  }

  /** A copy of the packer's pending entries; empties it. */
  take(): Uint8Array {
    const entries = this.packer.count === 0 ? new Uint8Array(0) : this.packer.bodyView().slice()
    this.packer.reset()
    return entries
  }

  /** Entries from times and record bytes held in JS (JSON mode). */
  packRecords(events: readonly { sec: number; nsec: number; record: Uint8Array }[]): Uint8Array {
    this.packer.reset()
    for (const e of events) {
      if (this.packer.append(e.sec, e.nsec, e.record) !== 'ok') throw new Error('packer refused an entry')
    }
    const entries = this.packer.bodyView().slice()
    this.packer.reset()
    return entries
  }

  /** Counts and logs the invalid entries of a message (one line per message). */
  invalid(tag: string, first: number, count: number, invalid: number, aux: boolean, peer: Peer, tagInvalid = false): void {
    if (invalid === 0) return
    const reasons: Record<string, number> = {}
    if (tagInvalid) {
      reasons.tag = invalid
    } else {
      for (let k = 0; k < count; k++) {
        const flags = this.core.entry(first + k, abi.E_FLAGS, aux)
        if (flags & abi.ENTRY_INVALID) {
          const reason = REASONS[(flags >> 8) & 0xff] ?? 'unknown'
          reasons[reason] = (reasons[reason] ?? 0) + 1
        }
      }
    }
    this.reportInvalid(tag, invalid, reasons, peer)
  }

  /** One warning per message naming how many events were dropped and why; counts them as dropped. */
  reportInvalid(tag: string, invalid: number, reasons: Record<string, number>, peer: Peer): void {
    this.metrics.dropped += invalid
    this.log.warn('Skipped invalid events.', { peer: peerName(peer), tag, count: invalid, reasons })
  }

  /**
   * The stream to emit: source keys injected, tag rewritten; null when nothing is left. `lent`
   * marks bytes that are a view of the input region (only without source keys: nothing injected).
   */
  finish(tag: string, entries: Uint8Array, count: number, peer: Peer, lent = false): EventStream | null {
    if (count === 0) return null
    const stream: EventStream = lent
      ? { tag: rewriteTag(this.options, tag), entries, count, lent }
      : { tag: rewriteTag(this.options, tag), entries, count }
    if (this.options.sourceAddressKey === null && this.options.sourceHostnameKey === null) return stream
    return this.inject(stream, peer)
  }

  /** Adds the peer address / host name to every record (decode, set, re-encode). */
  private inject(stream: EventStream, peer: Peer): EventStream {
    const events: { sec: number; nsec: number; record: Uint8Array }[] = []
    eachEntry(this.core, stream, (sec, nsec, start, end, bytes) => {
      const record = decodeRecord(bytes.subarray(start, end))
      if (this.options.sourceAddressKey !== null) record[this.options.sourceAddressKey] = peer.address
      if (this.options.sourceHostnameKey !== null) record[this.options.sourceHostnameKey] = peer.hostname
      events.push({ sec, nsec, record: encodeRecord(record) })
    })
    return { tag: stream.tag, entries: this.packRecords(events), count: events.length }
  }

  free(): void {
    this.packer.free()
  }
}
