/**
 * @module fast-check arbitraries for Forward streams: random msgpack values with every header
 * width (paired with what @msgpack/msgpack decodes them to), event times, entries, and whole
 * messages of every mode with the framing result they must give.
 */
import fc from 'fast-check'
import { ExtData } from '@msgpack/msgpack'
import { EntryFlag, InvalidReason, Mode } from '../../wasm/types.ts'
import {
  type BinWidth,
  type ContainerWidth,
  type ExtForm,
  type StrWidth,
  array,
  bin,
  bool,
  cat,
  eventTime,
  ext,
  float32,
  float64,
  int,
  map,
  nil,
  str,
  timestamp,
  uint,
} from './msgpack-build.ts'

/** Encoded bytes and the value @msgpack/msgpack's `decode(bytes, {useBigInt64: true})` gives. */
export interface Encoded {
  bytes: Uint8Array
  value: unknown
}

const U32 = 2 ** 32

/** Header widths that can hold `n` (bytes or elements). */
const strWidths = (n: number): StrWidth[] => (n < 32 ? ['fix', 8, 16, 32] : n < 256 ? [8, 16, 32] : [16, 32])
const binWidths = (n: number): BinWidth[] => (n < 256 ? [8, 16, 32] : [16, 32])
const containerWidths = (n: number): ContainerWidth[] => (n < 16 ? ['fix', 16, 32] : [16, 32])

const uintValue: fc.Arbitrary<Encoded> = fc.oneof(
  fc.integer({ min: 0, max: 127 }).map((v) => ({ bytes: uint(v, 'fix'), value: v })),
  fc.integer({ min: 0, max: 255 }).map((v) => ({ bytes: uint(v, 8), value: v })),
  fc.integer({ min: 0, max: 65535 }).map((v) => ({ bytes: uint(v, 16), value: v })),
  fc.integer({ min: 0, max: U32 - 1 }).map((v) => ({ bytes: uint(v, 32), value: v })),
  fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map((v) => ({ bytes: uint(v, 64), value: v })),
)

const intValue: fc.Arbitrary<Encoded> = fc.oneof(
  fc.integer({ min: -32, max: -1 }).map((v) => ({ bytes: int(v, 'fix'), value: v })),
  fc.integer({ min: -128, max: 127 }).map((v) => ({ bytes: int(v, 8), value: v })),
  fc.integer({ min: -32768, max: 32767 }).map((v) => ({ bytes: int(v, 16), value: v })),
  fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }).map((v) => ({ bytes: int(v, 32), value: v })),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((v) => ({ bytes: int(v, 64), value: v })),
)

const text = fc.oneof(
  { weight: 9, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 200, maxLength: 300 }) },
)

const strValue: fc.Arbitrary<Encoded> = text.chain((s) => {
  const n = new TextEncoder().encode(s).length
  return fc.constantFrom(...strWidths(n)).map((w) => ({ bytes: str(s, w), value: s }))
})

const binValue: fc.Arbitrary<Encoded> = fc
  .oneof(
    { weight: 9, arbitrary: fc.uint8Array({ maxLength: 16 }) },
    { weight: 1, arbitrary: fc.uint8Array({ minLength: 250, maxLength: 300 }) },
  )
  .chain((d) => fc.constantFrom(...binWidths(d.length)).map((w) => ({ bytes: bin(d, w), value: d })))

/** Ext types other than −1 (which @msgpack/msgpack decodes as a Timestamp). */
const extValue: fc.Arbitrary<Encoded> = fc
  .tuple(fc.oneof(fc.integer({ min: 0, max: 127 }), fc.integer({ min: -128, max: -2 })), fc.uint8Array({ maxLength: 20 }))
  .chain(([type, d]) => {
    const forms: ExtForm[] = [1, 2, 4, 8, 16].includes(d.length) ? ['fix', 8, 16, 32] : [8, 16, 32]
    return fc.constantFrom(...forms).map((f) => ({ bytes: ext(type, d, f), value: new ExtData(type, d) }))
  })

const scalar: fc.Arbitrary<Encoded> = fc.oneof(
  fc.constant({ bytes: nil(), value: null }),
  fc.boolean().map((v) => ({ bytes: bool(v), value: v })),
  uintValue,
  intValue,
  fc.float({ noNaN: true }).map((v) => ({ bytes: float32(v), value: v })),
  fc.double({ noNaN: true }).map((v) => ({ bytes: float64(v), value: v })),
  strValue,
  binValue,
  extValue,
)

