/**
 * @module The checks every runtime (Node, workerd, Chromium) runs against the WebAssembly core, with
 * the expected results written out as literals so all three are compared with the same answers.
 * Runtime-neutral: no Node, Workers or DOM APIs, only what every JS engine has (plus TextEncoder).
 */
import type { Core } from '../../wasm/core.ts'
import type { FrameOutcome, MessageInfo, Route } from '../../wasm/types.ts'

/** One check's result, as reported by every runtime. */
export interface CheckResult {
  name: string
  ok: boolean
  detail: string
}

/** Hex with optional spaces → bytes. */
export function hex(s: string): Uint8Array {
  const clean = s.replace(/\s+/g, '')
  if (clean.length % 2 !== 0 || /[^0-9a-f]/i.test(clean)) throw new Error(`bad hex: ${s}`)
  const out = new Uint8Array(clean.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(i * 2, i * 2 + 2), 16)
  return out
}

/** Bytes → lower-case hex with spaces (for readable failure details). */
export function toHex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ')
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

const utf8 = new TextDecoder()

// 1441588984 = 0x55ece6f8; 123456789 = 0x075bcd15
const SEC = 1441588984
const NSEC = 123456789

/** Hand-written wire bytes (the same in every runtime). */
export const FIXTURES = {
  /** ["tag.a", 1441588984, {"k":"v"}] */
  messageInt: '93 a5 74 61 67 2e 61 ce 55 ec e6 f8 81 a1 6b a1 76',
  /** ["tag.a", EventTime(1441588984, 123456789), {"k":"v"}] */
  messageEventTime: '93 a5 74 61 67 2e 61 d7 00 55 ec e6 f8 07 5b cd 15 81 a1 6b a1 76',
  /** ["tag.a", [[1441588984, {"k":"v"}]]] */
  forward: '92 a5 74 61 67 2e 61 91 92 ce 55 ec e6 f8 81 a1 6b a1 76',
  /** ["tag.a", bin([1441588984, {"k":"v"}] [EventTime(1441588985, 1), {"k":"w"}]), {"size": 2}] */
  packed:
    '93 a5 74 61 67 2e 61 c4 1b' +
    ' 92 ce 55 ec e6 f8 81 a1 6b a1 76' +
    ' 92 d7 00 55 ec e6 f9 00 00 00 01 81 a1 6b a1 77' +
    ' 81 a4 73 69 7a 65 02',
  /** What a packer in Forward mode with integer times seals: ["tag.a", [[1441588984, {"k":"v"}]], {"size": 1}] */
  forwardSealed: '93 a5 74 61 67 2e 61 91 92 ce 55 ec e6 f8 81 a1 6b a1 76 81 a4 73 69 7a 65 01',
  /** What a PackedForward packer seals for two EventTime entries and chunk id "abc". */
  packedSealed:
    '93 a5 74 61 67 2e 61 c4 20' +
    ' 92 d7 00 55 ec e6 f8 07 5b cd 15 81 a1 6b a1 76' +
    ' 92 d7 00 55 ec e6 f9 00 00 00 01 81 a1 6b a1 77' +
    ' 82 a4 73 69 7a 65 02 a5 63 68 75 6e 6b a3 61 62 63',
} as const

const REC_V = hex('81 a1 6b a1 76') // {"k":"v"}
const REC_W = hex('81 a1 6b a1 77') // {"k":"w"}

const NO_OPTIONS = { present: false, invalid: false, size: null, chunk: null, compressed: 0, fluentSignal: -1 }

