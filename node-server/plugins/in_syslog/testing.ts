/**
 * @module Test support (not a test file). A stand-in for the syslog parser (`@type syslog`) while
 * parser_syslog is being written on another branch: Fluentd's regexp engine on its usual path
 * (`<PRI>` with `with_priority`, the RFC 3164 time `%b %d %H:%M:%S` in local time or the RFC 5424
 * timestamp, then Fluentd's RFC3164_WITHOUT_TIME_AND_PRI / RFC5424_WITHOUT_TIME_AND_PRI regexps;
 * `message_format rfc3164|rfc5424|auto`). It yields the records Fluentd yields — `pri`, `host`,
 * `ident`, `pid`, `msgid`, `extradata`, `message` (chomped) — and nothing of the real parser's
 * other params. It goes away when parser_syslog lands on main.
 */

import { EventTime } from '../../../engine/event-time.ts'
import type { ParserPlugin } from '../../../engine/parser/types.ts'
import type { PluginSpec } from '../../../engine/plugin.ts'

const PRI_3164 = /^<([0-9]{1,3})>/
const PRI_5424 = /^<(\d{1,3})>\d\d{0,2}\s/
const DETECT_5424 = /^<[0-9]{1,3}>[1-9]\d{0,2}/
const REST_3164 = /(?<host>[^ ]*) (?<ident>[^ :[]*)(?:\[(?<pid>[0-9]+)\])?(?:[^:]*:)? *(?<message>.*)$/m
const REST_5424 =
  /^(?<host>[!-~]{1,255}) (?<ident>[!-~]{1,48}) (?<pid>[!-~]{1,128}) (?<msgid>[!-~]{1,32}) (?<extradata>(?:-|(?:\[.*?(?<!\\)\])+))(?: (?<message>.+))?$/s
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
const decoder = new TextDecoder()

interface StandInConfig {
  message_format: 'rfc3164' | 'rfc5424' | 'auto'
  with_priority: boolean
}

function time3164(text: string, now: EventTime): EventTime | null {
  const m = /^([A-Z][a-z]{2}) +(\d{1,2}) (\d\d):(\d\d):(\d\d)$/.exec(text)
  if (m === null || !MONTHS.includes(m[1])) return null
  const year = new Date(now.sec * 1000).getFullYear()
  const ms = new Date(year, MONTHS.indexOf(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])).getTime()
  return new EventTime(Math.floor(ms / 1000), 0)
}

function time5424(text: string): EventTime | null {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(text)
  if (m === null) return null
  const sec = Math.floor(Date.parse(`${m[1]}${m[3]}`) / 1000)
  const nsec = m[2] === undefined ? 0 : Number(m[2].padEnd(9, '0'))
  return new EventTime(sec, nsec)
}

/** Parses one line the way Fluentd's regexp engine does; null when it does not match. */
function parseLine(text: string, config: StandInConfig, now: EventTime): { time: EventTime; record: Record<string, unknown> } | null {
  const rfc5424 = config.message_format === 'rfc5424' || (config.message_format === 'auto' && DETECT_5424.test(text))
  const record: Record<string, unknown> = {}
  let rest = text
  if (config.with_priority) {
    const m = (rfc5424 ? PRI_5424 : PRI_3164).exec(text)
    if (m === null) return null
    record.pri = Number(m[1])
    rest = text.slice(m[0].length)
  }
  let time: EventTime | null
  if (rfc5424) {
    const sp = rest.indexOf(' ')
    if (sp < 0) return null
    time = time5424(rest.slice(0, sp))
    rest = rest.slice(sp + 1)
  } else {
    const m = /^([A-Z][a-z]{2} +\d{1,2} \d\d:\d\d:\d\d) /.exec(rest)
    if (m === null) return null
    time = time3164(m[1].replace(/ +/g, ' '), now)
    rest = rest.slice(m[0].length)
  }
  if (time === null) return null
  const m = (rfc5424 ? REST_5424 : REST_3164).exec(rest)
  if (m === null) return null
  for (const name of rfc5424 ? ['host', 'ident', 'pid', 'msgid', 'extradata', 'message'] : ['host', 'ident', 'pid', 'message']) {
    const value = m.groups?.[name]
    if (value !== undefined) record[name] = name === 'message' ? value.replace(/(\r\n|\n|\r)$/, '') : value
  }
  return { time, record }
}

/** The stand-in `syslog` parser (see the module comment). */
export const standInSyslogParser: PluginSpec<'parser', StandInConfig> = {
  name: 'syslog',
  kind: 'parser',
  description: 'test stand-in for parser_syslog (regexp engine, the common path)',
  schema: {
    params: [
      { name: 'message_format', type: 'enum', values: ['rfc3164', 'rfc5424', 'auto'], default: 'rfc3164', description: 'format' },
      { name: 'with_priority', type: 'bool', default: false, description: 'read <PRI>' },
    ],
  },
  runtimes: ['node'],
  create(_ctx, config): ParserPlugin {
    const parser = {
      lastError: '',
      parse(bytes: Uint8Array, start: number, end: number, out: Parameters<ParserPlugin['parse']>[3], now: EventTime): number {
        const parsed = parseLine(decoder.decode(bytes.subarray(start, end)), config, now)
        if (parsed === null) {
          parser.lastError = 'pattern not matched'
          return 0
        }
        out.append(parsed.time, parsed.record)
        return 1
      },
    }
    return parser
  },
}