const mapKey = fc.string({ unit: 'grapheme-ascii', maxLength: 6 }).filter((k) => k !== '__proto__')

function encodeArray(items: Encoded[]): fc.Arbitrary<Encoded> {
  return fc.constantFrom(...containerWidths(items.length)).map((w) => ({
    bytes: array(
      items.map((i) => i.bytes),
      w,
    ),
    value: items.map((i) => i.value),
  }))
}

function encodeMap(pairs: Array<[string, Encoded]>): fc.Arbitrary<Encoded> {
  return fc.constantFrom(...containerWidths(pairs.length)).map((w) => ({
    bytes: map(
      pairs.map(([k, v]) => [str(k), v.bytes] as const),
      w,
    ),
    value: Object.fromEntries(pairs.map(([k, v]) => [k, v.value])),
  }))
}

const tree = fc.letrec<{ value: Encoded; array: Encoded; map: Encoded }>((tie) => ({
  value: fc.oneof({ depthSize: 'small', maxDepth: 4 }, scalar, tie('array'), tie('map')),
  array: fc.array(tie('value'), { maxLength: 4 }).chain(encodeArray),
  map: fc.uniqueArray(fc.tuple(mapKey, tie('value')), { selector: ([k]) => k, maxLength: 4 }).chain(encodeMap),
}))

/** Any msgpack value (nested maps and arrays, every scalar type and width). */
export const anyValue: fc.Arbitrary<Encoded> = tree.value

/** A record: a map of any values. */
export const recordValue: fc.Arbitrary<Encoded> = tree.map

/** An event time as the framer must read it. */
export interface TimeCase {
  bytes: Uint8Array
  valid: boolean
  sec: number
  nsec: number
  flags: number
}

const sec32 = fc.integer({ min: 0, max: U32 - 1 })
const nsec32 = fc.integer({ min: 0, max: U32 - 1 })

const plainValidTime: fc.Arbitrary<TimeCase> = fc.oneof(
  sec32.chain((s) =>
    fc
      .constantFrom(
        ...([s < 128 ? 'fix' : null, s < 256 ? 8 : null, s < 65536 ? 16 : null, 32, 64].filter((w) => w !== null) as Array<
          'fix' | 8 | 16 | 32 | 64
        >),
      )
      .map((w) => ({ bytes: uint(s, w), valid: true, sec: s, nsec: 0, flags: EntryFlag.TIME_INT })),
  ),
  fc.integer({ min: 0, max: 2 ** 31 - 1 }).map((s) => ({ bytes: int(s, 32), valid: true, sec: s, nsec: 0, flags: EntryFlag.TIME_INT })),
  sec32.map((s) => ({ bytes: int(s, 64), valid: true, sec: s, nsec: 0, flags: EntryFlag.TIME_INT })),
  fc
    .tuple(sec32, nsec32, fc.constantFrom('fix' as const, 8 as const))
    .map(([s, n, f]) => ({ bytes: eventTime(s, n, f), valid: true, sec: s, nsec: n, flags: 0 })),
  sec32.map((s) => ({ bytes: timestamp(s, 0, 32), valid: true, sec: s, nsec: 0, flags: 0 })),
  fc
    .tuple(sec32, fc.integer({ min: 0, max: 2 ** 30 - 1 }))
    .map(([s, n]) => ({ bytes: timestamp(s, n, 64), valid: true, sec: s, nsec: n, flags: 0 })),
  fc.tuple(sec32, nsec32).map(([s, n]) => ({ bytes: timestamp(s, n, 96), valid: true, sec: s, nsec: n, flags: 0 })),
)

const BAD_TIME = { valid: false, sec: 0, nsec: 0, flags: EntryFlag.INVALID | (InvalidReason.TIME << 8) }

