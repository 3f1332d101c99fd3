/**
 * @module Property tests for a JSON transcoder (fast-check): (a) random JSON texts — varied
 * whitespace, escapes, number spellings, duplicate keys — mean what JSON.parse says they mean;
 * (b) where no rule differs, the bytes equal JSON.parse + @msgpack/msgpack with the exact-integer
 * encoder (engine/event-stream.ts); (c) NDJSON read as lines gives one entry per line and the same
 * bytes as the lines one by one, and an array gives the same entries as its elements as lines;
 * (d) times; (e) mutated and random bytes never break it. Every call also checks the invariants
 * and, for the core, equality with the reference (json-cases/context.ts).
 * Call `runJsonProperties(name, getTranscoder)` from a test file.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decode, encode } from '@msgpack/msgpack'
import { encodeRecord } from '../../engine/event-stream.ts'
import { ItemStatus, type JsonTranscoder, TimeFlag } from '../../wasm/types.ts'
import { NOW, recordOf, useJson } from './json-cases/context.ts'

const RUNS = 300
const textEncoder = new TextEncoder()

/** A lone surrogate becomes U+FFFD, as TextEncoder writes it. */
const wellFormed = (s: string): string => new TextDecoder().decode(textEncoder.encode(s))

/** JSON.parse's meaning, as the transcoder's msgpack decodes: strings well-formed (a lone surrogate is U+FFFD), numbers as doubles. */
function meaning(v: unknown): unknown {
  if (typeof v === 'string') return wellFormed(v)
  if (typeof v === 'bigint') return Number(v)
  if (typeof v === 'number') return v === 0 ? 0 : v
  if (Array.isArray(v)) return v.map(meaning)
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [wellFormed(k), meaning(x)]))
  return v
}

// ---- a JSON text writer with random spellings ----------------------------------------------------

type Spell = { ws: () => string; escape: (c: string) => boolean; pick: (n: number) => number }

const WS = [' ', '\t', '\n', '\r']

function spellString(s: string, sp: Spell): string {
  let out = '"'
  for (const c of s) {
    const code = c.codePointAt(0)!
    if (c === '"' || c === '\\' || code < 0x20 || sp.escape(c)) {
      const short: Record<string, string> = {
        '"': '\\"',
        '\\': '\\\\',
        '\n': '\\n',
        '\t': '\\t',
        '\r': '\\r',
        '\b': '\\b',
        '\f': '\\f',
        '/': '\\/',
      }
      if (short[c] && sp.pick(2) === 0) out += short[c]
      else for (const unit of c.split('')) out += `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`
    } else out += c
  }
  return `${out}"`
}

function spellNumber(n: number | bigint, sp: Spell): string {
  if (typeof n === 'bigint') return n.toString()
  if (Number.isInteger(n) && Math.abs(n) < 2 ** 53 && sp.pick(3) === 0) return `${n}.${'0'.repeat(sp.pick(3) + 1)}`
  switch (sp.pick(3)) {
    case 0:
      return n.toExponential().replace('e+', sp.pick(2) ? 'E+' : 'e')
    case 1:
      return JSON.stringify(n)
    default:
      return n
        .toPrecision(21)
        .replace(/(\.\d*?)0+($|e)/, '$1$2')
        .replace(/\.($|e)/, '$1')
  }
}

/** An object written as its pairs, so a key may come twice (JSON.parse: the last value wins). */
interface Pairs {
  pairs: [string, unknown][]
}

function spell(v: unknown, sp: Spell): string {
  const w = sp.ws
  if (v === null || typeof v === 'boolean') return String(v)
  if (typeof v === 'number' || typeof v === 'bigint') return spellNumber(v, sp)
  if (typeof v === 'string') return spellString(v, sp)
  if (Array.isArray(v)) return `[${w()}${v.map((x) => spell(x, sp)).join(`${w()},${w()}`)}${w()}]`
  const entries = 'pairs' in (v as object) ? (v as Pairs).pairs : Object.entries(v as object)
  const pairs = entries.map(([k, x]) => `${spellString(k, sp)}${w()}:${w()}${spell(x, sp)}`)
  return `{${w()}${pairs.join(`${w()},${w()}`)}${w()}}`
}

const spelling: fc.Arbitrary<Spell> = fc.infiniteStream(fc.nat(1000)).map((stream) => {
  const it = stream[Symbol.iterator]()
  const next = () => it.next().value as number
  return {
    ws: () => (next() % 4 === 0 ? Array.from({ length: (next() % 3) + 1 }, () => WS[next() % 4]).join('') : ''),
    escape: () => next() % 5 === 0,
    pick: (n: number) => next() % n,
  }
})

