/**
 * @module The `string` engine of parser_syslog (`parser_engine string`): Fluentd's splitter, which
 * reads the parts between spaces instead of matching regexps. It differs from the regexp engine on
 * edge cases, as Fluentd's does: with `support_colonless_ident` the first word after the host is
 * the ident even without a colon (`Use the BFG!` → ident `Use`); a message of one word has no
 * ident; RFC 5424 structured data loses its backslashes; an RFC 5424 line ending in `] ` has an
 * empty message. Where Fluentd's code fails on its own bug (a squeezed custom time format, a
 * multibyte character before an empty RFC 5424 message) sluice reads the line.
 */

import { ParserError } from '../../parser/common.ts'
import { chomp, stringToI } from '../../parser/ruby.ts'
import type { ParsedRecord } from '../../parser/values.ts'
import type { SyslogResult, SyslogSettings } from './index.ts'
import { cutTime } from './regexp-engine.ts'

/** `<PRI>` at the start: [pri, cursor after '>'], 'unmatched', or throws without a '>'. */
function priority(text: string): [number, number] | 'unmatched' {
  if (!text.startsWith('<')) return 'unmatched'
  const i = text.indexOf('>', 1)
  if (i < 0) throw new ParserError('no > after <PRI')
  if (i < 2) return 'unmatched'
  return [stringToI(text.slice(1, i)), i + 1]
}

export function parse3164String(text: string, s: SyslogSettings): SyslogResult {
  let pri: number | null = null
  let cursor = 0
  if (s.withPriority) {
    const p = priority(text)
    if (p === 'unmatched') return p
    ;[pri, cursor] = p
  }
  let timeText: string
  if (s.fixed3164) {
    const timeEnd = text[cursor + 15]
    if (timeEnd === ' ') {
      timeText = text.slice(cursor, cursor + 15)
      cursor += 16
    } else if (timeEnd === '.') {
      const i = text.indexOf(' ', cursor + 15)
      if (i < 0) throw new ParserError('no space after the time')
      timeText = text.slice(cursor, i)
      cursor = i + 1
    } else return 'unmatched'
  } else {
    const cut = cutTime(text, cursor, s.spaces3164)
    timeText = cut.time
    cursor = cut.end + 1
  }
  let i = text.indexOf(' ', cursor)
  if (i < 0) return 'unmatched'
  const record: ParsedRecord = new Map<string, unknown>([['host', text.slice(cursor, i)]])
  if (pri !== null) record.set('pri', pri)
  cursor = i + 1
  i = text.indexOf(' ', cursor)
  let message: string
  if (i < 0) message = text.slice(cursor)
  else if (text[i - 1] === ':') {
    if (text[i - 2] === ']') identWithPid(text, cursor, i - 2, record)
    else record.set('ident', text.slice(cursor, i - 1))
    message = text.slice(i + 1)
  } else if (s.supportColonlessIdent) {
    if (text[i - 1] === ']') identWithPid(text, cursor, i - 1, record)
    else record.set('ident', text.slice(cursor, i))
    message = text.slice(i + 1)
  } else message = text.slice(cursor)
  record.set('message', chomp(message))
  const time = s.time3164(timeText)
  if (s.keepTimeKey) record.set('time', timeText)
  return { time, record }
}

/** `ident[pid]` with the `]` at `close`. */
function identWithPid(text: string, cursor: number, close: number, record: ParsedRecord): void {
  const open = text.indexOf('[', cursor)
  if (open < 0 || open > close) throw new ParserError("']' without '[' after the ident")
  record.set('ident', text.slice(cursor, open))
  record.set('pid', text.slice(open + 1, close))
}

export function parse5424String(text: string, s: SyslogSettings): SyslogResult {
  let pri: number | null = null
  let cursor = 0
  if (s.withPriority) {
    const p = priority(text)
    if (p === 'unmatched') return p
    pri = p[0]
    const space = text.indexOf(' ', p[1] - 1)
    if (space < 0) throw new ParserError('no space after the version')
    cursor = space + 1
  }
  let timeText: string
  if (s.fixed5424) {
    const i = text.indexOf(' ', cursor)
    if (i < 0) throw new ParserError('no space after the time')
    timeText = text.slice(cursor, i)
    cursor = i + 1
  } else {
    const cut = cutTime(text, cursor, s.spaces5424)
    timeText = cut.time
    cursor = cut.end + 1
  }
  const parts: string[] = []
  for (let n = 0; n < 4; n++) {
    const i = text.indexOf(' ', cursor)
    if (i < 0) return 'unmatched'
    parts.push(text.slice(cursor, i))
    cursor = i + 1
  }
  const record: ParsedRecord = new Map<string, unknown>([
    ['host', parts[0]],
    ['ident', parts[1]],
    ['pid', parts[2]],
    ['msgid', parts[3]],
  ])
  if (pri !== null) record.set('pri', pri)
  if (text[cursor] === '-') {
    record.set('extradata', '-')
    cursor += 1
  } else {
    const start = cursor
    const i = text.indexOf('] ', cursor)
    if (i >= 0) cursor = i + 1
    else cursor = text.length
    record.set('extradata', text.slice(start, cursor).replaceAll('\\', ''))
  }
  if (cursor !== text.length) record.set('message', chomp(text.slice(cursor + 1)))
  const time = s.time5424(timeText)
  if (s.keepTimeKey) record.set('time', timeText)
  return { time, record }
}
