/** @module parser_csv: cases derived from Fluentd's test_parser_csv.rb, and Ruby CSV's quoting rules. */

import { describe, expect, it } from 'vitest'
import { EventTime } from '../../event-time.ts'
import { NOW, parseWith, utc } from '../../parser/testing.ts'

const T = new EventTime(utc(2013, 2, 28, 3))

describe('parser_csv', () => {
  it('zips values with keys and reads the time key', () => {
    for (const keys of ['["time","c","d"]', 'time,c,d']) {
      const out = parseWith(
        `@type csv\nkeys ${keys}\ntime_key time\ntime_format %Y/%m/%d %H:%M:%S\nutc true`,
        '2013/02/28 12:00:00,192.168.0.1,111',
      )
      expect(out.records[0]).toMatchObject({ time: new EventTime(utc(2013, 2, 28, 12)), record: { c: '192.168.0.1', d: '111' } })
    }
    expect(parseWith('@type csv\nkeys c,d', '192.168.0.1,111').records[0]).toMatchObject({
      time: NOW,
      record: { c: '192.168.0.1', d: '111' },
    })
    expect(parseWith('@type csv\nkeys c,d\nestimate_current_event no\ntime_key time', '192.168.0.1,111').returned).toBe(0)
  })

  it('applies the null patterns and custom delimiters', () => {
    const nulls = parseWith('@type csv\nkeys a,b,c,d,e,f\nnull_value_pattern ^(-|null|NULL)$', '-,null,NULL,,--,nuLL')
    expect(nulls.records[0].record).toEqual({ a: null, b: null, c: null, d: null, e: '--', f: 'nuLL' })
    expect(parseWith('@type csv\nkeys a,b\nnull_empty_string true', ', ').records[0].record).toEqual({ a: null, b: ' ' })
    expect(parseWith('@type csv\nkeys a,b,c\ndelimiter " "', '123 456 789').records[0].record).toEqual({ a: '123', b: '456', c: '789' })
    expect(parseWith('@type csv\nkeys a,b\ndelimiter ||', 'x||"y||z"').records[0].record).toEqual({ a: 'x', b: 'y||z' })
  })

  describe.each(['normal', 'fast'])('parser_engine %s', (engine) => {
    const conf = `@type csv\nkeys time,key1,key2,key3,key4,key5\ntime_key time\ntime_format %d/%b/%Y:%H:%M:%S %z\nparser_type ${engine}`
    it.each([
      [
        '28/Feb/2013:12:00:00 +0900,value1,value2,value3,value4,value5',
        { key1: 'value1', key2: 'value2', key3: 'value3', key4: 'value4', key5: 'value5' },
      ],
      [
        '28/Feb/2013:12:00:00 +0900,"value1","val,ue2","va,lu,e3","val ue4",""',
        { key1: 'value1', key2: 'val,ue2', key3: 'va,lu,e3', key4: 'val ue4', key5: '' },
      ],
      [
        '28/Feb/2013:12:00:00 +0900,message,"mes,sage","me,ssa,ge",mess age,""',
        { key1: 'message', key2: 'mes,sage', key3: 'me,ssa,ge', key4: 'mess age', key5: '' },
      ],
      [
        '28/Feb/2013:12:00:00 +0900,"message","mes""sage","""message""",,""""""',
        { key1: 'message', key2: 'mes"sage', key3: '"message"', key4: null, key5: '""' },
      ],
    ])('reads %s as Ruby CSV does', (text, expected) => {
      const out = parseWith(conf, text)
      expect(out.records[0]).toMatchObject({ time: T, record: expected })
    })
  })

  it('normal: malformed quoting is invalid, extra values are dropped, missing ones null', () => {
    expect(parseWith('@type csv\nkeys key1,key2', 'a"b,"a"""c"')).toMatchObject({
      returned: 0,
      lastFailure: 'invalid',
      lastError: 'Illegal quoting in line 1.',
    })
    expect(parseWith('@type csv\nkeys key1,key2', '"a" ,b').lastError).toBe("Any value after quoted field isn't allowed in line 1.")
    expect(parseWith('@type csv\nkeys key1,key2', '"abc,b').lastError).toBe('Unclosed quoted field in line 1.')
    expect(parseWith('@type csv\nkeys key1,key2', 'a,b,c').records[0].record).toEqual({ key1: 'a', key2: 'b' })
    expect(parseWith('@type csv\nkeys key1,key2,key3', 'a,b').records[0].record).toEqual({ key1: 'a', key2: 'b', key3: null })
    expect(parseWith('@type csv\nkeys key1,key2', 'a,"multi\nline"').records[0].record).toEqual({ key1: 'a', key2: 'multi\nline' })
    expect(parseWith('@type csv\nkeys key1,key2', 'a,b\r').records[0].record).toEqual({ key1: 'a', key2: 'b' })
    expect(parseWith('@type csv\nkeys key1,key2', '')).toMatchObject({ returned: 0, lastFailure: 'unmatched' })
  })

  it('fast: never fails, gives what Fluentd gives on odd lines', () => {
    expect(parseWith('@type csv\nkeys key1,key2\nparser_engine fast', 'a"b,"a"""c"')).toMatchObject({ returned: 1, lastFailure: null })
    expect(parseWith('@type csv\nkeys key1,key2\nparser_engine fast', 'a,b,c').records[0].record).toEqual({
      key1: 'a',
      key2: 'b',
      null: 'c',
    })
  })
})
