/**
 * @module One syslog message → events, as Fluentd's in_syslog `message_handler` does: the PRI is
 * read by the parser (`@type syslog` with `with_priority`, its `pri` field then removed) or else
 * cut off the message (`<N>` at its start, required); the tag is
 * `<tag>.<facility>.<severity>` with Fluentd's names (a PRI above 191 leaves the facility empty:
 * `tag..info`); `severity_key`, `facility_key` and the source keys are added. A message that has
 * no PRI or does not parse is logged (rate-limited) and, with `emit_unmatched_lines`, emitted as
 * `{"unmatched_line": raw}` with the tag `<tag>.unmatched`. Records the parser wrote as msgpack
 * are edited as bytes.
 */

import { EventTime } from '../../../engine/event-time.ts'
import type { Logger } from '../../../engine/log.ts'
import type { PluginMetrics } from '../../../engine/metrics.ts'
import { rateLimited } from '../../../engine/output/errors.ts'
import type { EntrySink, ParserPlugin } from '../../../engine/parser/types.ts'
import { findKey } from '../../../engine/records/field-scan.ts'
import { encodeString, integerAt, MapEditor, type MapEntry } from '../../../engine/records/map-edit.ts'
import type { TaggedBatch } from '../../net/batch.ts'
import { peerName, type Peer } from '../../net/peer.ts'
import { FACILITY_NAMES, SEVERITY_NAMES } from '../../net/syslog-names.ts'

export interface SyslogRecordOptions {
  tag: string
  /** The parser reads `<PRI>` itself (syslog parser with with_priority). */
  parserReadsPri: boolean
  severityKey: string | null
  facilityKey: string | null
  sourceAddressKey: string | null
  sourceHostnameKey: string | null
  emitUnmatchedLines: boolean
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()
const PRI_KEY = encoder.encode('pri')
const DROP_PRI = [PRI_KEY]
const NO_DROP: Uint8Array[] = []
const UNMATCHED_KEY = encoder.encode('unmatched_line')
/** Log text of a message: at most this many bytes of it. */
const LOGGED_BYTES = 512

/** What a PRI gives: the tag suffix (`.auth.crit`) and the names, also as msgpack strs. */
interface PriParts {
  suffix: string
  facility: string
  severity: string
  facilityValue: Uint8Array
  severityValue: Uint8Array
}

function makeParts(pri: number): PriParts {
  const facility = FACILITY_NAMES[Math.floor(pri / 8)] ?? ''
  const severity = SEVERITY_NAMES[pri % 8]
  return {
    suffix: `.${facility}.${severity}`,
    facility,
    severity,
    facilityValue: encodeString(facility),
    severityValue: encodeString(severity),
  }
}

/**
 * The parts of every PRI a syslog message can carry (1 to 3 digits), each made once when a message
 * first carries it (made for all 1000 at start, they were ~0.5 MB in every daemon, in_syslog or not).
 */
const PRI_PARTS: (PriParts | undefined)[] = new Array(1000).fill(undefined)

function priParts(pri: number): PriParts {
  if (pri >= PRI_PARTS.length) return makeParts(pri)
  let parts = PRI_PARTS[pri]
  if (parts === undefined) {
    parts = makeParts(pri)
    PRI_PARTS[pri] = parts
  }
  return parts
}

/** Reads `<digits>` at `bytes[start]`: [pri, position after '>'], or null. */
export function readPri(bytes: Uint8Array, start: number, end: number): [number, number] | null {
  if (start >= end || bytes[start] !== 0x3c) return null
  let p = start + 1
  let pri = 0
  while (p < end && bytes[p] >= 0x30 && bytes[p] <= 0x39) {
    pri = pri * 10 + (bytes[p] - 0x30)
    if (pri > Number.MAX_SAFE_INTEGER / 10) return null
    p++
  }
  if (p === start + 1 || p >= end || bytes[p] !== 0x3e) return null
  return [pri, p + 1]
}

export class SyslogMessages implements EntrySink {
  private readonly editor = new MapEditor()
  private readonly invalid = rateLimited()
  private readonly failed = rateLimited()
  private readonly severityKey: Uint8Array | null
  private readonly facilityKey: Uint8Array | null
  private readonly sourceKeys: [Uint8Array | null, Uint8Array | null]
  /** The message being parsed. */
  private pri: number | null = null
  private peer: Peer | null = null
  private batch: TaggedBatch | null = null
  private badPri = 0
  private entries: MapEntry[] = []
  private sourceFor: Peer | null = null
  private sourceEntries: MapEntry[] = []

  constructor(
    private readonly parser: ParserPlugin,
    private readonly options: SyslogRecordOptions,
    private readonly log: Logger,
    private readonly metrics: PluginMetrics,
    private readonly clock: () => number,
  ) {
    this.severityKey = options.severityKey === null ? null : encoder.encode(options.severityKey)
    this.facilityKey = options.facilityKey === null ? null : encoder.encode(options.facilityKey)
    this.sourceKeys = [
      options.sourceAddressKey === null ? null : encoder.encode(options.sourceAddressKey),
      options.sourceHostnameKey === null ? null : encoder.encode(options.sourceHostnameKey),
    ]
  }