/** The complete frame outcomes every runtime must produce, as plain JSON. */
export const EXPECTED: Record<string, unknown> = {
  messageInt: {
    status: 0,
    consumed: 17,
    need: 0,
    errorOffset: -1,
    messages: [
      {
        start: 0,
        end: 17,
        mode: 0,
        tag: [2, 7],
        entries: [7, 17],
        options: NO_OPTIONS,
        events: [{ sec: SEC, nsec: 0, record: [12, 17], entry: [7, 17], flags: 2 }],
      },
    ],
  },
  messageEventTime: {
    status: 0,
    consumed: 22,
    need: 0,
    errorOffset: -1,
    messages: [
      {
        start: 0,
        end: 22,
        mode: 0,
        tag: [2, 7],
        entries: [7, 22],
        options: NO_OPTIONS,
        events: [{ sec: SEC, nsec: NSEC, record: [17, 22], entry: [7, 22], flags: 0 }],
      },
    ],
  },
  forward: {
    status: 0,
    consumed: 19,
    need: 0,
    errorOffset: -1,
    messages: [
      {
        start: 0,
        end: 19,
        mode: 1,
        tag: [2, 7],
        entries: [8, 19],
        options: NO_OPTIONS,
        events: [{ sec: SEC, nsec: 0, record: [14, 19], entry: [8, 19], flags: 2 }],
      },
    ],
  },
  packed: {
    status: 0,
    consumed: 43,
    need: 0,
    errorOffset: -1,
    messages: [
      {
        start: 0,
        end: 43,
        mode: 2,
        tag: [2, 7],
        entries: [9, 36],
        options: { present: true, invalid: false, size: 2, chunk: null, compressed: 0, fluentSignal: -1 },
        events: [
          { sec: SEC, nsec: 0, record: [15, 20], entry: [9, 20], flags: 2 },
          { sec: SEC + 1, nsec: 1, record: [31, 36], entry: [20, 36], flags: 0 },
        ],
      },
    ],
  },
  packedSealed: {
    status: 0,
    consumed: 58,
    need: 0,
    errorOffset: -1,
    messages: [
      {
        start: 0,
        end: 58,
        mode: 2,
        tag: [2, 7],
        entries: [9, 41],
        options: { present: true, invalid: false, size: 2, chunk: [54, 58], compressed: 0, fluentSignal: -1 },
        events: [
          { sec: SEC, nsec: NSEC, record: [20, 25], entry: [9, 25], flags: 0 },
          { sec: SEC + 1, nsec: 1, record: [36, 41], entry: [25, 41], flags: 0 },
        ],
      },
    ],
  },
  /** messageInt + forward back to back, then the first 10 bytes of messageEventTime (its EventTime
   * ends at 17 and the record is still owed: need 18). */
  twoAndAHalf: {
    status: 1,
    consumed: 36,
    need: 18,
    errorOffset: -1,
    messages: [
      {
        start: 0,
        end: 17,
        mode: 0,
        tag: [2, 7],
        entries: [7, 17],
        options: NO_OPTIONS,
        events: [{ sec: SEC, nsec: 0, record: [12, 17], entry: [7, 17], flags: 2 }],
      },
      {
        start: 17,
        end: 36,
        mode: 1,
        tag: [19, 24],
        entries: [25, 36],
        options: NO_OPTIONS,
        events: [{ sec: SEC, nsec: 0, record: [31, 36], entry: [25, 36], flags: 2 }],
      },
    ],
  },
}

const range = (r: readonly number[] | null | undefined) => (r == null ? null : [r[0], r[1]])

/** Projects a frame outcome onto the fields of wasm/types.ts, in a fixed key order, as plain JSON. */
export function normalizeOutcome(o: FrameOutcome): unknown {
  return {
    status: o.status,
    consumed: o.consumed,
    need: o.need,
    errorOffset: o.errorOffset,
    messages: o.messages.map((m: MessageInfo) => ({
      start: m.start,
      end: m.end,
      mode: m.mode,
      tag: range(m.tag),
      entries: range(m.entries),
      options: {
        present: m.options.present,
        invalid: m.options.invalid,
        size: m.options.size,
        chunk: range(m.options.chunk),
        compressed: m.options.compressed,
        fluentSignal: m.options.fluentSignal,
      },
      events: m.events.map((e) => ({
        sec: e.sec,
        nsec: e.nsec,
        record: range(e.record),
        entry: range(e.entry),
        flags: e.flags,
      })),
    })),
  }
}

class CheckFailed extends Error {}

