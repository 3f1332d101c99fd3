/** @module parser_none: cases derived from Fluentd's test_parser_none.rb, and bytes kept as they are. */

import { describe, expect, it } from 'vitest'
import { EventTime } from '../../event-time.ts'
import { NOW, parseWith } from '../../parser/testing.ts'
import { RawString } from '../../parser/values.ts'

describe('parser_none', () => {
  it('puts the text in message (or message_key) at the current time', () => {
    expect(parseWith('@type none', 'log message!').records[0]).toMatchObject({ time: NOW, record: { message: 'log message!' } })
    expect(parseWith('@type none\nmessage_key foobar', 'log message!').records[0].record).toEqual({ foobar: 'log message!' })
  })

  it('has no time with estimate_current_event false (the event keeps its own in filter_parser)', () => {
    expect(parseWith('@type none\nestimate_current_event false', 'x').returned).toBe(0)
    expect(parseWith('@type none\nestimate_current_event false', 'x', NOW, new EventTime(7)).records[0].time).toEqual(new EventTime(7))
  })

  it('keeps bytes that are not UTF-8 as they are, and applies no conversions', () => {
    const bytes = new Uint8Array([0x61, 0xff, 0x62])
    const r = parseWith('@type none', bytes).records[0]
    expect(r.record.message).toEqual(new RawString(bytes))
    expect([...r.bytes]).toEqual([0x81, 0xa7, ...new TextEncoder().encode('message'), 0xa3, 0x61, 0xff, 0x62])
    expect(parseWith('@type none\nnull_empty_string true', '').records[0].record).toEqual({ message: '' })
  })
})