  /** Turns one message (`bytes[start, end)`, its framing and newline already removed) into events. */
  message(bytes: Uint8Array, start: number, end: number, peer: Peer, batch: TaggedBatch): void {
    if (start === end) return
    this.peer = peer
    this.batch = batch
    this.badPri = 0
    let textStart = start
    this.pri = null
    if (!this.options.parserReadsPri) {
      const read = readPri(bytes, start, end)
      if (read === null) {
        this.unmatched(bytes.subarray(start, end), 'invalid syslog message', null)
        return
      }
      ;[this.pri, textStart] = read
    }
    const n = this.parser.parse(bytes, textStart, end, this, EventTime.now(this.clock))
    if (n === 0) this.unmatched(bytes.subarray(start, end), 'failed to parse message', this.parser.lastError)
    else if (this.badPri > 0)
      this.unmatched(bytes.subarray(start, end), 'invalid input', `pri is not an integer in ${this.badPri} record(s)`)
    this.batch = null
  }

  append(time: EventTime, record: Record<string, unknown>): number {
    let pri = this.pri
    if (pri === null) {
      const value = record.pri
      delete record.pri
      pri = typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : null
    }
    if (pri === null) {
      this.badPri++
      return 0
    }
    const parts = priParts(pri)
    const { severityKey, facilityKey, sourceAddressKey, sourceHostnameKey, tag } = this.options
    if (severityKey !== null) record[severityKey] = parts.severity
    if (facilityKey !== null) record[facilityKey] = parts.facility
    if (sourceAddressKey !== null) record[sourceAddressKey] = this.peer!.address
    if (sourceHostnameKey !== null) record[sourceHostnameKey] = this.peer!.hostname
    return this.target()
      .writer(tag + parts.suffix)
      .append(time, record)
  }

  appendEncoded(sec: number, nsec: number, bytes: Uint8Array, start: number, end: number): void {
    let pri = this.pri
    let drop = NO_DROP
    if (pri === null) {
      const at = findKey(bytes, start, PRI_KEY)
      drop = DROP_PRI
      pri = at < 0 ? null : integerAt(bytes, at)
      if (pri !== null && pri < 0) pri = null
    }
    if (pri === null) {
      this.badPri++
      return
    }
    const parts = priParts(pri)
    const entries = this.fieldsFor(parts)
    const writer = this.target().writer(this.options.tag + parts.suffix)
    if (drop.length === 0 && entries.length === 0) {
      writer.appendEncoded(sec, nsec, bytes, start, end)
      return
    }
    if (!this.editor.edit(bytes, start, drop, entries)) {
      this.badPri++
      return
    }
    writer.appendEncoded(sec, nsec, this.editor.bytes, this.editor.start, this.editor.end)
  }

  /** The fields to add to a record of this PRI from this peer (severity, facility, source keys). */
  private fieldsFor(parts: PriParts): MapEntry[] {
    const entries = this.entries
    entries.length = 0
    if (this.severityKey !== null) entries.push({ key: this.severityKey, value: parts.severityValue })
    if (this.facilityKey !== null) entries.push({ key: this.facilityKey, value: parts.facilityValue })
    this.pushSource(entries)
    return entries
  }

  /** The source key entries of the current peer (encoded once per peer). */
  private pushSource(entries: MapEntry[]): void {
    const peer = this.peer!
    if (this.sourceFor === null || this.sourceFor.address !== peer.address || this.sourceFor.hostname !== peer.hostname) {
      this.sourceFor = peer
      const [address, hostname] = this.sourceKeys
      this.sourceEntries = []
      if (address !== null) this.sourceEntries.push({ key: address, value: encodeString(peer.address) })
      if (hostname !== null) this.sourceEntries.push({ key: hostname, value: encodeString(peer.hostname) })
    }
    for (const e of this.sourceEntries) entries.push(e)
  }

  /** A message without a usable PRI or that does not parse: logged, counted, emitted when asked. */
  private unmatched(raw: Uint8Array, what: string, reason: string | null): void {
    this.metrics.dropped++
    const n = (what === 'invalid syslog message' ? this.invalid : this.failed)()
    if (n !== null) {
      this.log.warn(what, {
        peer: peerName(this.peer!),
        data: decoder.decode(raw.subarray(0, LOGGED_BYTES)),
        ...(raw.length > LOGGED_BYTES ? { bytes: raw.length } : {}),
        ...(reason !== null && reason !== '' && !reason.startsWith('pattern not matched') ? { error: reason } : {}),
        count: n,
      })
    }
    if (!this.options.emitUnmatchedLines) return
    const record = unmatchedRecord(raw)
    const entries: MapEntry[] = []
    this.pushSource(entries)
    const now = EventTime.now(this.clock)
    const writer = this.target().writer(`${this.options.tag}.unmatched`)
    if (entries.length === 0) writer.appendEncoded(now.sec, now.nsec, record, 0, record.length)
    else {
      this.editor.edit(record, 0, NO_DROP, entries)
      writer.appendEncoded(now.sec, now.nsec, this.editor.bytes, this.editor.start, this.editor.end)
    }
  }

  private target(): TaggedBatch {
    if (this.batch === null) throw new Error('a parser wrote a record outside of parse')
    return this.batch
  }
}

/** `{"unmatched_line": raw}` with the raw bytes as a str, as Fluentd emits them (no re-encoding). */
function unmatchedRecord(raw: Uint8Array): Uint8Array {
  const n = raw.length
  const head =
    n < 32
      ? [0xa0 | n]
      : n < 0x100
        ? [0xd9, n]
        : n < 0x10000
          ? [0xda, n >> 8, n & 0xff]
          : [0xdb, n >>> 24, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]
  const out = new Uint8Array(1 + 1 + UNMATCHED_KEY.length + head.length + n)
  out[0] = 0x81
  out[1] = 0xa0 | UNMATCHED_KEY.length
  out.set(UNMATCHED_KEY, 2)
  out.set(head, 2 + UNMATCHED_KEY.length)
  out.set(raw, 2 + UNMATCHED_KEY.length + head.length)
  return out
}