function eq(actual: unknown, expected: unknown, what: string): void {
  const a = JSON.stringify(actual)
  const e = JSON.stringify(expected)
  if (a !== e) throw new CheckFailed(`${what}: expected ${e}, got ${a}`)
}

function truthy(cond: boolean, what: string): void {
  if (!cond) throw new CheckFailed(what)
}

function sliceText(bytes: Uint8Array, r: readonly number[] | null): string | null {
  return r == null ? null : utf8.decode(bytes.subarray(r[0], r[1]))
}

function frameFixture(core: Core, name: keyof typeof FIXTURES & keyof typeof EXPECTED): string {
  const bytes = hex(FIXTURES[name])
  const outcome = core.framer.frame(bytes)
  eq(normalizeOutcome(outcome), EXPECTED[name], `frame(${name})`)
  const m = outcome.messages[0]
  eq(sliceText(bytes, m.tag), 'tag.a', 'tag text')
  for (const e of m.events) truthy(bytes[e.record[0]] === 0x81, `record at ${e.record[0]} starts with a fixmap`)
  return `mode ${m.mode}, ${m.events.length} event(s), consumed ${outcome.consumed}`
}

function lookup(table: { lookup(tag: string | Uint8Array): Route }, tag: string | Uint8Array): unknown {
  const r = table.lookup(tag)
  return { match: r.match, filters: Array.from(r.filters) }
}

type Check = (core: Core) => string | void

