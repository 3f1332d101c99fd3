/**
 * @module The `<inject>` section (Fluentd's plugin_helper/inject) as plain data: the keys added to
 * each record while an output formats it — hostname, worker id, tag, time — and how the time is
 * written. engine/inject applies it.
 */

import type { SectionSpec } from '../../config/schema.ts'
import { TIME_PARAMS } from './format.ts'

export const INJECT_TIME_TYPES = ['float', 'unixtime', 'unixtime_millis', 'unixtime_micros', 'unixtime_nanos', 'string'] as const
export type InjectTimeType = (typeof INJECT_TIME_TYPES)[number]

/** The `<inject>` section; out_exec changes the defaults (time_type string, localtime false). */
export function injectSection(defaults: { time_type?: InjectTimeType; localtime?: boolean } = {}) {
  return {
    name: 'inject',
    description: 'Keys added to each record when it is formatted: hostname, worker id, tag, time (Fluentd <inject>).',
    schema: {
      params: [
        { name: 'hostname_key', type: 'string', default: null, description: 'Add the hostname under this key.' },
        { name: 'hostname', type: 'string', default: null, description: "The hostname written (default: this host's name)." },
        { name: 'worker_id_key', type: 'string', default: null, description: 'Add the worker id (an integer) under this key.' },
        { name: 'tag_key', type: 'string', default: null, description: 'Add the tag under this key.' },
        { name: 'time_key', type: 'string', default: null, description: 'Add the event time under this key.' },
        {
          name: 'time_type',
          type: 'enum',
          values: INJECT_TIME_TYPES,
          default: defaults.time_type ?? 'float',
          description:
            'float (seconds, microsecond precision), unixtime (integer seconds), unixtime_millis / _micros / _nanos (integers), or string (time_format).',
        },
        ...TIME_PARAMS.map((p) => (p.name === 'localtime' && defaults.localtime !== undefined ? { ...p, default: defaults.localtime } : p)),
      ],
    },
  } as const satisfies SectionSpec
}

/** The validated `<inject>` config. */
export interface InjectConfig {
  hostname_key: string | null
  hostname: string | null
  worker_id_key: string | null
  tag_key: string | null
  time_key: string | null
  time_type: InjectTimeType
  time_format: string | null
  localtime: boolean
  utc: boolean
  timezone: string | null
}
