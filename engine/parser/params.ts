/**
 * @module The params every `<parse>` section takes (Fluentd's Parser base class and TimeMixin),
 * as schema data the parser descriptors spread, with the per-parser defaults Fluentd sets
 * (`time_key time` for json, regexp, ltsv…; json's `time_type float`; syslog's `time_format`).
 * Plain data: engine/schemas imports it.
 */

import type { ParamSpec } from '../config/schema.ts'
import type { RegexpValue } from '../config/types.ts'

export interface CommonParseDefaults {
  /** Fluentd: nil, `time` for json, regexp (and apache_error, nginx, multiline), ltsv, cri, docker. */
  time_key?: string | null
  time_format?: string | null
  /** Default `string`; null where the default depends on other params (json: float, or string with time_format). */
  time_type?: 'string' | 'unixtime' | 'float' | 'mixed' | null
  keep_time_key?: boolean
}

/** The config every parser gets from the common params. */
export interface CommonParseConfig {
  '@type': string
  types: Record<string, unknown> | null
  time_key: string | null
  null_value_pattern: RegexpValue | null
  null_empty_string: boolean
  estimate_current_event: boolean
  keep_time_key: boolean
  timeout: number | null
  time_type: 'string' | 'unixtime' | 'float' | 'mixed' | null
  time_format: string | null
  time_format_fallbacks: unknown[]
  localtime?: boolean
  utc?: boolean
  timezone: string | null
}

/** The common `<parse>` params with this parser's defaults. */
export function parseParams(defaults: CommonParseDefaults = {}): ParamSpec[] {
  const timeType: ParamSpec = {
    name: 'time_type',
    type: 'enum',
    values: ['string', 'unixtime', 'float', 'mixed'],
    description:
      'How the time field is read: string (time_format), unixtime (integer seconds), float (seconds with a fraction), mixed (time_format, then time_format_fallbacks).',
  }
  timeType.default = defaults.time_type === undefined ? 'string' : defaults.time_type
  return [
    {
      name: 'time_key',
      type: 'string',
      default: defaults.time_key ?? null,
      description: 'The field holding the event time; it is removed from the record (unless keep_time_key) and parsed.',
    },
    timeType,
    {
      name: 'time_format',
      type: 'string',
      default: defaults.time_format ?? null,
      description:
        'strptime format of the time field (%Y-%m-%dT%H:%M:%S.%N%z …), or %iso8601; unset: the time is guessed as Ruby Time.parse does.',
    },
    {
      name: 'time_format_fallbacks',
      type: 'array',
      default: [],
      description: 'With time_type mixed: formats (or unixtime, float) tried in order after time_format.',
    },
    {
      name: 'keep_time_key',
      type: 'bool',
      default: defaults.keep_time_key ?? false,
      description: 'Keep the time field in the record (as written) as well.',
    },
    {
      name: 'estimate_current_event',
      type: 'bool',
      default: true,
      description: 'A record without the time field gets the current time; when false it has no time (in_tail treats it as unmatched).',
    },
    { name: 'localtime', type: 'bool', description: 'Read times without an offset in local time (the default).' },
    { name: 'utc', type: 'bool', description: 'Read times without an offset in UTC.' },
    {
      name: 'timezone',
      type: 'string',
      default: null,
      description: 'Zone of times without an offset: +09:00, +0900, +09 or an IANA name such as Asia/Tokyo (needs time_format).',
    },
    {
      name: 'types',
      type: 'hash',
      default: null,
      description:
        'Field conversions, key:type[:option] (string, integer, float, bool, time[:zone][:format|unixtime|float], array[:delimiter]), or a JSON object.',
    },
    {
      name: 'null_value_pattern',
      type: 'regexp',
      default: null,
      description: 'String values matching this regexp become null.',
    },
    {
      name: 'null_empty_string',
      type: 'bool',
      default: false,
      description: 'Empty string values become null.',
    },
    {
      name: 'timeout',
      type: 'time',
      default: null,
      description: 'Warn when one parse takes longer than this (Fluentd aborts it; a synchronous JavaScript parse cannot be interrupted).',
    },
  ]
}
