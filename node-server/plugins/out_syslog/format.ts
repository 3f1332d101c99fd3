/**
 * @module One event → one syslog message, as Fluent Bit's out_syslog writes it, read straight from
 * the record's msgpack bytes (one walk over its top-level pairs, nothing decoded):
 * - the configured keys fill SEVERITY / FACILITY (a number or a name; an invalid one is logged
 *   and the preset used), HOSTNAME, APP-NAME, PROCID, MSGID and MSG; the first occurrence wins
 *   over the preset; values are str, bin, bool (`true`/`false`), integers or floats (`%f`);
 * - `syslog_sd_key` maps become STRUCTURED-DATA elements `[NAME key="value" …]` in record order
 *   (names cut to 32 bytes unless allow_longer_sd_id, characters RFC 5424 forbids in names as
 *   `_`, `"` `\` `]` escaped in values, nested values skipped);
 * - RFC 5424: `<PRI>1 YYYY-MM-DDTHH:MM:SS.uuuuuuZ HOST APP PROCID MSGID SD[ BOM MSG]` (UTC,
 *   microseconds; `-` for what is missing); RFC 3164: `<PRI>Mmm dd HH:MM:SS HOST APP[PROCID]: MSG`;
 *   a MSG that starts with `<` is sent as the whole message, as it is;
 * - the message is cut to syslog_maxsize bytes, then framed: `LEN SP MSG` (octet counting),
 *   `MSG LF` (traditional), or nothing (one UDP datagram).
 * Where sluice does better than Fluent Bit: header fields get `_` for bytes RFC 5424 does not
 * allow there (a space would shift the fields) and `-` when empty, the cut never splits a UTF-8
 * character, and an invalid severity or facility is logged only when it is invalid.
 */

import { skipObject as skip } from '../../../engine/records/field-scan.ts'
import { facilityNumber, severityNumber } from '../../net/syslog-names.ts'
import type { SyslogFields } from './options.ts'

export type Framing = 'octet_count' | 'traditional' | 'datagram'

export interface FormatOptions {
  format: 'rfc5424' | 'rfc3164'
  maxSize: number
  allowLongerSdId: boolean
  fields: SyslogFields
  framing: Framing
}

/** A growing byte buffer (reused: `length = 0` empties it). */
export class Bytes {
  buf = new Uint8Array(4096)
  length = 0

  reserve(n: number): void {
    if (this.length + n <= this.buf.length) return
    const grown = new Uint8Array(Math.max(this.buf.length * 2, this.length + n))
    grown.set(this.buf.subarray(0, this.length))
    this.buf = grown
  }

  byte(b: number): void {
    this.reserve(1)
    this.buf[this.length++] = b
  }

  bytes(src: Uint8Array, start = 0, end = src.length): void {
    this.reserve(end - start)
    this.buf.set(src.subarray(start, end), this.length)
    this.length += end - start
  }

  /** ASCII text (numbers, dates, fixed parts). */
  ascii(text: string): void {
    this.reserve(text.length)
    for (let i = 0; i < text.length; i++) this.buf[this.length++] = text.charCodeAt(i)
  }

  view(): Uint8Array {
    return this.buf.subarray(0, this.length)
  }
}

/** A field's value: `bytes[start, end)`. */
interface Value {
  bytes: Uint8Array
  start: number
  end: number
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
const BOM = Uint8Array.of(0xef, 0xbb, 0xbf)
const LT = 0x3c
const UNDERSCORE = 0x5f
const textEncoder = new TextEncoder()
const textDecoder = new TextDecoder()

const two = (n: number) => (n < 10 ? `0${n}` : String(n))

/** Is `b` allowed in an SD-NAME (PRINTUSASCII except `=`, SP, `]`, `"`)? */
const sdNameByte = (b: number) => b > 0x20 && b < 0x7f && b !== 0x3d && b !== 0x5d && b !== 0x22

export class SyslogFormatter {
  private readonly line = new Bytes()
  private readonly sd = new Bytes()
  private readonly fields: SyslogFields
  // The current record's fields (reset per record).
  private severity = -1
  private facility = -1
  private hostname: Value | null = null
  private appname: Value | null = null
  private procid: Value | null = null
  private msgid: Value | null = null
  private message: Value | null = null
  private hasSd = false
  // The date part of the last second formatted.
  private cachedSec = -1
  private cachedDate = ''