/** Invalid times that do not change a Message's mode (no str, bin, or array). */
const invalidMessageTime: fc.Arbitrary<TimeCase> = fc.oneof(
  fc.double({ noNaN: true }).map((v) => ({ bytes: float64(v), ...BAD_TIME })),
  fc.constant({ bytes: nil(), ...BAD_TIME }),
  fc.integer({ min: -(2 ** 31), max: -1 }).map((v) => ({ bytes: int(v), ...BAD_TIME })),
  fc.bigInt({ min: 2n ** 32n, max: 2n ** 64n - 1n }).map((v) => ({ bytes: uint(v, 64), ...BAD_TIME })),
  fc.bigInt({ min: 2n ** 32n, max: 2n ** 34n - 1n }).map((v) => ({ bytes: timestamp(v, 0, 64), ...BAD_TIME })),
  fc.uint8Array({ minLength: 8, maxLength: 8 }).map((d) => ({ bytes: ext(5, d), ...BAD_TIME })),
  recordValue.map((r) => ({ bytes: r.bytes, ...BAD_TIME })),
)

/** A valid v1.5 `[time, {metadata}, ...]` time. */
const metaTime: fc.Arbitrary<TimeCase> = fc.tuple(plainValidTime, fc.array(anyValue, { maxLength: 2 })).map(([t, rest]) => ({
  ...t,
  bytes: array([t.bytes, ...rest.map((r) => r.bytes)]),
  flags: t.flags | EntryFlag.TIME_META,
}))

/** Times that are valid in any slot. */
export const validTime: fc.Arbitrary<TimeCase> = fc.oneof({ weight: 3, arbitrary: plainValidTime }, { weight: 1, arbitrary: metaTime })

/** Times for Message mode (element[1]): valid ones and invalid ones that keep the mode MESSAGE. */
export const messageTime: fc.Arbitrary<TimeCase> = fc.oneof(
  { weight: 4, arbitrary: validTime },
  { weight: 1, arbitrary: invalidMessageTime },
)

/** An entry's expected description (record value only for valid entries). */
export interface ExpectedEvent {
  valid: boolean
  sec: number
  nsec: number
  flags: number
  record?: unknown
}

/** A Forward / PackedForward entry with its expected description. */
export const forwardEntry: fc.Arbitrary<{ bytes: Uint8Array; expected: ExpectedEvent }> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.tuple(validTime, recordValue, fc.array(anyValue, { maxLength: 1 })).map(([t, r, extra]) => ({
      bytes: array([t.bytes, r.bytes, ...extra.map((e) => e.bytes)]),
      expected: { valid: true, sec: t.sec, nsec: t.nsec, flags: t.flags, record: r.value },
    })),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.oneof(validTime, invalidMessageTime), fc.oneof(strValue, uintValue)).map(([t, r]) => ({
      bytes: array([t.bytes, r.bytes]),
      expected: t.valid
        ? { valid: false, sec: 0, nsec: 0, flags: EntryFlag.INVALID | (InvalidReason.RECORD << 8) }
        : { valid: false, sec: 0, nsec: 0, flags: t.flags },
    })),
  },
  {
    weight: 1,
    arbitrary: fc
      .oneof(
        scalar,
        anyValue.map((v) => ({ bytes: array([v.bytes]), value: null })),
      )
      .map((v) => ({
        bytes: v.bytes,
        expected: { valid: false, sec: 0, nsec: 0, flags: EntryFlag.INVALID | (InvalidReason.SHAPE << 8) },
      })),
  },
)

/** A whole message and what framing it must give. */
export interface MessageCase {
  bytes: Uint8Array
  mode: Mode
  events: ExpectedEvent[]
}

const tag = fc.string({ unit: fc.constantFrom('a', 'b', 'c', '.', '_', '-', 'é'), maxLength: 20 }).chain((t) => {
  const n = new TextEncoder().encode(t).length
  return fc.constantFrom(...strWidths(n)).map((w) => str(t, w))
})

/** Options for non-compressed messages: absent, nil, or a map of some keys. */
const plainOptions = fc.option(
  fc.oneof(
    fc.constant(nil()),
    fc
      .record({
        size: fc.option(uintValue, { nil: undefined }),
        chunk: fc.option(fc.oneof(strValue, binValue), { nil: undefined }),
        compressed: fc.option(fc.constantFrom('text', 'lz4'), { nil: undefined }),
        fluent_signal: fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined }),
      })
      .map((o) =>
        map(
          Object.entries(o)
            .filter(([, v]) => v !== undefined)
            .map(([k, v]) => [str(k), typeof v === 'string' ? str(v) : typeof v === 'number' ? uint(v) : (v as Encoded).bytes] as const),
        ),
      ),
  ),
  { nil: undefined },
)

const heartbeat: fc.Arbitrary<MessageCase> = fc.constant({ bytes: nil(), mode: Mode.HEARTBEAT, events: [] })