const numbers = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n - 1n }),
  fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }),
)
/** @msgpack/msgpack refuses to decode a `__proto__` key (the transcoder writes it like any key). */
const strings = fc.string({ unit: 'binary', maxLength: 12 }).filter((s) => s !== '__proto__')
/** Keys: any text, and a few that come back often (duplicates; integer-like keys JS objects reorder). */
const keys = fc.oneof(strings, fc.constantFrom('a', 'b', 'time', '1', '0'))
const pairsOf = (value: fc.Arbitrary<unknown>): fc.Arbitrary<Pairs> =>
  fc.array(fc.tuple(keys, value), { maxLength: 6 }).map((pairs) => ({ pairs }))
const values: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(null, true, false),
    numbers,
    strings,
    fc.array(tie('value'), { maxLength: 5 }),
    pairsOf(tie('value')),
  ),
})).value
const records = pairsOf(values)

/** A JSON text and JSON.parse's value of it (duplicate keys: JSON.parse's last wins). */
const jsonTexts = fc.tuple(values, spelling).map(([v, sp]) => spell(v, sp))
const recordTexts = fc.tuple(records, spelling).map(([v, sp]) => spell(v, sp))

/** Values where JSON.parse + @msgpack/msgpack must give the very same bytes: safe integers, non-integral or huge floats, no integer-like keys. */
const plainValues = fc.jsonValue({ maxDepth: 4 }).filter(function plain(v: unknown): boolean {
  if (v !== null && typeof v === 'object' && Object.hasOwn(v, '__proto__')) return false
  if (typeof v === 'number') return !Number.isInteger(v) || Math.abs(v) < 2 ** 53 || Math.abs(v) >= 1e21
  if (Array.isArray(v)) return v.every(plain)
  if (v !== null && typeof v === 'object') return Object.entries(v).every(([k, x]) => !/^(0|[1-9]\d*)$/.test(k) && plain(x))
  return true
})

function parseLines(text: string): { line: number; value: unknown }[] {
  return text
    .split('\n')
    .map((content, i) => ({ line: i + 1, content }))
    .filter(({ content }) => !/^[ \t\r]*$/.test(content))
    .map(({ line, content }) => ({ line, value: JSON.parse(content) }))
}

