/**
 * @module The slow, obviously-correct JSON → msgpack transcoder (the test oracle for
 * assembly/json/): a recursive-descent reader that follows RFC 8259's grammar byte by byte into a
 * tree, and a plain msgpack writer for the tree, with the rules of docs/core-abi.md §4 written
 * the simplest way. The hard parts lean on the JavaScript engine: numbers are `Number(text)` (the
 * same correctly rounded double as JSON.parse) or `BigInt(text)`, escapes are decoded by
 * `JSON.parse` and written by TextEncoder. The property tests check this oracle against
 * JSON.parse + @msgpack/msgpack, and the core against this oracle, result for result.
 */

import type {
  ItemInfo,
  ItemStatus,
  JsonEntriesOptions,
  JsonEntriesOutcome,
  JsonStatus,
  JsonTranscoder,
  JsonValueOutcome,
  Range,
} from '../types.ts'
import { isStop, scanObject } from './msgpack-scan.ts'

const textEncoder = new TextEncoder()

type Node =
  | { t: 'int'; v: bigint }
  | { t: 'float'; v: number }
  | { t: 'str'; bytes: Uint8Array }
  | { t: 'lit'; byte: number }
  | { t: 'arr'; items: Node[] }
  | { t: 'obj'; pairs: Pairs }
  | { t: 'raw'; bytes: Uint8Array }

/** A reader failure: INVALID at the first byte that cannot continue a valid text, or TOO_DEEP at a bracket. */
class Stop {
  constructor(
    readonly kind: 'invalid' | 'deep',
    readonly at: number,
  ) {}
}

const isWs = (b: number | undefined) => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d
const isDigit = (b: number | undefined) => b !== undefined && b >= 0x30 && b <= 0x39
const INT64_MIN = -(2n ** 63n)
const UINT64_MAX = 2n ** 64n - 1n

/** Where the record's time pair was and what it held (record mode). */
interface TimePair {
  start: number
  end: number
  node: Node
}

/** Recursive descent over bytes [.., end). */
class Reader {
  p: number
  /** Set when reading a record: the time key's bytes. */
  timeKey: Uint8Array | null = null
  keepTimeKey = false
  time: TimePair | null = null

  constructor(
    readonly bytes: Uint8Array,
    start: number,
    readonly end: number,
    readonly maxDepth: number,
  ) {
    this.p = start
  }

  ws(): void {
    while (this.p < this.end && isWs(this.bytes[this.p])) this.p++
  }

  /** The byte at p, or a stop at the end. */
  peek(): number {
    if (this.p >= this.end) throw new Stop('invalid', this.end)
    return this.bytes[this.p]
  }

  expect(b: number): void {
    if (this.peek() !== b) throw new Stop('invalid', this.p)
    this.p++
  }

  /** A value at p (leading whitespace allowed); `depth` containers are open around it. */
  value(depth: number, recordTop = false): Node {
    this.ws()
    const c = this.peek()
    if (c === 0x7b) return this.object(depth + 1, recordTop)
    if (c === 0x5b) return this.array(depth + 1)
    if (c === 0x22) return { t: 'str', bytes: this.string() }
    if (c === 0x2d || isDigit(c)) return this.number()
    if (c === 0x74) return this.literal('true', 0xc3)
    if (c === 0x66) return this.literal('false', 0xc2)
    if (c === 0x6e) return this.literal('null', 0xc0)
    throw new Stop('invalid', this.p)
  }

  literal(word: string, byte: number): Node {
    for (let i = 0; i < word.length; i++) this.expect(word.charCodeAt(i))
    return { t: 'lit', byte }
  }

  object(depth: number, recordTop: boolean): Node {
    if (depth > this.maxDepth) throw new Stop('deep', this.p)
    this.p++
    const pairs = newPairs()
    this.ws()
    if (this.peek() === 0x7d) {
      this.p++
      return { t: 'obj', pairs }
    }
    for (;;) {
      if (this.peek() !== 0x22) throw new Stop('invalid', this.p)
      const key = this.string()
      this.ws()
      this.expect(0x3a)
      this.ws()
      const valueStart = this.p
      const value = this.value(depth)
      const isTime = recordTop && this.timeKey !== null && this.timeKey.length > 0 && sameBytes(key, this.timeKey)
      if (isTime) this.time = { start: valueStart, end: this.p, node: value }
      if (!isTime || this.keepTimeKey) setPair(pairs, key, value)
      this.ws()
      const c = this.peek()
      this.p++
      if (c === 0x7d) return { t: 'obj', pairs }
      if (c !== 0x2c) throw new Stop('invalid', this.p - 1)
      this.ws()
    }
  }

