/**
 * @module Plain-data pieces of formatter schemas and the `<format>` section: the time params every
 * Fluentd formatter accepts (Formatter includes TimeMixin::Formatter, so `<format @type json>`
 * takes `time_format` without complaint), `newline`, `add_newline`, and `formatSection(default)` —
 * the section an output declares, validated against the chosen formatter's own schema.
 */

import type { ParamSpec, SectionSpec } from '../../config/schema.ts'

/** Fluentd's TIME_PARAMETERS. */
export const TIME_PARAMS = [
  {
    name: 'time_format',
    type: 'string',
    default: null,
    description: 'strftime format of the time (default: ISO 8601, e.g. 2026-11-21T15:52:00+09:00).',
  },
  { name: 'localtime', type: 'bool', default: true, description: "Write times in the host's zone (false: UTC)." },
  { name: 'utc', type: 'bool', default: false, description: 'Write times in UTC (the opposite of localtime).' },
  {
    name: 'timezone',
    type: 'string',
    default: null,
    description: 'Write times in this zone: +09:00, +0900, +09, or a name such as Asia/Tokyo.',
  },
  { name: 'time_format_fallbacks', type: 'array', default: [], description: 'Accepted for compatibility (only parsers use it).' },
] as const satisfies readonly ParamSpec[]

/** A formatter's `time_type` (TIME_FULL_PARAMETERS). */
export const FORMATTER_TIME_TYPE = {
  name: 'time_type',
  type: 'enum',
  values: ['string', 'unixtime', 'float'],
  default: 'string',
  description: 'How the time is written where the format shows it: string (time_format), unixtime, or float.',
} as const satisfies ParamSpec

/** The time params of a formatter that does not write the time itself (accepted, unused). */
export const UNUSED_TIME_PARAMS = [FORMATTER_TIME_TYPE, ...TIME_PARAMS].map((p) => ({
  ...p,
  description: `${p.description.replace(/\.$/, '')} (accepted; this format does not write the time).`,
})) as readonly ParamSpec[]

export const NEWLINE_PARAM = {
  name: 'newline',
  type: 'enum',
  values: ['lf', 'crlf'],
  default: 'lf',
  description: 'The line ending: lf (\\n) or crlf (\\r\\n).',
} as const satisfies ParamSpec

export const ADD_NEWLINE_PARAM = {
  name: 'add_newline',
  type: 'bool',
  default: true,
  description: 'End each event with the newline.',
} as const satisfies ParamSpec

/**
 * The `<format>` section of a plugin, validated against the schema of the formatter its `@type`
 * chooses (`defaultType` when none is written). Built even when absent (Fluentd's default format).
 */
export function formatSection(defaultType: string, description = 'How each event is written (Fluentd <format>).') {
  return {
    name: 'format',
    description,
    init: true,
    plugin: { kind: 'formatter', defaultType },
    schema: { params: [] },
  } as const satisfies SectionSpec
}