const notArray: fc.Arbitrary<MessageCase> = fc
  .oneof(scalar, tree.map)
  .filter((v) => v.bytes[0] !== 0xc0)
  .map((v) => ({ bytes: v.bytes, mode: Mode.NOT_ARRAY, events: [] }))

const messageMode: fc.Arbitrary<MessageCase> = fc
  .tuple(tag, messageTime, fc.oneof({ weight: 5, arbitrary: recordValue }, { weight: 1, arbitrary: scalar }), plainOptions)
  .map(([t, time, rec, opt]) => {
    const recordIsMap = (rec.bytes[0] & 0xf0) === 0x80 || rec.bytes[0] === 0xde || rec.bytes[0] === 0xdf
    const event: ExpectedEvent = !time.valid
      ? { valid: false, sec: 0, nsec: 0, flags: time.flags }
      : recordIsMap
        ? { valid: true, sec: time.sec, nsec: time.nsec, flags: time.flags, record: rec.value }
        : { valid: false, sec: 0, nsec: 0, flags: EntryFlag.INVALID | (InvalidReason.RECORD << 8) }
    const items = [t, time.bytes, rec.bytes]
    return { bytes: array(opt === undefined ? items : [...items, opt]), mode: Mode.MESSAGE, events: [event] }
  })

/** Forward mode; the first entry must not be an int or an ext (element[1] would be a v1.5 Message time). */
const forwardMode: fc.Arbitrary<MessageCase> = fc
  .tuple(tag, fc.array(forwardEntry, { maxLength: 5 }), plainOptions)
  .filter(([, entries]) => entries.length === 0 || !isIntOrExt(entries[0].bytes[0]))
  .chain(([t, entries, opt]) =>
    fc.constantFrom(...containerWidths(entries.length)).map((w) => {
      const items = [
        t,
        array(
          entries.map((e) => e.bytes),
          w,
        ),
      ]
      return { bytes: array(opt === undefined ? items : [...items, opt]), mode: Mode.FORWARD, events: entries.map((e) => e.expected) }
    }),
  )

/** True when an object's format byte is an int or an ext. */
function isIntOrExt(format: number): boolean {
  return format <= 0x7f || format >= 0xe0 || (format >= 0xcc && format <= 0xd8) || (format >= 0xc7 && format <= 0xc9)
}

const packedMode: fc.Arbitrary<MessageCase> = fc
  .tuple(tag, fc.array(forwardEntry, { maxLength: 5 }), fc.constantFrom('str', 'bin'), plainOptions)
  .chain(([t, entries, kind, opt]) => {
    const payload = cat(...entries.map((e) => e.bytes))
    const widths: Array<StrWidth | BinWidth> = kind === 'str' ? strWidths(payload.length) : binWidths(payload.length)
    return fc.constantFrom(...widths).map((w) => {
      const carrier = kind === 'str' ? str(payload, w as StrWidth) : bin(payload, w as BinWidth)
      const items = [t, carrier]
      return { bytes: array(opt === undefined ? items : [...items, opt]), mode: Mode.PACKED, events: entries.map((e) => e.expected) }
    })
  })

const compressedMode: fc.Arbitrary<MessageCase> = fc
  .tuple(tag, fc.uint8Array({ maxLength: 40 }), fc.constantFrom('gzip', 'zstd'), fc.boolean())
  .map(([t, payload, how, asStr]) => ({
    bytes: array([t, asStr ? str(payload, 32) : bin(payload), map([[str('compressed'), str(how)]])]),
    mode: Mode.COMPRESSED,
    events: [],
  }))

/** A message of any mode. */
export const anyMessage: fc.Arbitrary<MessageCase> = fc.oneof(
  { weight: 1, arbitrary: heartbeat },
  { weight: 1, arbitrary: notArray },
  { weight: 3, arbitrary: messageMode },
  { weight: 3, arbitrary: forwardMode },
  { weight: 3, arbitrary: packedMode },
  { weight: 1, arbitrary: compressedMode },
)

/** A stream of 1–6 messages. */
export const messageStream: fc.Arbitrary<{ bytes: Uint8Array; messages: MessageCase[] }> = fc
  .array(anyMessage, { minLength: 1, maxLength: 6 })
  .map((messages) => ({ bytes: cat(...messages.map((m) => m.bytes)), messages }))