/** The checks, in order. Names are stable: the runtime tests make one test per name. */
const CHECKS: ReadonlyArray<readonly [string, Check]> = [
  [
    'core exposes framer, matcher, packer and JSON transcoder',
    (core) => {
      truthy(core != null && typeof core.framer?.frame === 'function', 'core.framer.frame is a function')
      truthy(typeof core.json?.entries === 'function', 'core.json.entries is a function')
      truthy(typeof core.matcher?.compile === 'function', 'core.matcher.compile is a function')
      truthy(typeof core.createPacker === 'function', 'core.createPacker is a function')
    },
  ],
  ['frame Message mode, integer time', (core) => frameFixture(core, 'messageInt')],
  ['frame Message mode, EventTime', (core) => frameFixture(core, 'messageEventTime')],
  ['frame Forward mode', (core) => frameFixture(core, 'forward')],
  ['frame PackedForward mode', (core) => frameFixture(core, 'packed')],
  [
    'frame empty input',
    (core) => {
      eq(
        normalizeOutcome(core.framer.frame(new Uint8Array(0))),
        { status: 0, consumed: 0, need: 0, errorOffset: -1, messages: [] },
        'frame([])',
      )
    },
  ],
  [
    'NEED_MORE on every prefix',
    (core) => {
      const full = hex(FIXTURES.messageInt)
      for (let n = 1; n < full.length; n++) {
        const o = core.framer.frame(full.subarray(0, n))
        eq([o.status, o.consumed, o.messages.length], [1, 0, 0], `prefix of ${n} bytes: [status, consumed, messages]`)
        truthy(o.need > n && o.need <= full.length, `prefix of ${n} bytes: need ${o.need} should be in (${n}, ${full.length}]`)
      }
      // 93 a5 'tag.a' ce 55 ec: the time's payload ends at 12, and the record is still owed: 13
      eq(core.framer.frame(full.subarray(0, 10)).need, 13, 'need for the 10-byte prefix')
      // 93: the tag's header byte at 1 is missing, and two more elements are owed: 1 + 1 + 2
      eq(core.framer.frame(full.subarray(0, 1)).need, 4, 'need for the 1-byte prefix')
    },
  ],
  [
    'frame two messages and a partial third',
    (core) => {
      const bytes = concat(hex(FIXTURES.messageInt), hex(FIXTURES.forward), hex(FIXTURES.messageEventTime).subarray(0, 10))
      eq(normalizeOutcome(core.framer.frame(bytes)), EXPECTED.twoAndAHalf, 'frame(messageInt + forward + 10 bytes)')
    },
  ],
  [
    'FRAME_TOO_LARGE under maxFrame',
    (core) => {
      const o = core.framer.frame(hex(FIXTURES.messageEventTime), 16)
      eq([o.status, o.consumed, o.messages.length], [2, 0, 0], '[status, consumed, messages] with maxFrame 16')
    },
  ],
  [
    'INVALID on a c1 byte',
    (core) => {
      const bytes = concat(hex(FIXTURES.forward), hex('93 a5 74 61 67 2e 61 c1'))
      const o = core.framer.frame(bytes)
      eq([o.status, o.consumed, o.messages.length, o.errorOffset], [3, 19, 1, 26], '[status, consumed, messages, errorOffset]')
    },
  ],
  [
    'route table lookups',
    (core) => {
      const table = core.matcher.compile([
        { kind: 'filter', pattern: 'x.**' },
        { kind: 'match', pattern: 'x.y' },
        { kind: 'match', pattern: 'x.**' },
      ])
      const enc = new TextEncoder()
      for (let round = 0; round < 2; round++) {
        // the second round is served from the cache
        eq(lookup(table, 'x.y'), { match: 1, filters: [0] }, `x.y (round ${round})`)
        eq(lookup(table, 'x.z'), { match: 2, filters: [0] }, `x.z (round ${round})`)
        eq(lookup(table, 'q'), { match: -1, filters: [] }, `q (round ${round})`)
        eq(lookup(table, 'x'), { match: 2, filters: [0] }, `x (round ${round})`)
        eq(lookup(table, enc.encode('x.y')), { match: 1, filters: [0] }, `x.y as bytes (round ${round})`)
      }
    },
  ],
  [
    'route patterns: alternation, *, **',
    (core) => {
      const table = core.matcher.compile([
        { kind: 'match', pattern: 'a.{b,c}.* d' },
        { kind: 'match', pattern: '**' },
      ])
      eq(lookup(table, 'a.b.x'), { match: 0, filters: [] }, 'a.b.x')
      eq(lookup(table, 'a.c.y'), { match: 0, filters: [] }, 'a.c.y')
      eq(lookup(table, 'd'), { match: 0, filters: [] }, 'd')
      eq(lookup(table, 'a.d.x'), { match: 1, filters: [] }, 'a.d.x')
      eq(lookup(table, 'a.b'), { match: 1, filters: [] }, 'a.b')
      eq(lookup(table, 'a.b.x.y'), { match: 1, filters: [] }, 'a.b.x.y')
    },
  ],
  [
    'pack Message mode gives the hand-written bytes',
    (core) => {
      const intTime = core.createPacker({ mode: 'message', timeAsInteger: true, byteLimit: 1 << 16, entryLimit: 16 })
      try {
        intTime.setTag('tag.a')
        eq(intTime.append(SEC, 0, REC_V), 'ok', 'append')
        eq(toHex(intTime.seal()), FIXTURES.messageInt, 'sealed Message, integer time')
      } finally {
        intTime.free()
      }
      const eventTime = core.createPacker({ mode: 'message', byteLimit: 1 << 16, entryLimit: 16 })
      try {
        eventTime.setTag(new TextEncoder().encode('tag.a'))
        eq(eventTime.append(SEC, NSEC, REC_V), 'ok', 'append')
        eq(toHex(eventTime.seal()), FIXTURES.messageEventTime, 'sealed Message, EventTime')
      } finally {
        eventTime.free()
      }
    },
  ],
  [
    'pack Forward mode gives the hand-written bytes',
    (core) => {
      const p = core.createPacker({ mode: 'forward', timeAsInteger: true, byteLimit: 1 << 16, entryLimit: 16 })
      try {
        p.setTag('tag.a')
        eq(p.append(SEC, 0, REC_V), 'ok', 'append')
        eq(p.count, 1, 'count')
        eq(toHex(p.seal()), FIXTURES.forwardSealed, 'sealed Forward')
      } finally {
        p.free()
      }
    },
  ],
  [
    'pack two entries into PackedForward and frame them back',
    (core) => {
      const p = core.createPacker({ mode: 'packed', byteLimit: 1 << 16, entryLimit: 16 })
      try {
        p.setTag('tag.a')
        eq(p.append(SEC, NSEC, REC_V), 'ok', 'append 1')
        eq(p.append(SEC + 1, 1, REC_W), 'ok', 'append 2')
        eq(p.count, 2, 'count before seal')
        const sealed = p.seal('abc')
        eq(p.count, 0, 'count after seal')
        eq(toHex(sealed), FIXTURES.packedSealed, 'sealed PackedForward')
        const o = core.framer.frame(sealed)
        eq(normalizeOutcome(o), EXPECTED.packedSealed, 'frame(sealed)')
        const m = o.messages[0]
        eq(toHex(sealed.subarray(m.events[0].record[0], m.events[0].record[1])), toHex(REC_V), 'record 1')
        eq(toHex(sealed.subarray(m.events[1].record[0], m.events[1].record[1])), toHex(REC_W), 'record 2')
        eq(m.options.chunk && toHex(sealed.subarray(m.options.chunk[0], m.options.chunk[1])), 'a3 61 62 63', 'chunk value, header included')
        // the packer is reusable after seal
        p.setTag('tag.b')
        eq(p.append(SEC, 0, REC_V), 'ok', 'append after seal')
        const second = p.seal()
        const again = core.framer.frame(second)
        eq([again.status, again.messages[0].mode, again.messages[0].events.length], [0, 2, 1], 'second chunk [status, mode, events]')
        eq(sliceText(second, again.messages[0].tag), 'tag.b', 'second chunk tag')
      } finally {
        p.free()
      }
    },
  ],
  [
    'packer limits: full and too-large',
    (core) => {
      const byCount = core.createPacker({ mode: 'packed', byteLimit: 1 << 16, entryLimit: 2 })
      try {
        byCount.setTag('t')
        eq(
          [byCount.append(SEC, 0, REC_V), byCount.append(SEC, 0, REC_V), byCount.append(SEC, 0, REC_V)],
          ['ok', 'ok', 'full'],
          'entryLimit 2',
        )
        eq(byCount.count, 2, 'count')
      } finally {
        byCount.free()
      }
      // each EventTime entry of {"k":"v"} is 1 + 10 + 5 = 16 bytes
      const byBytes = core.createPacker({ mode: 'packed', byteLimit: 40, entryLimit: 100 })
      try {
        byBytes.setTag('t')
        eq(
          [byBytes.append(SEC, 1, REC_V), byBytes.append(SEC, 1, REC_V), byBytes.append(SEC, 1, REC_V)],
          ['ok', 'ok', 'full'],
          'byteLimit 40',
        )
        eq(byBytes.count, 2, 'count')
        byBytes.seal()
        // {"k": str8 of 35 bytes} is 40 bytes, so its entry is 51 > 40 even in an empty chunk.
        // (Asked of an empty packer: docs/core-abi.md leaves open which refusal a non-empty one gives.)
        const big = concat(hex('81 a1 6b d9 23'), new Uint8Array(35).fill(0x61))
        eq(byBytes.append(SEC, 1, big), 'too-large', 'entry larger than byteLimit, empty packer')
        eq(byBytes.count, 0, 'count after the refusal')
        eq(byBytes.append(SEC, 1, REC_V), 'ok', 'a small entry still fits')
      } finally {
        byBytes.free()
      }
    },
  ],
]

