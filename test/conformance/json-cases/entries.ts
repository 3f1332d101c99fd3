/**
 * @module JSON entries cases (docs/core-abi.md §4.2–§4.3): the three framings and their items,
 * the entry bytes, the time key in each time mode with every kind of value, keep_time_key, the
 * extra pairs, the record size limit and the depth limit in entries mode.
 */
import { describe, expect, it } from 'vitest'
import { encode } from '@msgpack/msgpack'
import { ItemStatus, TimeFlag, TimeKind } from '../../../wasm/types.ts'
import { hex, keysOf, NOW, recordOf, type JsonUnderTest } from './context.ts'

const NOW_HEX = '65 53 f1 00 07 54 d4 c0' // 1700000000, 123000000

/** EventTime.fromFloat (engine/event-time.ts), written out: in_http's time of a float. */
function fromFloat(x: number): [number, number] {
  const sec = Math.floor(x)
  return [sec, Math.round((x - sec) * 1e9) % 1_000_000_000]
}

export function entriesCases(t: JsonUnderTest): void {
  describe('framings and items', () => {
    it('an object is one entry: 92 d7 00 <sec> <nsec> <record>, with "now" when there is no time', () => {
      const o = t.entries('{"a":1}')
      expect(o.status).toBe(0)
      expect(hex(o.entries)).toBe(`92 d7 00 ${NOW_HEX} 81 a1 61 01`)
      expect(o.items).toEqual([
        {
          status: ItemStatus.OK,
          line: 1,
          index: -1,
          errorOffset: -1,
          src: [0, 7],
          entry: [0, 15],
          sec: NOW.sec,
          nsec: NOW.nsec,
          time: TimeKind.ABSENT,
          timeText: null,
          recordSize: 4,
        },
      ])
    })

    it('an array gives one item per element: objects are entries, the rest NOT_OBJECT with their text', () => {
      const text = ' [{"a":1}, 3 ,{"b":[2]}, null, [{}], "s"] '
      const o = t.entries(text)
      expect(o.items.map((i) => [i.status, i.index, text.slice(i.src[0], i.src[1])])).toEqual([
        [ItemStatus.OK, 0, '{"a":1}'],
        [ItemStatus.NOT_OBJECT, 1, '3'],
        [ItemStatus.OK, 2, '{"b":[2]}'],
        [ItemStatus.NOT_OBJECT, 3, 'null'],
        [ItemStatus.NOT_OBJECT, 4, '[{}]'],
        [ItemStatus.NOT_OBJECT, 5, '"s"'],
      ])
      expect([recordOf(o, 0), recordOf(o, 2)]).toEqual([{ a: 1 }, { b: [2] }])
      expect(t.entries('[]').items).toEqual([])
      expect(t.entries(' [ ] ').entries).toHaveLength(0)
    })

    it('a scalar is one NOT_OBJECT item; invalid JSON is one INVALID item and the call says so', () => {
      expect(t.entries(' "x" ').items.map((i) => [i.status, i.src])).toEqual([[ItemStatus.NOT_OBJECT, [1, 4]]])
      const bad = t.entries('[{"a":1},{"b":2},{"c":]')
      expect([bad.status, bad.errorOffset, bad.entries.length]).toEqual([3, 22, 0])
      expect(bad.items).toEqual([
        expect.objectContaining({ status: ItemStatus.INVALID, line: 1, index: -1, errorOffset: 22, src: [0, 23] }),
      ])
      expect([t.entries('').status, t.entries('  ').errorOffset]).toEqual([3, 2])
      expect(t.entries('{"a":1} x').errorOffset).toBe(8)
    })

    it('lines: one unit per LF-terminated line; CRLF, blank lines (counted, no item), one bad line refuses only itself', () => {
      const text = '{"n":1}\r\n\n  \n{bad\n[{"n":2},"x"]\n{"n":3}'
      const o = t.entries(text, { framing: 'lines' })
      expect(o.status).toBe(0)
      expect(o.items.map((i) => [i.status, i.line, i.index, i.errorOffset])).toEqual([
        [ItemStatus.OK, 1, -1, -1],
        [ItemStatus.INVALID, 4, -1, 14],
        [ItemStatus.OK, 5, 0, -1],
        [ItemStatus.NOT_OBJECT, 5, 1, -1],
        [ItemStatus.OK, 6, -1, -1],
      ])
      expect([0, 2, 4].map((i) => recordOf(o, i))).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }])
      // the bad line's src is the whole line
      expect(text.slice(o.items[1].src[0], o.items[1].src[1])).toBe('{bad')
      // a final LF adds no line; a BOM at the start is skipped
      expect(t.entries('\ufeff{"a":1}\n', { framing: 'lines' }).items.map((i) => i.status)).toEqual([ItemStatus.OK])
      expect(t.entries('{"a":1}\n{"a":2}', { framing: 'value' }).status).toBe(3)
    })

    it('ranges: one unit per host-given range, blank ones included (INVALID)', () => {
      const text = '{"a":1}XX{"b":2} '
      const o = t.entries(text, {
        framing: 'ranges',
        ranges: [
          [0, 7],
          [9, 16],
          [16, 17],
          [3, 3],
        ],
      })
      expect(o.items.map((i) => [i.status, i.line, i.src])).toEqual([
        [ItemStatus.OK, 1, [0, 7]],
        [ItemStatus.OK, 2, [9, 16]],
        [ItemStatus.INVALID, 3, [16, 17]],
        [ItemStatus.INVALID, 4, [3, 3]],
      ])
      expect(o.items[2].errorOffset).toBe(17)
      expect([recordOf(o, 0), recordOf(o, 1)]).toEqual([{ a: 1 }, { b: 2 }])
    })

    it('depth: a top-level array counts as one level', () => {
      expect(t.entries('{"a":1}', { maxDepth: 1 }).status).toBe(0)
      const inArray = t.entries('[{"a":1}]', { maxDepth: 1 })
      expect([inArray.status, inArray.errorOffset, inArray.items[0].status]).toEqual([6, 1, ItemStatus.TOO_DEEP])
      expect(t.entries('{"a":{}}', { maxDepth: 1 }).errorOffset).toBe(5)
      const lines = t.entries('[[[1]]]\n{"ok":1}', { framing: 'lines', maxDepth: 2 })
      expect(lines.items.map((i) => [i.status, i.errorOffset])).toEqual([
        [ItemStatus.TOO_DEEP, 2],
        [ItemStatus.OK, -1],
      ])
    })

    it('a record over maxRecordBytes is TOO_LARGE and dropped alone', () => {
      const o = t.entries('[{"a":1},{"pad":"xxxxxxxxxxxxxxxxxxxx"},{"b":2}]', { maxRecordBytes: 10 })
      expect(o.items.map((i) => [i.status, i.recordSize])).toEqual([
        [ItemStatus.OK, 4],
        [ItemStatus.TOO_LARGE, 26],
        [ItemStatus.OK, 4],
      ])
      expect([recordOf(o, 0), recordOf(o, 2)]).toEqual([{ a: 1 }, { b: 2 }])
      expect(o.entries).toHaveLength(30)
    })
  })

  describe('the time key', () => {
    const timed = (value: string, mode: 'float' | 'unixtime' | 'double' = 'float', extra = {}) => {
      const text = `{"a":1,"time":${value},"b":2}`
      const o = t.entries(text, { timeKey: 'time', timeMode: mode, ...extra })
      const item = o.items[0]
      return { o, item, text }
    }

    it('float (the json parser default): the written digits split at the point, 9 fraction digits truncated', () => {
      const { o, item, text } = timed('1441588984.123456789')
      expect([item.sec, item.nsec, item.time]).toEqual([1441588984, 123456789, TimeKind.FLOAT | TimeFlag.APPLIED])
      expect(text.slice(item.timeText![0], item.timeText![1])).toBe('1441588984.123456789')
      expect(recordOf(o, 0)).toEqual({ a: 1, b: 2 })
      expect(hex(o.entries.subarray(0, 11))).toBe('92 d7 00 55 ec e6 f8 07 5b cd 15')
      expect(keysOf(o, 0)).toEqual(['a', 'b'])
      expect([timed('1441588984.9999999999').item.nsec, timed('1441588984.5').item.nsec]).toEqual([999999999, 500000000])
      expect([timed('1.441588984e9').item.sec, timed('1.441588984e9').item.nsec]).toEqual([1441588984, 0])
      expect([timed('14415889845e-1').item.sec, timed('14415889845e-1').item.nsec]).toEqual([1441588984, 500000000])
      expect([timed('1441588984').item.sec, timed('1441588984').item.time]).toEqual([1441588984, TimeKind.INT | TimeFlag.APPLIED])
      expect([timed('0.5').item.sec, timed('0.5').item.nsec]).toEqual([0, 500000000])
      expect([timed('-0.0').item.sec, timed('-0.0').item.time]).toEqual([0, TimeKind.FLOAT | TimeFlag.APPLIED])
      expect([timed('4294967295.5').item.sec]).toEqual([4294967295])
    })

    it("unixtime: the integer part; double: in_http's Time.at of the double (EventTime.fromFloat)", () => {
      expect([timed('1441588984.9', 'unixtime').item.sec, timed('1441588984.9', 'unixtime').item.nsec]).toEqual([1441588984, 0])
      for (const x of ['1441588984.25', '1441588984.123', '1441588984.999999999', '0.1', '4294967295.5']) {
        const { item } = timed(x, 'double')
        expect([item.sec, item.nsec], x).toEqual(fromFloat(Number(x)))
        expect(item.time & TimeFlag.APPLIED).toBeTruthy()
      }
    })

    it('numbers out of [0, 2^32) seconds are flagged; the entry keeps "now"', () => {
      for (const mode of ['float', 'unixtime', 'double'] as const) {
        for (const x of ['-1', '-0.5', '4294967296', '1e400', '12345678901234567890123']) {
          const { item } = timed(x, mode)
          expect([item.sec, item.nsec], `${x} ${mode}`).toEqual([NOW.sec, NOW.nsec])
          expect(item.time & TimeFlag.OUT_OF_RANGE, `${x} ${mode}`).toBeTruthy()
          expect(item.status).toBe(ItemStatus.OK)
        }
      }
    })

    it('other kinds are reported with their text (quotes included) for the host; the entry keeps "now"', () => {
      const kinds: [string, number][] = [
        ['"2020-04-25T17:47:34Z"', TimeKind.STRING],
        ['null', TimeKind.NULL],
        ['true', TimeKind.TRUE],
        ['false', TimeKind.FALSE],
        ['{"s":1}', TimeKind.OBJECT],
        ['[1]', TimeKind.ARRAY],
      ]
      for (const [value, kind] of kinds) {
        const { o, item, text } = timed(value)
        expect([item.time, item.sec, item.nsec], value).toEqual([kind, NOW.sec, NOW.nsec])
        expect(text.slice(item.timeText![0], item.timeText![1])).toBe(value)
        expect(recordOf(o, 0)).toEqual({ a: 1, b: 2 })
      }
    })

    it('keep_time_key keeps the pair; only the top-level key counts; the last of duplicates wins; escapes count', () => {
      const kept = timed('5', 'float', { keepTimeKey: true })
      expect(recordOf(kept.o, 0)).toEqual({ a: 1, time: 5, b: 2 })
      expect(kept.item.sec).toBe(5)
      const nested = t.entries('{"x":{"time":5}}', { timeKey: 'time' })
      expect([nested.items[0].time, recordOf(nested, 0)]).toEqual([TimeKind.ABSENT, { x: { time: 5 } }])
      const twice = t.entries('{"time":1,"a":2,"time":3}', { timeKey: 'time' })
      expect([twice.items[0].sec, recordOf(twice, 0)]).toEqual([3, { a: 2 }])
      const keptTwice = t.entries('{"time":1,"a":2,"time":3}', { timeKey: 'time', keepTimeKey: true })
      expect([keptTwice.items[0].sec, keysOf(keptTwice, 0), recordOf(keptTwice, 0)]).toEqual([3, ['time', 'a'], { time: 3, a: 2 }])
      const escaped = t.entries('{"ti\\u006de":7,"a":1}', { timeKey: 'time' })
      expect([escaped.items[0].sec, recordOf(escaped, 0)]).toEqual([7, { a: 1 }])
      const other = t.entries('{"ts":7,"time":"kept"}', { timeKey: 'ts' })
      expect([other.items[0].sec, recordOf(other, 0)]).toEqual([7, { time: 'kept' }])
      // a record of only the time key becomes an empty map
      expect(hex(t.entries('{"time":1}', { timeKey: 'time' }).entries)).toBe('92 d7 00 00 00 00 01 00 00 00 00 80')
    })

    it('without a time key every record gets "now" and keeps its fields', () => {
      const o = t.entries('{"time":5}', { timeKey: null })
      expect([o.items[0].sec, o.items[0].time, recordOf(o, 0)]).toEqual([NOW.sec, TimeKind.ABSENT, { time: 5 }])
    })
  })

  describe('extra pairs', () => {
    const pairs = (...kv: [string, unknown][]) => new Uint8Array(kv.flatMap(([k, v]) => [...encode(k), ...encode(v)]))

    it('are appended to every record, in order', () => {
      const extras = pairs(['HTTP_USER_AGENT', 'curl/8'], ['REMOTE_ADDR', null])
      const o = t.entries('[{"a":1},{}]', { extras })
      expect([keysOf(o, 0), keysOf(o, 1)]).toEqual([
        ['a', 'HTTP_USER_AGENT', 'REMOTE_ADDR'],
        ['HTTP_USER_AGENT', 'REMOTE_ADDR'],
      ])
      expect(recordOf(o, 0)).toEqual({ a: 1, HTTP_USER_AGENT: 'curl/8', REMOTE_ADDR: null })
      expect(o.items[0].recordSize).toBe(encode({ a: 1, HTTP_USER_AGENT: 'curl/8', REMOTE_ADDR: null }).length)
    })

    it("replace a record's own key in place (record[k] = v), and each other in order", () => {
      const extras = pairs(['k', 'extra'], ['z', 1], ['z', 2])
      const o = t.entries('{"k":{"long":"value"},"m":0}', { extras })
      expect(keysOf(o, 0)).toEqual(['k', 'm', 'z'])
      expect(recordOf(o, 0)).toEqual({ k: 'extra', m: 0, z: 2 })
    })

    it('grow the map header when they pass 15 keys; count toward the record size limit', () => {
      const record = `{${Array.from({ length: 15 }, (_, i) => `"k${i}":${i}`).join(',')}}`
      const o = t.entries(record, { extras: pairs(['x', true]) })
      expect(hex(o.entries.subarray(11, 14))).toBe('de 00 10')
      expect(keysOf(o, 0)).toHaveLength(16)
      const limited = t.entries('{"a":1}', { extras: pairs(['pad', 'x'.repeat(20)]), maxRecordBytes: 20 })
      expect(limited.items[0].status).toBe(ItemStatus.TOO_LARGE)
    })

    it('come after the time key is taken out', () => {
      const o = t.entries('{"time":9,"a":1}', { timeKey: 'time', extras: pairs(['time', 'x']) })
      expect([o.items[0].sec, recordOf(o, 0)]).toEqual([9, { a: 1, time: 'x' }])
    })
  })
}
