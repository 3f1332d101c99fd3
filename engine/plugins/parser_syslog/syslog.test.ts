/**
 * @module parser_syslog: cases derived from Fluentd's test_parser_syslog.rb, run on both engines
 * where Fluentd runs both (`data('regexp' => 'regexp', 'string' => 'string')`), with the cases
 * where they differ. Local time is UTC here; "now" is 2023-11-14 (RFC 3164 has no year).
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EventTime } from '../../event-time.ts'
import { parseWith, utc } from '../../parser/testing.ts'

const zone = process.env.TZ
beforeAll(() => {
  process.env.TZ = 'UTC'
})
afterAll(() => {
  if (zone === undefined) delete process.env.TZ
  else process.env.TZ = zone
})

const EXPECTED = { host: '192.168.0.1', ident: 'fluentd', pid: '11111', message: '[error] Syslog test' }
const FEB28 = new EventTime(utc(2023, 2, 28, 12))
const T5424 = new EventTime(utc(2017, 2, 6, 13, 14, 15), 3_000_000)
const ENGINES = ['regexp', 'string'] as const

const syslog = (engine: string, conf: string, text: string) => parseWith(`@type syslog\nparser_type ${engine}\n${conf}`, text)

describe.each(ENGINES)('parser_syslog, %s engine', (engine) => {
  it('reads RFC 3164 lines', () => {
    const out = syslog(engine, '', 'Feb 28 12:00:00 192.168.0.1 fluentd[11111]: [error] Syslog test')
    expect(out.records[0]).toMatchObject({ time: FEB28, record: EXPECTED })
  })

  it('reads custom time formats, subseconds, and two-space days', () => {
    expect(
      syslog(engine, 'time_format %b %d %M:%S:%H', 'Feb 28 00:00:12 192.168.0.1 fluentd[11111]: [error] Syslog test').records[0],
    ).toMatchObject({
      time: FEB28,
      record: EXPECTED,
    })
    expect(
      syslog(engine, 'time_format %Y-%m-%dT%H:%M:%SZ', '2023-03-03T10:14:29Z 192.168.0.1 fluentd[11111]: [error] Syslog test').records[0],
    ).toMatchObject({
      time: new EventTime(utc(2023, 3, 3, 10, 14, 29)),
      record: EXPECTED,
    })
    expect(
      syslog(engine, 'time_format %b %d %H:%M:%S.%N', 'Feb 28 12:00:00.456 192.168.0.1 fluentd[11111]: [error] Syslog test').records[0],
    ).toMatchObject({
      time: new EventTime(FEB28.sec, 456_000_000),
      record: EXPECTED,
    })
    expect(syslog(engine, '', 'Jun  4 15:16:01 combo sshd(pam_unix)[19939]: check pass; user unknown').records[0]).toMatchObject({
      time: new EventTime(utc(2023, 6, 4, 15, 16, 1)),
      record: { host: 'combo', ident: 'sshd(pam_unix)', pid: '19939', message: 'check pass; user unknown' },
    })
  })

  it('reads <PRI> with with_priority, and refuses an empty one', () => {
    const out = syslog(engine, 'with_priority true', '<6>Feb 28 12:00:00 192.168.0.1 fluentd[11111]: [error] Syslog test')
    expect(out.records[0]).toMatchObject({ time: FEB28, record: { ...EXPECTED, pri: 6 } })
    expect(syslog(engine, 'with_priority true', '<>Feb 28 12:00:00 192.168.0.1 fluentd[11111]: [error] Syslog test')).toMatchObject({
      returned: 0,
      lastFailure: 'unmatched',
    })
  })

  it('reads an ident without a colon, odd characters in the ident, keep_time_key', () => {
    expect(syslog(engine, '', 'Feb 28 12:00:00 192.168.0.1 fluentd[11111] [error] Syslog test').records[0].record).toEqual(EXPECTED)
    const ident = '~!@#$%^&*()_+=-`]{};"\'/?\\,.<>'
    expect(
      syslog(engine, 'with_priority true', `<6>Feb 28 12:00:00 192.168.0.1 ${ident}[11111]: [error] Syslog test`).records[0].record,
    ).toEqual({
      ...EXPECTED,
      pri: 6,
      ident,
    })
    expect(
      syslog(engine, 'time_format %b %d %M:%S:%H\nkeep_time_key true', 'Feb 28 00:00:12 192.168.0.1 fluentd[11111]: [error] Syslog test')
        .records[0].record.time,
    ).toBe('Feb 28 00:00:12')
  })

  it('reads RFC 5424 with and without <PRI>, structured data, multiline and empty messages', () => {
    const conf = 'time_format %Y-%m-%dT%H:%M:%S.%L%z\nmessage_format rfc5424'
    const a = syslog(engine, `${conf}\nwith_priority true`, '<16>1 2017-02-06T13:14:15.003Z 192.168.0.1 fluentd - - - Hi, from Fluentd!')
    expect(a.records[0]).toMatchObject({
      time: T5424,
      record: { host: '192.168.0.1', ident: 'fluentd', pid: '-', msgid: '-', extradata: '-', message: 'Hi, from Fluentd!', pri: 16 },
    })
    expect(
      syslog(engine, `${conf}\nwith_priority true`, '<16>1 2017-02-06T13:14:15.003Z 192.168.0.1 fluentd - - - Hi, from Fluentd!\n')
        .records[0].record.message,
    ).toBe('Hi, from Fluentd!')
    expect(
      syslog(engine, `${conf}\nwith_priority true`, '<16>1 2017-02-06T13:14:15.003Z 192.168.0.1 fluentd - - - Hi,\nfrom\nFluentd!')
        .records[0].record.message,
    ).toBe('Hi,\nfrom\nFluentd!')
    expect(syslog(engine, conf, '2017-02-06T13:14:15.003Z 192.168.0.1 fluentd - - - Hi, from Fluentd!').records[0]).toMatchObject({
      time: T5424,
    })
    const empty = syslog(engine, conf, '2017-02-06T13:14:15.003Z 192.168.0.1 fluentd - - -')
    expect(empty.records[0].record).toEqual({ host: '192.168.0.1', ident: 'fluentd', pid: '-', msgid: '-', extradata: '-' })
    const sd = '[exampleSDID@20224 iut="3" eventSource="Application" eventID="11211"]'
    const b = syslog(
      engine,
      `${conf}\nwith_priority true`,
      `<16>1 2017-02-06T13:14:15.003Z 192.168.0.1 fluentd 11111 ID24224 ${sd} [Hi] from Fluentd!`,
    )
    expect(b.records[0].record).toMatchObject({ pid: '11111', msgid: 'ID24224', extradata: sd, message: '[Hi] from Fluentd!' })
    const c = syslog(
      engine,
      `${conf}\nwith_priority true`,
      `<16>1 2017-02-06T13:14:15.003Z 192.168.0.1 fluentd 11111 ID24224 ${sd}[exampleSDID@20224 class="high"] Hi, from Fluentd!`,
    )
    expect(c.records[0].record).toMatchObject({ extradata: `${sd}[exampleSDID@20224 class="high"]`, message: 'Hi, from Fluentd!' })
    const d = syslog(
      engine,
      `${conf}\nwith_priority true`,
      `<16>1 2017-02-06T13:14:15.003Z 192.168.0.1 fluentd 11111 ID24224 ${sd} [Hi] from Fluentd]!`,
    )
    expect(d.records[0].record).toMatchObject({ extradata: sd, message: '[Hi] from Fluentd]!' })
    const e = syslog(engine, `${conf}\nwith_priority true`, `<16>1 2017-02-06T13:14:15.003Z 192.168.0.1 fluentd 11111 ID24224 ${sd}`)
    expect(e.records[0].record).not.toHaveProperty('message')
  })

  it('reads RFC 5424 times with and without subseconds, and its default time format', () => {
    const conf = 'message_format rfc5424\nwith_priority true'
    expect(syslog(engine, conf, '<16>1 2017-02-06T13:14:15Z 192.168.0.1 fluentd - - - Hi, from Fluentd!').records[0].time).toEqual(
      new EventTime(utc(2017, 2, 6, 13, 14, 15)),
    )
    const p = syslog(
      engine,
      conf,
      '<28>1 2018-09-26T15:54:26.620412+09:00 machine minissdpd 1298 - -  peer 192.168.0.5:50123 is not from a LAN',
    )
    expect(p.records[0]).toMatchObject({
      time: new EventTime(utc(2018, 9, 26, 6, 54, 26), 620412000),
      record: { pid: '1298', message: ' peer 192.168.0.5:50123 is not from a LAN' },
    })
    const q = syslog(engine, conf, '<30>1 2020-03-31T20:32:54Z myhostname 02abaf0687f5 10339 02abaf0687f5 - method=POST db=0.00')
    expect(q.records[0].record).toEqual({
      extradata: '-',
      host: 'myhostname',
      ident: '02abaf0687f5',
      message: 'method=POST db=0.00',
      msgid: '02abaf0687f5',
      pid: '10339',
      pri: 30,
    })
  })

  it('tells RFC 3164 from RFC 5424 with message_format auto', () => {
    const conf = 'time_format %b %d %M:%S:%H\nrfc5424_time_format %Y-%m-%dT%H:%M:%S.%L%z\nmessage_format auto\nwith_priority true'
    expect(syslog(engine, conf, '<1>Feb 28 12:00:00 192.168.0.1 fluentd[11111]: [error] Syslog test').records[0]).toMatchObject({
      time: new EventTime(utc(2023, 2, 28, 0, 12)),
      record: { ...EXPECTED, pri: 1 },
    })
    expect(
      syslog(engine, conf, '<16>1 2017-02-06T13:14:15.003Z 192.168.0.1 fluentd 11111 ID24224 [x@1 a="b"] Hi, from Fluentd!').records[0],
    ).toMatchObject({
      time: T5424,
      record: { pid: '11111', msgid: 'ID24224', message: 'Hi, from Fluentd!' },
    })
    expect(syslog(engine, conf, '<1>Feb 28 12:00:02 192.168.0.1 fluentd[11111]: [error] Syslog test 2>1').records[0].record.message).toBe(
      '[error] Syslog test 2>1',
    )
    expect(syslog(engine, conf, '<16>1 2017-02-06T13:14:15Z 192.168.0.1 fluentd - - - Hi').records[0].time).toEqual(
      new EventTime(utc(2017, 2, 6, 13, 14, 15)),
    )
  })
})

describe('parser_syslog: where the engines differ (as in Fluentd)', () => {
  it('a message without an ident', () => {
    expect(syslog('regexp', '', 'Feb  5 17:32:18 10.0.0.99 Use the BFG!').records[0].record).toEqual({
      host: '10.0.0.99',
      ident: 'Use',
      message: 'the BFG!',
    })
    expect(syslog('string', '', 'Feb  5 17:32:18 10.0.0.99 Use the BFG!').records[0].record).toEqual({
      host: '10.0.0.99',
      ident: 'Use',
      message: 'the BFG!',
    })
    expect(syslog('string', 'support_colonless_ident false', 'Feb  5 17:32:18 10.0.0.99 Use the BFG!').records[0].record).toEqual({
      host: '10.0.0.99',
      message: 'Use the BFG!',
    })
  })

  it('a broken line: the regexp engine cannot read its time (invalid), the string engine reads a wrong record', () => {
    const text = "1990 Oct 22 10:52:01 TZ-6 scapegoat.dmz.example.org 10.1.2.32 sched[0]: That's All Folks!"
    const regexp = syslog('regexp', '', text)
    expect(regexp).toMatchObject({ returned: 0, lastFailure: 'invalid' })
    expect(regexp.lastError).toMatch(/^invalid time format: value = 1990 Oct 22/)
    const string = syslog('string', '', text)
    expect(string.records.map((r) => r.record)).not.toContainEqual({
      host: 'scapegoat.dmz.example.org',
      ident: 'sched',
      pid: '0',
      message: "That's All Folks!",
    })
  })

  it("a ':' in the message, and a message of one word", () => {
    expect(syslog('regexp', '', 'Aug 10 12:00:00 127.0.0.1 test foo:bar').records[0].record).not.toEqual({
      host: '127.0.0.1',
      ident: 'test',
      message: 'foo:bar',
    })
    expect(syslog('string', '', 'Aug 10 12:00:00 127.0.0.1 test foo:bar').records[0].record).toEqual({
      host: '127.0.0.1',
      ident: 'test',
      message: 'foo:bar',
    })
    expect(syslog('regexp', '', 'Aug 10 12:00:00 127.0.0.1 value1,value2,value3,value4').records[0].record).toEqual({
      host: '127.0.0.1',
      ident: 'value1,value2,value3,value4',
      message: '',
    })
    expect(syslog('string', '', 'Aug 10 12:00:00 127.0.0.1 value1,value2,value3,value4').records[0].record).toEqual({
      host: '127.0.0.1',
      message: 'value1,value2,value3,value4',
    })
  })

  it('an RFC 5424 line ending in "] "', () => {
    const text = '<16>1 2017-02-06T13:14:15.003Z 192.168.0.1 fluentd 11111 ID24224 [exampleSDID@20224 iut="3"] '
    expect(syslog('regexp', 'message_format rfc5424\nwith_priority true', text)).toMatchObject({ returned: 0, lastFailure: 'unmatched' })
    expect(syslog('string', 'message_format rfc5424\nwith_priority true', text).records[0].record.message).toBe('')
  })

  it('an RFC 5424 "-" timestamp is invalid', () => {
    expect(syslog('regexp', 'message_format rfc5424\nwith_priority true', '<16>1 - host app - - - msg').lastFailure).toBe('invalid')
  })

  it('a line with too few spaces for its time format is invalid, not a crash', () => {
    expect(syslog('regexp', '', 'Feb28')).toMatchObject({ returned: 0, lastFailure: 'invalid' })
    expect(syslog('string', '', 'Feb 28 12:00:00')).toMatchObject({ returned: 0, lastFailure: 'unmatched' })
  })
})
