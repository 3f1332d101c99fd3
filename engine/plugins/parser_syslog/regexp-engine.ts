/**
 * @module The `regexp` engine of parser_syslog (Fluentd's default): `<PRI>` by regexp, the time
 * field cut by counting the spaces of its format (a run of spaces counts once and is squeezed),
 * then Fluentd's RFC 3164 / RFC 5424 regexp searched from just after the time. Captures that took
 * part become fields (an empty ident too); `message` loses one trailing newline.
 */

import { ParserError } from '../../parser/common.ts'
import { RFC3164_BODY, RFC3164_PRI, RFC5424_BODY, RFC5424_PRI } from '../../parser/patterns.ts'
import { chomp, stringToI } from '../../parser/ruby.ts'
import type { EventTime } from '../../event-time.ts'
import type { ParsedRecord } from '../../parser/values.ts'
import type { SyslogResult, SyslogSettings } from './index.ts'

const BODY_3164 = new RegExp(RFC3164_BODY.source, `${RFC3164_BODY.flags}g`)
const BODY_5424 = new RegExp(RFC5424_BODY.source, `${RFC5424_BODY.flags}g`)
const NAMES_3164 = ['host', 'ident', 'pid', 'message']
const NAMES_5424 = ['host', 'ident', 'pid', 'msgid', 'extradata', 'message']

/** The time field from `idx`: as many space-separated parts as the format has. Throws when the line has fewer. */
export function cutTime(text: string, idx: number, spaces: number): { time: string; end: number } {
  let i = idx - 1
  let squeezed = false
  for (let n = 0; n < spaces; n++) {
    while (text[i + 1] === ' ') {
      squeezed = true
      i++
    }
    const next = text.indexOf(' ', i + 1)
    if (next < 0) throw new ParserError(`the line has no time field of ${spaces} space-separated parts followed by a space`)
    i = next
  }
  const time = text.slice(idx, i)
  return { time: squeezed ? time.replace(/ +/g, ' ') : time, end: i }
}

function body(re: RegExp, names: readonly string[], time: EventTime, text: string, from: number, record: ParsedRecord): SyslogResult {
  re.lastIndex = from
  const m = re.exec(text)
  if (m === null) return 'unmatched'
  const groups = m.groups!
  for (const name of names) {
    const value = groups[name]
    if (value !== undefined) record.set(name, name === 'message' ? chomp(value) : value)
  }
  return { time, record }
}

export function parse3164Regexp(text: string, s: SyslogSettings): SyslogResult {
  let idx = 0
  const record: ParsedRecord = new Map()
  if (s.withPriority) {
    if (!RFC3164_PRI.test(text)) return 'unmatched'
    const v = text.indexOf('>')
    record.set('pri', stringToI(text.slice(1, v + 1)))
    idx = v + 1
  }
  const cut = cutTime(text, idx, s.spaces3164)
  const time = s.time3164(cut.time)
  if (s.keepTimeKey) record.set('time', cut.time)
  return body(BODY_3164, NAMES_3164, time, text, cut.end + 1, record)
}

export function parse5424Regexp(text: string, s: SyslogSettings): SyslogResult {
  let idx = 0
  const record: ParsedRecord = new Map()
  if (s.withPriority) {
    const m = RFC5424_PRI.exec(text)
    if (m === null) return 'unmatched'
    record.set('pri', Number(m.groups!.pri))
    idx = m.index + m[0].length
  }
  const cut = cutTime(text, idx, s.spaces5424)
  const time = s.time5424(cut.time)
  if (s.keepTimeKey) record.set('time', cut.time)
  return body(BODY_5424, NAMES_5424, time, text, cut.end + 1, record)
}
