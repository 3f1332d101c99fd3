/**
 * @module What in_tcp and in_udp do with each message: the `<parse>` parser turns it into records
 * (one parser stream per connection for parsers that join lines), `<extract> tag_key` takes a
 * record's tag from its field (removed unless keep_tag_key), and `source_address_key` /
 * `source_hostname_key` add the peer. Records the parser wrote as msgpack are edited as bytes
 * (engine/records/map-edit.ts); a message that does not parse is dropped with a `pattern not
 * matched` warning (rate-limited: counts 1, 2, 4 … then every 512th) and counted in `dropped`.
 */

import { EventTime } from '../../engine/event-time.ts'
import type { Logger } from '../../engine/log.ts'
import type { PluginMetrics } from '../../engine/metrics.ts'
import { rateLimited } from '../../engine/output/errors.ts'
import type { EntrySink, ParserPlugin, ParserStream } from '../../engine/parser/types.ts'
import { findKey } from '../../engine/records/field-scan.ts'
import { encodeString, MapEditor, type MapEntry } from '../../engine/records/map-edit.ts'
import { rubyToS } from '../../engine/records/ruby-string.ts'
import { valueToS } from '../../engine/records/value-to-s.ts'
import type { TaggedBatch } from './batch.ts'
import type { Peer } from './peer.ts'

export interface LineRecordOptions {
  tag: string
  /** `<extract> tag_key` (null: every event gets `tag`). */
  tagKey: string | null
  keepTagKey: boolean
  sourceAddressKey: string | null
  sourceHostnameKey: string | null
}

/** Log text of a message: at most this many bytes of it. */
const LOGGED_BYTES = 512
const decoder = new TextDecoder()
const encoder = new TextEncoder()

/** Shared by every connection of one input: the parser and the settled options. */
export class LineRecords {
  private readonly tagKeyBytes: Uint8Array | null
  /** `[tagKey]`: the keys removed from each record (unless keep_tag_key). */
  readonly tagDrop: Uint8Array[]
  private readonly unmatched = rateLimited()

  constructor(
    readonly parser: ParserPlugin,
    readonly options: LineRecordOptions,
    private readonly log: Logger,
    private readonly metrics: PluginMetrics,
    private readonly clock: () => number,
  ) {
    this.tagKeyBytes = options.tagKey === null ? null : encoder.encode(options.tagKey)
    this.tagDrop = this.tagKeyBytes === null || options.keepTagKey ? [] : [this.tagKeyBytes]
  }

  /**
   * The records of one source of messages: a connection (a parser that joins lines gets its own
   * stream), or every datagram of a UDP input (`joinLines` false: each message parsed on its own).
   */
  source(peer: Peer | null, joinLines = true): LineSource {
    return new LineSource(this, peer, joinLines)
  }

  now(): EventTime {
    return EventTime.now(this.clock)
  }

  /** A message that yielded no record. */
  notMatched(bytes: Uint8Array, reason: string): void {
    this.metrics.dropped++
    const n = this.unmatched()
    if (n === null) return
    this.log.warn('pattern not matched', {
      message: decoder.decode(bytes.subarray(0, LOGGED_BYTES)),
      ...(bytes.length > LOGGED_BYTES ? { bytes: bytes.length } : {}),
      ...(reason !== '' && !reason.startsWith('pattern not matched') ? { error: reason } : {}),
      count: n,
    })
  }

  get tagKey(): Uint8Array | null {
    return this.tagKeyBytes
  }
}

/** One source's sink: the parser writes here, the records go to the batch with their tags. */
export class LineSource implements EntrySink {
  private readonly stream: ParserStream | null
  private readonly editor = new MapEditor()
  private batch: TaggedBatch | null = null
  private peer: Peer | null
  private sourceEntries: MapEntry[] = []
  private readonly onUnmatched: (text: Uint8Array, reason: string) => void

  constructor(
    private readonly shared: LineRecords,
    peer: Peer | null,
    joinLines: boolean,
  ) {
    this.stream = joinLines ? (shared.parser.newStream?.() ?? null) : null
    this.peer = null
    this.setPeer(peer)
    this.onUnmatched = (text, reason) => shared.notMatched(text, reason)
  }

  /** The sender of the next messages (UDP: each datagram's). */
  setPeer(peer: Peer | null): void {
    if (
      peer === this.peer ||
      (peer !== null && this.peer !== null && peer.address === this.peer.address && peer.hostname === this.peer.hostname)
    ) {
      this.peer = peer
      return
    }
    this.peer = peer
    const { sourceAddressKey, sourceHostnameKey } = this.shared.options
    const entries: MapEntry[] = []
    if (peer !== null && sourceAddressKey !== null)
      entries.push({ key: encoder.encode(sourceAddressKey), value: encodeString(peer.address) })
    if (peer !== null && sourceHostnameKey !== null)
      entries.push({ key: encoder.encode(sourceHostnameKey), value: encodeString(peer.hostname) })
    this.sourceEntries = entries
  }

  /** Parses one message into `batch`. */
  message(bytes: Uint8Array, start: number, end: number, batch: TaggedBatch): void {
    this.batch = batch
    const now = this.shared.now()
    if (this.stream !== null) {
      this.stream.push(bytes, start, end, this, now, this.onUnmatched)
    } else if (this.shared.parser.parse(bytes, start, end, this, now) === 0) {
      this.shared.notMatched(bytes.subarray(start, end), this.shared.parser.lastError)
    }
    this.batch = null
  }

  /** The source ends: records a line-joining parser still holds go into `batch`. */
  end(batch: TaggedBatch): void {
    if (this.stream === null || !this.stream.pending) return
    this.batch = batch
    this.stream.flush(this, this.shared.now(), this.onUnmatched)
    this.batch = null
  }

  append(time: EventTime, record: Record<string, unknown>): number {
    const { tag, tagKey, keepTagKey, sourceAddressKey, sourceHostnameKey } = this.shared.options
    let eventTag = tag
    if (tagKey !== null && Object.hasOwn(record, tagKey)) {
      const value = rubyToS(record[tagKey])
      if (!keepTagKey) delete record[tagKey]
      if (value !== '') eventTag = value
    }
    if (this.peer !== null) {
      if (sourceAddressKey !== null) record[sourceAddressKey] = this.peer.address
      if (sourceHostnameKey !== null) record[sourceHostnameKey] = this.peer.hostname
    }
    return this.target().writer(eventTag).append(time, record)
  }

  appendEncoded(sec: number, nsec: number, bytes: Uint8Array, start: number, end: number): void {
    const { tag } = this.shared.options
    const tagKey = this.shared.tagKey
    let eventTag = tag
    let drop: Uint8Array[] = NONE
    if (tagKey !== null) {
      const at = findKey(bytes, start, tagKey)
      if (at >= 0) {
        const value = valueToS(bytes, at)
        if (value !== '') eventTag = value
        drop = this.shared.tagDrop
      }
    }
    const writer = this.target().writer(eventTag)
    if (drop.length === 0 && this.sourceEntries.length === 0) {
      writer.appendEncoded(sec, nsec, bytes, start, end)
      return
    }
    if (!this.editor.edit(bytes, start, drop, this.sourceEntries)) {
      writer.appendEncoded(sec, nsec, bytes, start, end)
      return
    }
    writer.appendEncoded(sec, nsec, this.editor.bytes, this.editor.start, this.editor.end)
  }

  private target(): TaggedBatch {
    if (this.batch === null) throw new Error('a parser wrote a record outside of parse/push/flush')
    return this.batch
  }
}

const NONE: Uint8Array[] = []