  constructor(
    private readonly options: FormatOptions,
    /** Called for a severity or facility value that is neither a number in range nor a name. */
    private readonly invalid: (what: 'severity' | 'facility', value: string) => void,
  ) {
    this.fields = options.fields
  }

  /** Appends the framed message of the record at `rec[p…]` (a map) with time `sec`.`nsec` to `out`. */
  append(sec: number, nsec: number, rec: Uint8Array, p: number, out: Bytes): void {
    this.read(rec, p)
    const line = this.line
    line.length = 0
    const message = this.message
    if (message !== null && message.end > message.start && message.bytes[message.start] === LT) {
      line.bytes(message.bytes, message.start, message.end)
    } else if (this.options.format === 'rfc5424') this.rfc5424(sec, nsec)
    else this.rfc3164(sec)
    let n = line.length
    if (n > this.options.maxSize) {
      n = this.options.maxSize
      // Never split a UTF-8 character: back up over continuation bytes.
      while (n > 0 && (line.buf[n] & 0xc0) === 0x80) n--
    }
    const framing = this.options.framing
    if (framing === 'octet_count') out.ascii(`${n} `)
    out.bytes(line.buf, 0, n)
    if (framing === 'traditional') out.byte(0x0a)
  }

  private rfc5424(sec: number, nsec: number): void {
    const line = this.line
    const f = this.fields
    line.ascii(`<${this.pri()}>1 ${this.date(sec)}.${String(Math.floor(nsec / 1000)).padStart(6, '0')}Z `)
    this.header(this.hostname, f.hostnamePreset, 255)
    line.byte(0x20)
    this.header(this.appname, f.appnamePreset, 48)
    line.byte(0x20)
    this.header(this.procid, f.procidPreset, 128)
    line.byte(0x20)
    this.header(this.msgid, f.msgidPreset, 32)
    line.byte(0x20)
    if (this.hasSd) line.bytes(this.sd.buf, 0, this.sd.length)
    else line.byte(0x2d)
    const m = this.message
    if (m !== null) {
      line.byte(0x20)
      line.bytes(BOM)
      line.bytes(m.bytes, m.start, m.end)
    }
  }

  private rfc3164(sec: number): void {
    const line = this.line
    const f = this.fields
    const d = new Date(sec * 1000)
    const day = d.getUTCDate()
    line.ascii(
      `<${this.pri()}>${MONTHS[d.getUTCMonth()]} ${day < 10 ? ` ${day}` : day} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} `,
    )
    const host = this.hostname ?? preset(f.hostnamePreset)
    if (host !== null) {
      this.sanitized(host, Number.MAX_SAFE_INTEGER)
      line.byte(0x20)
    }
    const app = this.appname ?? preset(f.appnamePreset)
    if (app !== null) {
      this.sanitized(app, Number.MAX_SAFE_INTEGER)
      const pid = this.procid ?? preset(f.procidPreset)
      if (pid !== null) {
        line.byte(0x5b)
        this.sanitized(pid, Number.MAX_SAFE_INTEGER)
        line.byte(0x5d)
      }
      line.ascii(': ')
    }
    const m = this.message
    if (m !== null) line.bytes(m.bytes, m.start, m.end)
  }

  private pri(): number {
    const severity = this.severity >= 0 ? this.severity : this.fields.severityPreset
    const facility = this.facility >= 0 ? this.facility : this.fields.facilityPreset
    return facility * 8 + severity
  }

  /** `YYYY-MM-DDTHH:MM:SS` in UTC (cached per second). */
  private date(sec: number): string {
    if (sec !== this.cachedSec) {
      const d = new Date(sec * 1000)
      this.cachedSec = sec
      this.cachedDate = `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())}T${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`
    }
    return this.cachedDate
  }