export function runJsonProperties(name: string, get: () => JsonTranscoder | Promise<JsonTranscoder>): void {
  describe(`JSON transcoder properties: ${name}`, () => {
    const t = useJson(get)

    it('(a) any JSON text means what JSON.parse says (strings, numbers, nesting, escapes, duplicates)', () => {
      fc.assert(
        fc.property(jsonTexts, (text) => {
          const o = t.value(text)
          expect(o.status).toBe(0)
          expect(meaning(decode(o.bytes, { useBigInt64: true }))).toEqual(meaning(JSON.parse(text)))
        }),
        { numRuns: RUNS },
      )
    })

    it('(a) integers in the 64-bit range come out exact, beyond it as the double JSON.parse reads', () => {
      fc.assert(
        fc.property(fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }), (n) => {
          const o = t.value(n.toString())
          const v = decode(o.bytes, { useBigInt64: true })
          if (n >= -(2n ** 63n) && n < 2n ** 64n) expect(BigInt(v as number | bigint)).toBe(n)
          else expect(v).toBe(Number(n.toString()))
        }),
        { numRuns: RUNS },
      )
    })

    it('(b) the same bytes as JSON.parse + @msgpack/msgpack (exact-integer encoder) where no rule differs', () => {
      fc.assert(
        fc.property(plainValues, (v) => {
          const text = JSON.stringify(v)
          expect(t.value(text).bytes).toEqual(encodeRecord(JSON.parse(text)))
        }),
        { numRuns: RUNS },
      )
    })

    it('(c) NDJSON as lines: one item per non-blank line, each as JSON.parse reads it; same bytes as line by line', () => {
      const ndjson = fc
        .array(fc.tuple(recordTexts, fc.constantFrom('\n', '\r\n', '\n\n', '\n  \n')), { maxLength: 8 })
        .map((lines) => lines.map(([r, sep]) => r.replace(/\n/g, ' ') + sep).join(''))
      fc.assert(
        fc.property(ndjson, (text) => {
          const o = t.entries(text, { framing: 'lines' })
          const expected = parseLines(text)
          expect(o.items.map((i) => [i.status, i.line])).toEqual(expected.map((e) => [ItemStatus.OK, e.line]))
          o.items.forEach((_, i) => expect(meaning(recordOf(o, i))).toEqual(meaning(expected[i].value)))
          const oneByOne = text
            .split('\n')
            .filter((l) => !/^[ \t\r]*$/.test(l))
            .map((l) => t.entries(l).entries)
          expect(o.entries).toEqual(Uint8Array.from(oneByOne.flatMap((b) => [...b])))
        }),
        { numRuns: RUNS },
      )
    })

    it('(c) an array of records gives the same entries as the records one per line', () => {
      fc.assert(
        fc.property(fc.array(recordTexts, { maxLength: 8 }), (texts) => {
          const flat = texts.map((r) => r.replace(/\n/g, ' '))
          const asArray = t.entries(`[${flat.join(',')}]`)
          const asLines = t.entries(flat.join('\n'), { framing: 'lines' })
          expect(asArray.entries).toEqual(asLines.entries)
          expect(asArray.items.map((i) => i.index)).toEqual(flat.map((_, i) => i))
        }),
        { numRuns: RUNS },
      )
    })

    it('(d) the time key: numbers in range set the EventTime (double mode: EventTime.fromFloat), the rest keep now', () => {
      const timeValue = fc.oneof(
        fc.double({ min: 0, max: 2 ** 32, noNaN: true }),
        fc.integer({ min: -10, max: 2 ** 33 }),
        fc.constantFrom('"2020-01-01"', 'null', 'true', '[1]', '{}', '-0.0', '1e400'),
      )
      fc.assert(
        fc.property(
          fc.dictionary(strings, plainValues, { maxKeys: 5 }),
          timeValue,
          fc.constantFrom('double', 'float', 'unixtime'),
          (record, time, mode) => {
            const text = typeof time === 'string' ? time : JSON.stringify(time)
            delete record.time
            const body = JSON.stringify(record)
            const full = body === '{}' ? `{"time":${text}}` : `{"time":${text},${body.slice(1)}`
            const o = t.entries(full, { timeKey: 'time', timeMode: mode as 'double' })
            const item = o.items[0]
            expect(meaning(recordOf(o, 0))).toEqual(meaning(record))
            const x = JSON.parse(text)
            if (typeof x === 'number' && x >= 0 && x < 2 ** 32) {
              expect(item.time & TimeFlag.APPLIED).toBeTruthy()
              const sec = Math.floor(x) + 0
              if (mode === 'double') expect([item.sec, item.nsec]).toEqual([sec, (Math.round((x - sec) * 1e9) % 1e9) + 0])
              else expect(item.sec).toBe(sec)
              if (mode === 'unixtime') expect(item.nsec).toBe(0)
            } else {
              expect(item.time & TimeFlag.APPLIED).toBe(0)
              expect([item.sec, item.nsec]).toEqual([NOW.sec, NOW.nsec])
            }
          },
        ),
        { numRuns: RUNS },
      )
    })

    it('(e) mutated texts: never throws, well-formed, same as the reference, in every framing', () => {
      const mutated = fc
        .tuple(jsonTexts, fc.array(fc.tuple(fc.nat(), fc.nat(255), fc.nat(3)), { minLength: 1, maxLength: 4 }))
        .map(([text, edits]) => {
          let b = [...textEncoder.encode(text)]
          for (const [at, byte, op] of edits) {
            const p = b.length === 0 ? 0 : at % (b.length + 1)
            if (op === 0) b[p] = byte
            else if (op === 1) b.splice(p, 0, byte)
            else if (op === 2) b.splice(p, 1)
            else b = b.slice(0, p)
          }
          return Uint8Array.from(b)
        })
      const options = fc.record({
        framing: fc.constantFrom('value' as const, 'lines' as const),
        maxDepth: fc.constantFrom(1, 2, 5, 512),
        timeKey: fc.constantFrom(null, 'time', 'a', ''),
        timeMode: fc.constantFrom('float' as const, 'unixtime' as const, 'double' as const),
        keepTimeKey: fc.boolean(),
        maxRecordBytes: fc.constantFrom(undefined, 8, 64),
        extras: fc.constantFrom(undefined, Uint8Array.from([...encode('a'), ...encode(1)])),
      })
      fc.assert(
        fc.property(mutated, options, (bytes, opts) => {
          t.value(bytes, opts.maxDepth)
          t.entries(bytes, opts)
        }),
        { numRuns: 500 },
      )
    })

    it('(e) random bytes: never throws, well-formed, same as the reference', () => {
      const soup = fc.array(
        fc.constantFrom(...'{}[]":,\\ \n\r\t0123456789-+.eEtrufalsn"abcu'.split('').map((c) => c.charCodeAt(0)), 0x80, 0xff, 0x00),
        {
          maxLength: 64,
        },
      )
      fc.assert(
        fc.property(
          fc.oneof(
            fc.uint8Array({ maxLength: 128 }),
            soup.map((a) => Uint8Array.from(a)),
          ),
          (bytes) => {
            t.value(bytes)
            t.entries(bytes, { framing: 'lines', timeKey: 'a' })
            t.entries(bytes, {
              framing: 'ranges',
              ranges: [
                [0, bytes.length >> 1],
                [bytes.length >> 1, bytes.length],
              ],
            })
          },
        ),
        { numRuns: 500 },
      )
    })
  })
}