  array(depth: number): Node {
    if (depth > this.maxDepth) throw new Stop('deep', this.p)
    this.p++
    const items: Node[] = []
    this.ws()
    if (this.peek() === 0x5d) {
      this.p++
      return { t: 'arr', items }
    }
    for (;;) {
      items.push(this.value(depth))
      this.ws()
      const c = this.peek()
      this.p++
      if (c === 0x5d) return { t: 'arr', items }
      if (c !== 0x2c) throw new Stop('invalid', this.p - 1)
    }
  }

  /** A string at p (its quote): the payload bytes — raw bytes as they are, escapes decoded. */
  string(): Uint8Array {
    this.p++
    const parts: Uint8Array[] = []
    let runStart = this.p
    let escapes = ''
    const flushEscapes = () => {
      if (escapes !== '') parts.push(textEncoder.encode(JSON.parse(`"${escapes}"`) as string))
      escapes = ''
    }
    for (;;) {
      const c = this.peek()
      if (c === 0x22) {
        parts.push(this.bytes.subarray(runStart, this.p))
        flushEscapes()
        this.p++
        return concat(parts)
      }
      if (c < 0x20) throw new Stop('invalid', this.p)
      if (c !== 0x5c) {
        if (escapes !== '') {
          flushEscapes()
          runStart = this.p
        }
        this.p++
        continue
      }
      // An escape: the raw run before it ends here; consecutive escapes are decoded together so
      // surrogate pairs written as two escapes combine (JSON.parse), lone ones become U+FFFD (TextEncoder).
      if (escapes === '') parts.push(this.bytes.subarray(runStart, this.p))
      const at = this.p
      this.p++
      const e = this.peek()
      if ('"\\/bfnrt'.includes(String.fromCharCode(e))) {
        this.p++
      } else if (e === 0x75) {
        this.p++
        for (let i = 0; i < 4; i++) {
          if (!/[0-9a-fA-F]/.test(String.fromCharCode(this.peek()))) throw new Stop('invalid', this.p)
          this.p++
        }
      } else {
        throw new Stop('invalid', this.p)
      }
      escapes += String.fromCharCode(...this.bytes.subarray(at, this.p))
      runStart = this.p
    }
  }

  /** `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?` */
  number(): Node {
    const start = this.p
    let isInt = true
    if (this.bytes[this.p] === 0x2d) this.p++
    const first = this.peek()
    if (first === 0x30) this.p++
    else if (isDigit(first)) while (isDigit(this.bytes[this.p]) && this.p < this.end) this.p++
    else throw new Stop('invalid', this.p)
    if (this.p < this.end && this.bytes[this.p] === 0x2e) {
      isInt = false
      this.p++
      if (!isDigit(this.peek())) throw new Stop('invalid', this.p)
      while (this.p < this.end && isDigit(this.bytes[this.p])) this.p++
    }
    if (this.p < this.end && (this.bytes[this.p] === 0x65 || this.bytes[this.p] === 0x45)) {
      isInt = false
      this.p++
      if (this.p < this.end && (this.bytes[this.p] === 0x2b || this.bytes[this.p] === 0x2d)) this.p++
      if (!isDigit(this.peek())) throw new Stop('invalid', this.p)
      while (this.p < this.end && isDigit(this.bytes[this.p])) this.p++
    }
    const text = String.fromCharCode(...this.bytes.subarray(start, this.p))
    if (isInt) {
      const v = BigInt(text)
      if (v >= INT64_MIN && v <= UINT64_MAX) return { t: 'int', v }
    }
    return { t: 'float', v: Number(text) }
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i])
}

