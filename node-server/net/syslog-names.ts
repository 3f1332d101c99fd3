/**
 * @module Syslog facility and severity names, both ways. in_syslog tags events with Fluentd's
 * names (`<34>` → `auth.crit`; 13 audit, 14 alert, 15 at; severities err and warn); out_syslog
 * reads a number or a name from a record, accepting Fluent Bit's names (warning; 13 security,
 * 14 console), Fluentd's (so in_syslog's severity_key / facility_key round-trip) and the old
 * aliases syslog(3) knows (panic, error, warn).
 */

/** Facility number → Fluentd's name (in_syslog). */
export const FACILITY_NAMES: readonly string[] = [
  'kern',
  'user',
  'mail',
  'daemon',
  'auth',
  'syslog',
  'lpr',
  'news',
  'uucp',
  'cron',
  'authpriv',
  'ftp',
  'ntp',
  'audit',
  'alert',
  'at',
  'local0',
  'local1',
  'local2',
  'local3',
  'local4',
  'local5',
  'local6',
  'local7',
]

/** Severity number → Fluentd's name (in_syslog). */
export const SEVERITY_NAMES: readonly string[] = ['emerg', 'alert', 'crit', 'err', 'warn', 'notice', 'info', 'debug']

const SEVERITY_BY_NAME: ReadonlyMap<string, number> = new Map([
  ...SEVERITY_NAMES.map((name, i) => [name, i] as const),
  ['warning', 4],
  ['panic', 0],
  ['error', 3],
])

const FACILITY_BY_NAME: ReadonlyMap<string, number> = new Map([
  ...FACILITY_NAMES.map((name, i) => [name, i] as const),
  ['security', 13],
  ['console', 14],
  ['clock', 15],
])

/** `0`–`7` or a name (any case) → the severity; null when it is neither. */
export function severityNumber(text: string): number | null {
  if (/^[0-7]$/.test(text)) return Number(text)
  return SEVERITY_BY_NAME.get(text.toLowerCase()) ?? null
}

/** `0`–`23` (one or two digits) or a name (any case) → the facility; null when it is neither. */
export function facilityNumber(text: string): number | null {
  if (/^[0-9]{1,2}$/.test(text)) {
    const n = Number(text)
    return n <= 23 ? n : null
  }
  return FACILITY_BY_NAME.get(text.toLowerCase()) ?? null
}