/** JSON → msgpack: the texts and the bytes every runtime must produce (docs/core-abi.md §4). */
export const JSON_FIXTURES = {
  value: '{"a":[1,-1,1.5,"\\u00e9\\ud83d\\ude00",true,null],"big":18446744073709551615,"b":{"b":1,"b":2}}',
  valueBytes:
    '83 a1 61 96 01 ff cb 3f f8 00 00 00 00 00 00 a6 c3 a9 f0 9f 98 80 c3 c0 a3 62 69 67 cf ff ff ff ff ff ff ff ff a1 62 81 a1 62 02',
  /** NDJSON with CRLF, a blank line, a bad line and an array line; time key `time` (double), REMOTE_ADDR appended. */
  lines: '{"time":1441588984.5,"k":"v"}\r\n\n{bad\n[{"time":"x"},7]\n',
  linesEntries:
    '92 d7 00 55 ec e6 f8 1d cd 65 00 82 a1 6b a1 76 ab 52 45 4d 4f 54 45 5f 41 44 44 52 a7 31 2e 32 2e 33 2e 34' +
    ' 92 d7 00 65 53 f1 00 00 00 00 05 81 ab 52 45 4d 4f 54 45 5f 41 44 44 52 a7 31 2e 32 2e 33 2e 34',
  /** REMOTE_ADDR: "1.2.3.4" as msgpack pairs. */
  extras: 'ab 52 45 4d 4f 54 45 5f 41 44 44 52 a7 31 2e 32 2e 33 2e 34',
} as const