/** An object's pairs in order, and where each key is (by its bytes as a latin1 string). */
interface Pairs {
  list: [key: Uint8Array, value: Node][]
  index: Map<string, number>
}

const newPairs = (): Pairs => ({ list: [], index: new Map() })
const keyString = (key: Uint8Array): string => Array.from(key, (b) => String.fromCharCode(b)).join('')

/** Ruby's `hash[key] = value`: a key seen before keeps its place and takes the new value. */
function setPair(pairs: Pairs, key: Uint8Array, value: Node): void {
  const at = pairs.index.get(keyString(key))
  if (at !== undefined) pairs.list[at][1] = value
  else {
    pairs.index.set(keyString(key), pairs.list.length)
    pairs.list.push([key, value])
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

// ---- msgpack writer (smallest forms) ----------------------------------------------------------

function be(v: bigint, width: number): number[] {
  const out: number[] = []
  for (let i = width - 1; i >= 0; i--) out.push(Number((v >> BigInt(i * 8)) & 0xffn))
  return out
}

function sizeHeader(n: number, fix: number, fixMax: number, forms: [number, number][]): number[] {
  if (n <= fixMax) return [fix | n]
  for (const [format, width] of forms) if (n < 2 ** (width * 8)) return [format, ...be(BigInt(n), width)]
  throw new Error('too long')
}

function encodeNode(node: Node, out: number[]): void {
  switch (node.t) {
    case 'lit':
      out.push(node.byte)
      return
    case 'int': {
      const v = node.v
      if (v >= 0n) {
        if (v < 0x80n) out.push(Number(v))
        else if (v < 0x100n) out.push(0xcc, Number(v))
        else if (v < 0x10000n) out.push(0xcd, ...be(v, 2))
        else if (v < 0x100000000n) out.push(0xce, ...be(v, 4))
        else out.push(0xcf, ...be(v, 8))
      } else {
        const u = BigInt.asUintN(64, v)
        if (v >= -32n) out.push(Number(u & 0xffn))
        else if (v >= -128n) out.push(0xd0, Number(u & 0xffn))
        else if (v >= -32768n) out.push(0xd1, ...be(u, 2))
        else if (v >= -2147483648n) out.push(0xd2, ...be(u, 4))
        else out.push(0xd3, ...be(u, 8))
      }
      return
    }
    case 'float': {
      const b = new Uint8Array(8)
      new DataView(b.buffer).setFloat64(0, node.v)
      out.push(0xcb, ...b)
      return
    }
    case 'str':
      out.push(
        ...sizeHeader(node.bytes.length, 0xa0, 31, [
          [0xd9, 1],
          [0xda, 2],
          [0xdb, 4],
        ]),
      )
      for (const b of node.bytes) out.push(b)
      return
    case 'raw':
      for (const b of node.bytes) out.push(b)
      return
    case 'arr':
      out.push(
        ...sizeHeader(node.items.length, 0x90, 15, [
          [0xdc, 2],
          [0xdd, 4],
        ]),
      )
      for (const item of node.items) encodeNode(item, out)
      return
    case 'obj':
      out.push(
        ...sizeHeader(node.pairs.list.length, 0x80, 15, [
          [0xde, 2],
          [0xdf, 4],
        ]),
      )
      for (const [k, v] of node.pairs.list) {
        encodeNode({ t: 'str', bytes: k }, out)
        encodeNode(v, out)
      }
      return
  }
}

function encode(node: Node): Uint8Array {
  const out: number[] = []
  encodeNode(node, out)
  return Uint8Array.from(out)
}

// ---- times ------------------------------------------------------------------------------------

const MAX_SEC = 2n ** 32n

/** The decimal split of a number's text (Fluentd's time_type float / unixtime on the written digits). */
function timeFromText(text: string, withFraction: boolean): { sec: number; nsec: number } | null {
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(text)!
  const digits = m[2] + (m[3] ?? '')
  if (/^0*$/.test(digits)) return { sec: 0, nsec: 0 }
  if (m[1] === '-') return null
  // The decimal point sits before digit index `point` (the exponent saturates: far out is out of range or zero anyway).
  const exp = Math.max(-1e6, Math.min(1e6, Number(m[4] ?? '0')))
  const point = m[2].length + exp
  if (point > digits.length + 20) return null
  const padded = point > digits.length ? digits.padEnd(point, '0') : digits
  const sec = point <= 0 ? 0n : BigInt(padded.slice(0, point))
  if (sec >= MAX_SEC) return null
  const fraction = point < 0 ? '0'.repeat(Math.min(-point, 9)) + digits : padded.slice(Math.max(point, 0))
  const nsec = withFraction ? Number(fraction.slice(0, 9).padEnd(9, '0')) : 0
  return { sec: Number(sec), nsec }
}

/** in_http's Time.at(value) as sluice's EventTime.fromFloat computes it. */
function timeFromDouble(x: number): { sec: number; nsec: number } | null {
  if (!(x >= 0 && x < 2 ** 32)) return null
  const sec = Math.floor(x) + 0 // -0 → 0
  return { sec, nsec: (Math.round((x - sec) * 1e9) % 1_000_000_000) + 0 }
}

const TIME_KIND = { str: 3, lit: 0, obj: 7, arr: 8 } as const

function timeKindOf(pair: TimePair): number {
  const n = pair.node
  if (n.t === 'int') return 1
  if (n.t === 'float') return 2
  if (n.t === 'lit') return n.byte === 0xc0 ? 4 : n.byte === 0xc3 ? 5 : 6
  return TIME_KIND[n.t as 'str' | 'obj' | 'arr']
}

// ---- the transcoder -----------------------------------------------------------------------------

const DEFAULT_MAX_DEPTH = 512

function skipBom(bytes: Uint8Array, p: number, end: number): number {
  return end - p >= 3 && bytes[p] === 0xef && bytes[p + 1] === 0xbb && bytes[p + 2] === 0xbf ? p + 3 : p
}

function value(text: Uint8Array, maxDepth = DEFAULT_MAX_DEPTH): JsonValueOutcome {
  const r = new Reader(text, skipBom(text, 0, text.length), text.length, maxDepth)
  try {
    const node = r.value(0)
    r.ws()
    if (r.p < text.length) throw new Stop('invalid', r.p)
    return { status: 0, errorOffset: -1, bytes: encode(node) }
  } catch (e) {
    if (!(e instanceof Stop)) throw e
    return { status: e.kind === 'deep' ? 6 : 3, errorOffset: e.at, bytes: new Uint8Array(0) }
  }
}

/** The extras as (key bytes, value bytes) pairs. */
function readExtras(extras: Uint8Array | undefined): [Uint8Array, Uint8Array][] {
  const pairs: [Uint8Array, Uint8Array][] = []
  const bytes = extras ?? new Uint8Array(0)
  const bounds = { avail: bytes.length, limit: bytes.length }
  let p = 0
  while (p < bytes.length) {
    const key = scanObject(bytes, p, bounds)
    if (isStop(key) || key.kind !== 'str') throw new Error('extras must be msgpack key/value pairs with str keys')
    const val = scanObject(bytes, key.end, bounds)
    if (isStop(val)) throw new Error('extras must be msgpack key/value pairs with str keys')
    pairs.push([bytes.subarray(key.body, key.end), bytes.subarray(val.start, val.end)])
    p = val.end
  }
  return pairs
}

function entries(text: Uint8Array, o: JsonEntriesOptions): JsonEntriesOutcome {
  const maxDepth = o.maxDepth ?? DEFAULT_MAX_DEPTH
  const maxRecord = o.maxRecordBytes ?? Number.POSITIVE_INFINITY
  const timeKey = o.timeKey ? textEncoder.encode(o.timeKey) : null
  const mode = o.timeMode ?? 'float'
  const extras = readExtras(o.extras)
  const out: number[] = []
  const items: ItemInfo[] = []
  let status: JsonStatus = 0
  let errorOffset = -1

  const newItem = (line: number, index: number, src: Range, status: ItemStatus = 0): ItemInfo => ({
    status,
    line,
    index,
    errorOffset: -1,
    src,
    entry: [out.length, out.length],
    sec: 0,
    nsec: 0,
    time: 0,
    timeText: null,
    recordSize: 0,
  })

  /** Items of one unit, or a Stop. */
  const unitItems = (start: number, end: number, line: number): ItemInfo[] => {
    const r = new Reader(text, start, end, maxDepth)
    const got: ItemInfo[] = []
    const record = (index: number, depth: number) => {
      const srcStart = r.p
      r.timeKey = timeKey
      r.keepTimeKey = o.keepTimeKey ?? false
      r.time = null
      const node = r.value(depth, true) as Extract<Node, { t: 'obj' }>
      r.timeKey = null
      for (const [k, v] of extras) setPair(node.pairs, k, { t: 'raw', bytes: v })
      const bytes = encode(node)
      const item = newItem(line, index, [srcStart, r.p])
      item.recordSize = bytes.length
      let time = { sec: o.now.sec, nsec: o.now.nsec }
      const pair = r.time as TimePair | null
      if (timeKey !== null && timeKey.length > 0 && pair !== null) {
        item.time = timeKindOf(pair)
        item.timeText = [pair.start, pair.end]
        if (pair.node.t === 'int' || pair.node.t === 'float') {
          const tokenText = String.fromCharCode(...text.subarray(pair.start, pair.end))
          const t =
            mode === 'double' ? timeFromDouble(Number(tokenText)) : timeFromText(tokenText, mode === 'float' && pair.node.t === 'float')
          if (t) {
            time = t
            item.time |= 0x100
          } else item.time |= 0x200
        }
      }
      item.sec = time.sec
      item.nsec = time.nsec
      if (bytes.length > maxRecord) item.status = 4
      else {
        const head = [0x92, 0xd7, 0x00, ...be(BigInt(time.sec), 4), ...be(BigInt(time.nsec), 4)]
        item.entry = [out.length, out.length + head.length + bytes.length]
        for (const b of head) out.push(b)
        for (const b of bytes) out.push(b)
      }
      got.push(item)
    }
    const notRecord = (index: number, depth: number) => {
      const srcStart = r.p
      r.value(depth)
      got.push(newItem(line, index, [srcStart, r.p], 3))
    }
    r.ws()
    const c = r.peek()
    if (c === 0x7b) record(-1, 0)
    else if (c === 0x5b) {
      if (maxDepth < 1) throw new Stop('deep', r.p)
      r.p++
      r.ws()
      if (r.peek() === 0x5d) r.p++
      else
        for (let index = 0; ; index++) {
          r.ws()
          if (r.peek() === 0x7b) record(index, 1)
          else notRecord(index, 1)
          r.ws()
          const d = r.peek()
          r.p++
          if (d === 0x5d) break
          if (d !== 0x2c) throw new Stop('invalid', r.p - 1)
        }
    } else notRecord(-1, 0)
    r.ws()
    if (r.p < end) throw new Stop('invalid', r.p)
    return got
  }

  const unit = (start: number, end: number, line: number) => {
    const outMark = out.length
    try {
      items.push(...unitItems(start, end, line))
    } catch (e) {
      if (!(e instanceof Stop)) throw e
      out.length = outMark
      const item = newItem(line, -1, [start, end], e.kind === 'deep' ? 2 : 1)
      item.errorOffset = e.at
      items.push(item)
      status = e.kind === 'deep' ? 6 : 3
      errorOffset = e.at
    }
  }

  if (o.framing === 'value') unit(skipBom(text, 0, text.length), text.length, 1)
  else if (o.framing === 'lines') {
    let p = skipBom(text, 0, text.length)
    for (let line = 1; p < text.length; line++) {
      let lf = text.indexOf(0x0a, p)
      if (lf < 0) lf = text.length
      let q = p
      while (q < lf && isWs(text[q])) q++
      if (q < lf) unit(p, lf, line)
      p = lf + 1
    }
  } else {
    ;(o.ranges ?? []).forEach(([s, e], i) => unit(i === 0 && s === 0 ? skipBom(text, s, e) : s, e, i + 1))
  }
  if (o.framing !== 'value') {
    status = 0
    errorOffset = -1
  }
  return { status, errorOffset, entries: Uint8Array.from(out), items }
}

export const referenceJson: JsonTranscoder = { value, entries }
