/**
 * @module parser_regexp: cases derived from Fluentd's test_parser_regexp.rb (typed fields, time
 * key, keep_time_key, estimate_current_event, flags, no named capture), plus Ruby's line semantics
 * (a \r is part of a line) and groups that take no part.
 */

import { describe, expect, it } from 'vitest'
import { EventTime } from '../../event-time.ts'
import { buildParser, NOW, parseWith, utc } from '../../parser/testing.ts'
import { FloatValue } from '../../parser/values.ts'

const EXPRESSION = String.raw`/^(?<host>[^ ]*) [^ ]* (?<user>[^ ]*) \[(?<time>[^\]]*)\] \[(?<date>[^\]]*)\] "(?<flag>\S+)(?: +(?<path>[^ ]*) +\S*)?" (?<code>[^ ]*) (?<size>[^ ]*)$/`
const TYPED = `@type regexp
expression ${EXPRESSION}
time_format %d/%b/%Y:%H:%M:%S %z
types user:string,date:time:%d/%b/%Y:%H:%M:%S %z,flag:bool,path:array,code:float,size:integer`

describe('parser_regexp', () => {
  it('types the captures (test_parse_with_typed, also with a JSON types hash)', () => {
    const text = '192.168.0.1 - - [28/Feb/2013:12:00:00 +0900] [14/Feb/2013:12:00:00 +0900] "true /,/user HTTP/1.1" 200 777'
    const expected = {
      user: '-',
      flag: true,
      code: new FloatValue(200),
      size: 777,
      date: new EventTime(utc(2013, 2, 14, 3)),
      host: '192.168.0.1',
      path: ['/', '/user'],
    }
    for (const conf of [
      TYPED,
      TYPED.replace(
        /types .*/,
        'types {"user":"string","date":"time:%d/%b/%Y:%H:%M:%S %z","flag":"bool","path":"array","code":"float","size":"integer"}',
      ),
    ]) {
      const out = parseWith(conf, text)
      expect(out.records[0].time).toEqual(new EventTime(utc(2013, 2, 28, 3)))
      expect(out.records[0].record).toEqual(expected)
    }
  })

  it('reads the time from time_key', () => {
    const out = parseWith(
      '@type regexp\nexpression /(?<logtime>[^\\]]*)/\ntime_format %Y-%m-%d %H:%M:%S %z\ntime_key logtime',
      '2013-02-28 12:00:00 +0900',
    )
    expect(out.records[0]).toMatchObject({ time: new EventTime(utc(2013, 2, 28, 3)), record: {} })
  })

  it('uses now without a time, none with estimate_current_event false', () => {
    const conf = '@type regexp\nexpression /^(?<name>[^ ]*) (?<user>[^ ]*) (?<age>\\d*)$/\ntypes name:string,user:string,age:integer'
    const out = parseWith(conf, 'tagomori_satoshi tagomoris 34\n')
    expect(out.records[0]).toMatchObject({ time: NOW, record: { name: 'tagomori_satoshi', user: 'tagomoris', age: 34 } })
    expect(parseWith(`${conf}\nestimate_current_event false`, 'tagomori_satoshi tagomoris 34\n').returned).toBe(0)
  })

  it('keeps the time field, converted by types when asked', () => {
    const base = '@type regexp\nexpression /(?<time>.*)/\ntime_format %d/%b/%Y:%H:%M:%S %z\nkeep_time_key true'
    expect(parseWith(base, '28/Feb/2013:12:00:00 +0900').records[0].record).toEqual({ time: '28/Feb/2013:12:00:00 +0900' })
    expect(parseWith(`${base}\ntypes time:time:%d/%b/%Y:%H:%M:%S %z`, '28/Feb/2013:12:00:00 +0900').records[0].record).toEqual({
      time: new EventTime(1362020400),
    })
  })

  it('leaves out groups that took no part, keeps empty captures', () => {
    const out = parseWith('@type regexp\nexpression /^(?<a>x)?(?<b>y*)(?<c>z)?$/', 'x')
    expect(out.records[0].record).toEqual({ a: 'x', b: '' })
  })

  it('reads the Ruby flags i and m, and the deprecated ignorecase/multiline params', () => {
    expect(parseWith('@type regexp\nexpression /^(?<a>abc)$/i', 'ABC').records[0].record).toEqual({ a: 'ABC' })
    expect(parseWith('@type regexp\nexpression /^(?<a>abc)$/\nignorecase true', 'ABC').records[0].record).toEqual({ a: 'ABC' })
    expect(parseWith('@type regexp\nexpression /(?<a>a.b)/m', 'a\nb').records[0].record).toEqual({ a: 'a\nb' })
    expect(parseWith('@type regexp\nexpression /(?<a>a.b)/\nmultiline true', 'a\nb').records[0].record).toEqual({ a: 'a\nb' })
    expect(parseWith('@type regexp\nexpression /(?<a>a.b)/', 'a\nb').returned).toBe(0)
  })

  it('ends lines only at \\n, as Ruby does (a \\r stays in the capture)', () => {
    expect(parseWith('@type regexp\nexpression /^(?<msg>.*)$/', 'foo\rbar').records[0].record).toEqual({ msg: 'foo\rbar' })
    expect(parseWith('@type regexp\nexpression /^(?<msg>.*)$/', 'line one\r').records[0].record).toEqual({ msg: 'line one\r' })
    expect(parseWith('@type regexp\nexpression /^(?<b>bar)$/', 'foo\rbar').returned).toBe(0)
    // Ruby's ^ and $ are line anchors
    expect(parseWith('@type regexp\nexpression /^(?<b>b)$/', 'a\nb').records[0].record).toEqual({ b: 'b' })
  })

  it('reports a line that does not match as unmatched', () => {
    expect(parseWith('@type regexp\nexpression /^(?<a>\\d+)$/', 'abc')).toMatchObject({
      returned: 0,
      lastFailure: 'unmatched',
      lastError: 'pattern not matched',
    })
  })

  it('refuses an expression without named captures, or one JavaScript cannot compile', () => {
    expect(() => buildParser('@type regexp\nexpression /.*/')).toThrow("No named captures in 'expression' parameter")
    expect(() => buildParser('@type regexp')).toThrow(/missing required param expression/)
    expect(() => buildParser('@type regexp\nexpression /(?<a>x)|(?<a>y)/')).toThrow(/invalid regexp/)
  })
})