const JSON_LINES_ITEMS = [
  {
    status: 0,
    line: 1,
    index: -1,
    errorOffset: -1,
    src: [0, 29],
    entry: [0, 36],
    sec: SEC,
    nsec: 500_000_000,
    time: 258,
    timeText: [8, 20],
    recordSize: 25,
  },
  {
    status: 1,
    line: 3,
    index: -1,
    errorOffset: 33,
    src: [32, 36],
    entry: [36, 36],
    sec: 0,
    nsec: 0,
    time: 0,
    timeText: null,
    recordSize: 0,
  },
  {
    status: 0,
    line: 4,
    index: 0,
    errorOffset: -1,
    src: [38, 50],
    entry: [36, 68],
    sec: 1_700_000_000,
    nsec: 5,
    time: 3,
    timeText: [46, 49],
    recordSize: 21,
  },
  {
    status: 3,
    line: 4,
    index: 1,
    errorOffset: -1,
    src: [51, 52],
    entry: [68, 68],
    sec: 0,
    nsec: 0,
    time: 0,
    timeText: null,
    recordSize: 0,
  },
]

const JSON_CHECKS: ReadonlyArray<readonly [string, Check]> = [
  [
    'JSON value to msgpack: exact integers, floats, escapes, duplicate keys',
    (core) => {
      const o = core.json.value(new TextEncoder().encode(JSON_FIXTURES.value))
      eq([o.status, o.errorOffset], [0, -1], '[status, errorOffset]')
      eq(toHex(o.bytes), JSON_FIXTURES.valueBytes, 'msgpack bytes')
    },
  ],
  [
    'JSON entries: NDJSON lines, time key, extras, per-line items',
    (core) => {
      const o = core.json.entries(new TextEncoder().encode(JSON_FIXTURES.lines), {
        framing: 'lines',
        timeKey: 'time',
        timeMode: 'double',
        extras: hex(JSON_FIXTURES.extras),
        now: { sec: 1_700_000_000, nsec: 5 },
      })
      eq(toHex(o.entries), JSON_FIXTURES.linesEntries, 'entries bytes')
      eq(JSON.parse(JSON.stringify(o.items)), JSON_LINES_ITEMS, 'items')
      // an EventStream's entries: the framer walks them
      const walk = core.framer.walkEntries(o.entries)
      eq([walk.status, walk.events.length, walk.events[0].sec], [0, 2, SEC], 'walkEntries of the output')
    },
  ],
  [
    'JSON errors and limits: statuses and offsets, deep nesting',
    (core) => {
      const enc = new TextEncoder()
      const outcome = (text: string, maxDepth?: number) => {
        const o = core.json.value(enc.encode(text), maxDepth)
        return [o.status, o.errorOffset]
      }
      eq(outcome('{"a":1,}'), [3, 7], '{"a":1,}')
      eq(outcome('"\\x"'), [3, 2], '"\\x"')
      eq(outcome('[1 2]'), [3, 3], '[1 2]')
      eq(outcome('['.repeat(20_000), 512), [6, 512], '20,000 brackets, maxDepth 512')
      eq(outcome(`${'['.repeat(50_000)}${']'.repeat(50_000)}`, 50_000), [0, -1], '50,000 levels allowed')
      const whole = core.json.entries(enc.encode('[{"a":1},{"b":'), { framing: 'value', now: { sec: 1, nsec: 0 } })
      eq([whole.status, whole.errorOffset, whole.items.length, whole.entries.length], [3, 14, 1, 0], 'a broken array: nothing of it')
    },
  ],
]