  /** A header field: the record's value, else the preset, else `-`; cut to `max` bytes. */
  private header(value: Value | null, fallback: Uint8Array | null, max: number): void {
    const v = value ?? preset(fallback)
    if (v === null || v.end === v.start) this.line.byte(0x2d)
    else this.sanitized(v, max)
  }

  /** Writes `v` cut to `max` bytes, bytes outside PRINTUSASCII as `_`. */
  private sanitized(v: Value, max: number): void {
    const end = Math.min(v.end, v.start + max)
    const line = this.line
    line.reserve(end - v.start)
    for (let i = v.start; i < end; i++) {
      const b = v.bytes[i]
      line.buf[line.length++] = b > 0x20 && b < 0x7f ? b : UNDERSCORE
    }
  }

  /** One walk over the record's pairs: the configured fields and the SD elements. */
  private read(rec: Uint8Array, p: number): void {
    this.severity = -1
    this.facility = -1
    this.hostname = this.appname = this.procid = this.msgid = this.message = null
    this.hasSd = false
    this.sd.length = 0
    const f = this.fields
    let count: number
    ;[count, p] = mapHeader(rec, p)
    for (let i = 0; i < count; i++) {
      const key = strRange(rec, p)
      const valueAt = skip(rec, p)
      const next = skip(rec, valueAt)
      p = next
      if (key === null) continue
      const [ks, ke] = key
      if (isMap(rec[valueAt])) {
        if (f.sdKeys.some((k) => equal(rec, ks, ke, k))) this.sdElement(rec, ks, ke, valueAt)
        continue
      }
      const value = scalarText(rec, valueAt)
      if (value === null) continue
      if (f.severityKey !== null && equal(rec, ks, ke, f.severityKey)) {
        if (this.severity < 0) {
          const text = textOf(value)
          const n = severityNumber(text)
          if (n === null) this.invalid('severity', text)
          else this.severity = n
        }
      } else if (f.facilityKey !== null && equal(rec, ks, ke, f.facilityKey)) {
        if (this.facility < 0) {
          const text = textOf(value)
          const n = facilityNumber(text)
          if (n === null) this.invalid('facility', text)
          else this.facility = n
        }
      } else if (f.hostnameKey !== null && equal(rec, ks, ke, f.hostnameKey)) this.hostname ??= value
      else if (f.appnameKey !== null && equal(rec, ks, ke, f.appnameKey)) this.appname ??= value
      else if (f.procidKey !== null && equal(rec, ks, ke, f.procidKey)) this.procid ??= value
      else if (f.msgidKey !== null && equal(rec, ks, ke, f.msgidKey)) this.msgid ??= value
      else if (f.messageKey !== null && equal(rec, ks, ke, f.messageKey)) this.message ??= value
    }
  }