/**
 * filter_grep's pass (docs/core-abi.md §5) on hand-written entries: `<exclude> level /^debug$/`
 * (one condition, group 3, anchors LINE_START|LINE_END), the program as literal words.
 */
const GREP_FIXTURES = {
  /** [EventTime(SEC,0), {"level":"info"}] [.., {"level":"debug"}] [.., {"level":"x\ndebug"}] [.., {"level":7}] */
  entries:
    '92 d7 00 55 ec e6 f8 00 00 00 00 81 a5 6c 65 76 65 6c a4 69 6e 66 6f ' +
    '92 d7 00 55 ec e6 f8 00 00 00 00 81 a5 6c 65 76 65 6c a5 64 65 62 75 67 ' +
    '92 d7 00 55 ec e6 f8 00 00 00 00 81 a5 6c 65 76 65 6c a7 78 0a 64 65 62 75 67 ' +
    '92 d7 00 55 ec e6 f8 00 00 00 00 81 a5 6c 65 76 65 6c 07',
  /** count 1; group 3, flags 0, 1 step "level" (5 bytes, padded), 1 alternative: anchors 3, "debug" */
  program: [1, 3, 0, 1, 5, 0x6576656c, 0x6c, 1, 3, 5, 0x75626564, 0x67],
}

const GREP_CHECKS: ReadonlyArray<readonly [string, Check]> = [
  [
    'grepEntries: <exclude> level /^debug$/ keeps info and 7, drops debug and x\\ndebug, compacts the rows',
    (core) => {
      const entries = hex(GREP_FIXTURES.entries)
      const programStart = (entries.length + 3) & ~3
      const ptr = core.exports.auxReserve(programStart + GREP_FIXTURES.program.length * 4)
      core.u8().set(entries, ptr)
      const words = core.i32()
      GREP_FIXTURES.program.forEach((w, i) => {
        words[(ptr + programStart) / 4 + i] = w
      })
      const st = core.exports.grepEntries(entries.length, programStart, GREP_FIXTURES.program.length * 4)
      eq(st, 0, 'status')
      const kept = core.result(11)
      eq([kept, core.result(12), core.result(9)], [2, 2, 42], '[kept rows, removed rows, kept bytes]')
      const out = core.u8().slice(core.result(8), core.result(8) + core.result(9))
      eq(
        toHex(out),
        GREP_FIXTURES.entries.split(' ').slice(0, 23).concat(GREP_FIXTURES.entries.split(' ').slice(-19)).join(' '),
        'kept entries',
      )
      const table = core.result(10) >> 2
      const row = (i: number) => Array.from(core.i32().subarray(table + i * 8, table + i * 8 + 7))
      eq(
        [row(0), row(1)],
        [
          [SEC, 0, 11, 23, 0, 23, 0],
          [SEC, 0, 34, 42, 23, 42, 0],
        ],
        'kept rows (offsets)',
      )
    },
  ],
]

/** The names of the checks, in order, known without running them. */
export const CORE_CHECK_NAMES: readonly string[] = [...CHECKS, ...JSON_CHECKS, ...GREP_CHECKS].map(([name]) => name)

/** Runs every check against a loaded core; a thrown error fails that check only. */
export async function runCoreChecks(core: Core): Promise<CheckResult[]> {
  const results: CheckResult[] = []
  for (const [name, check] of [...CHECKS, ...JSON_CHECKS, ...GREP_CHECKS]) {
    try {
      const detail = check(core)
      results.push({ name, ok: true, detail: detail ?? 'ok' })
    } catch (e) {
      const err = e as Error
      const detail = e instanceof CheckFailed ? err.message : `threw ${err?.name ?? 'error'}: ${err?.message ?? String(e)}`
      results.push({ name, ok: false, detail })
    }
  }
  return results
}