  /** `[NAME k="v" …]` for the map at `rec[at]` named `rec[ks, ke)`. */
  private sdElement(rec: Uint8Array, ks: number, ke: number, at: number): void {
    const sd = this.sd
    const limit = this.options.allowLongerSdId ? Number.MAX_SAFE_INTEGER : 32
    this.hasSd = true
    sd.byte(0x5b)
    sdName(sd, rec, ks, Math.min(ke, ks + limit))
    let count: number
    let p: number
    ;[count, p] = mapHeader(rec, at)
    for (let i = 0; i < count; i++) {
      const key = strRange(rec, p)
      const valueAt = skip(rec, p)
      p = skip(rec, valueAt)
      if (key === null) continue
      const value = scalarText(rec, valueAt)
      if (value === null) continue
      sd.byte(0x20)
      sdName(sd, rec, key[0], Math.min(key[1], key[0] + limit))
      sd.byte(0x3d)
      sd.byte(0x22)
      sd.reserve(2 * (value.end - value.start))
      for (let j = value.start; j < value.end; j++) {
        const b = value.bytes[j]
        if (b === 0x22 || b === 0x5c || b === 0x5d) sd.buf[sd.length++] = 0x5c
        sd.buf[sd.length++] = b
      }
      sd.byte(0x22)
    }
    sd.byte(0x5d)
  }
}

function sdName(sd: Bytes, rec: Uint8Array, start: number, end: number): void {
  if (end === start) {
    sd.byte(UNDERSCORE)
    return
  }
  sd.reserve(end - start)
  for (let i = start; i < end; i++) sd.buf[sd.length++] = sdNameByte(rec[i]) ? rec[i] : UNDERSCORE
}

function preset(bytes: Uint8Array | null): Value | null {
  return bytes === null ? null : { bytes, start: 0, end: bytes.length }
}

function textOf(v: Value): string {
  return textDecoder.decode(v.bytes.subarray(v.start, v.end))
}

function equal(b: Uint8Array, start: number, end: number, key: Uint8Array): boolean {
  if (end - start !== key.length) return false
  for (let i = 0; i < key.length; i++) if (b[start + i] !== key[i]) return false
  return true
}

function isMap(h: number): boolean {
  return (h >= 0x80 && h <= 0x8f) || h === 0xde || h === 0xdf
}

const u16 = (b: Uint8Array, p: number) => (b[p] << 8) | b[p + 1]
const u32 = (b: Uint8Array, p: number) => ((b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3]) >>> 0

/** [pairs, position of the first key] of the map at `p` ([0, p] when it is not a map). */
function mapHeader(b: Uint8Array, p: number): [number, number] {
  const h = b[p]
  if (h >= 0x80 && h <= 0x8f) return [h & 0x0f, p + 1]
  if (h === 0xde) return [u16(b, p + 1), p + 3]
  if (h === 0xdf) return [u32(b, p + 1), p + 5]
  return [0, p]
}

/** [start, end) of the str or bin at `p`, or null. */
function strRange(b: Uint8Array, p: number): [number, number] | null {
  const h = b[p]
  if (h >= 0xa0 && h <= 0xbf) return [p + 1, p + 1 + (h & 0x1f)]
  if (h === 0xd9 || h === 0xc4) return [p + 2, p + 2 + b[p + 1]]
  if (h === 0xda || h === 0xc5) return [p + 3, p + 3 + u16(b, p + 1)]
  if (h === 0xdb || h === 0xc6) return [p + 5, p + 5 + u32(b, p + 1)]
  return null
}

/** The text of a scalar as Fluent Bit prints it (str/bin as they are, bool, integer, `%f`); null for nil, arrays, maps, ext. */
function scalarText(b: Uint8Array, p: number): Value | null {
  const s = strRange(b, p)
  if (s !== null) return { bytes: b, start: s[0], end: s[1] }
  const h = b[p]
  let text: string
  const view = () => new DataView(b.buffer, b.byteOffset, b.byteLength)
  if (h <= 0x7f) text = String(h)
  else if (h >= 0xe0) text = String(h - 0x100)
  else
    switch (h) {
      case 0xc2:
        text = 'false'
        break
      case 0xc3:
        text = 'true'
        break
      case 0xcc:
        text = String(b[p + 1])
        break
      case 0xcd:
        text = String(u16(b, p + 1))
        break
      case 0xce:
        text = String(u32(b, p + 1))
        break
      case 0xcf:
        text = view()
          .getBigUint64(p + 1)
          .toString()
        break
      case 0xd0:
        text = String(view().getInt8(p + 1))
        break
      case 0xd1:
        text = String(view().getInt16(p + 1))
        break
      case 0xd2:
        text = String(view().getInt32(p + 1))
        break
      case 0xd3:
        text = view()
          .getBigInt64(p + 1)
          .toString()
        break
      case 0xca:
        text = printfF(view().getFloat32(p + 1))
        break
      case 0xcb:
        text = printfF(view().getFloat64(p + 1))
        break
      default:
        return null
    }
  const bytes = textEncoder.encode(text)
  return { bytes, start: 0, end: bytes.length }
}

/** C's `printf("%f", x)`: six decimals, no exponent. */
export function printfF(x: number): string {
  if (Number.isNaN(x)) return 'nan'
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf'
  if (Object.is(x, -0)) return '-0.000000'
  if (Math.abs(x) < 1e21) return x.toFixed(6)
  return `${BigInt(x).toString()}.000000`
}
