/**
 * @module The record_transformer rules for one event, as Fluentd's `reform`: start from a copy of
 * the record (or an empty one with renew_record, plus keep_keys), merge the expanded `<record>`
 * map, take the new time from renew_time_key, then delete remove_keys.
 */

import { EventTime } from '../../event-time.ts'
import { deletePath, parseRecordAccessor, type PathStep } from '../../records/record-accessor.ts'
import { ParamError } from '../../config/errors.ts'
import type { ConfigElement } from '../../config/model.ts'
import { compileTemplate, expand, TemplateError, type ExpandContext, type Template } from './placeholders.ts'
import type { RecordTransformerConfig } from '../../schemas/filter_record_transformer.ts'

/** A `<record>` value compiled: a template, or JSON containers whose strings are templates. */
type Compiled =
  | { kind: 'template'; template: Template }
  | { kind: 'array'; items: Compiled[] }
  | { kind: 'hash'; entries: [Template, Compiled][] }
  | { kind: 'constant'; value: unknown }

export interface Transformer {
  /** Builds the new record and time; throws for a record that cannot be transformed. */
  apply(time: EventTime, record: Record<string, unknown>, ctx: ExpandContext): { time: EventTime; record: Record<string, unknown> }
  /** What `apply` does to one record, rule by rule, with the same compiled templates (the designer's trace). */
  explain(time: EventTime, record: Record<string, unknown>, ctx: ExpandContext): TransformExplanation
}

/** Each `<record>` field with its expression as written and the value it produced; then renew/keep/remove. */
export interface TransformExplanation {
  renewed: boolean
  kept: string[]
  fields: { key: string; expression: string; value: unknown }[]
  removed: { key: string; present: boolean }[]
  renewTimeKey: string | null
}

/**
 * Compiles the config; throws Errors with Fluentd's messages, and a ParamError (reported at the
 * line of the `<record>` entry, given `recordElements`) for a key or value that cannot be compiled.
 */
export function compileTransformer(
  config: RecordTransformerConfig,
  warn: (message: string) => void,
  recordElements: readonly ConfigElement[] = [],
): Transformer {
  if (config.keep_keys !== null && !config.renew_record) throw new Error('`renew_record` must be true to use `keep_keys`')
  const options = { autoTypecast: config.auto_typecast, enableRuby: config.enable_ruby }
  const map: [Template, Compiled][] = []
  const writtenValues: string[] = []
  config.record.forEach((section, i) => {
    for (const [key, written] of Object.entries(section)) {
      try {
        map.push([compileTemplate(key, { ...options, forceStringify: true }), compileValue(parseValue(written, warn), options)])
        writtenValues.push(written)
      } catch (error) {
        const element = recordElements[i]
        if (error instanceof TemplateError && element !== undefined) throw new ParamError(error.reason, error.hint, element, key)
        throw error
      }
    }
  })
  const keepKeys = (config.keep_keys ?? []).map(String)
  const removePaths: PathStep[][] = (config.remove_keys ?? []).map((k) => parseRecordAccessor(String(k)).path as PathStep[])
  const renewTimeKey = config.renew_time_key
  const renew = config.renew_record

  return {
    apply(time, record, ctx) {
      const out: Record<string, unknown> = renew ? {} : { ...record }
      if (renew) for (const k of keepKeys) if (Object.hasOwn(record, k)) out[k] = record[k]
      for (const [key, value] of map) out[String(expand(key, ctx) ?? '')] = evaluate(value, ctx)
      let newTime = time
      if (renewTimeKey !== null && Object.hasOwn(out, renewTimeKey)) newTime = timeFrom(out[renewTimeKey])
      for (const path of removePaths) deletePath(out, path)
      return { time: newTime, record: out }
    },
    explain(time, record, ctx) {
      const result = this.apply(time, record, ctx)
      return {
        renewed: renew,
        kept: renew ? keepKeys.filter((k) => Object.hasOwn(record, k)) : [],
        fields: map.map(([key], i) => {
          const name = String(expand(key, ctx) ?? '')
          return { key: name, expression: writtenValues[i], value: result.record[name] }
        }),
        removed: (config.remove_keys ?? []).map((k) => ({ key: String(k), present: hasPath(record, String(k)) })),
        renewTimeKey: renewTimeKey !== null && Object.hasOwn(result.record, renewTimeKey) ? renewTimeKey : null,
      }
    },
  }
}

/** Whether a record_accessor path (`a`, `$.a.b`) exists in the record. */
function hasPath(record: Record<string, unknown>, key: string): boolean {
  let at: unknown = record
  for (const step of parseRecordAccessor(key).path) {
    if (at === null || typeof at !== 'object') return false
    const k = String(step)
    if (!Object.hasOwn(at as object, k)) return false
    at = (at as Record<string, unknown>)[k]
  }
  return true
}

/** Fluentd's parse_value: `{...}` / `[...]` are JSON (a bad one stays a string, with a warning). */
function parseValue(written: string, warn: (message: string) => void): unknown {
  if (!written.startsWith('{') && !written.startsWith('[')) return written
  try {
    return JSON.parse(written)
  } catch (error) {
    warn(`failed to parse ${written} as json. Assuming ${written} is a string (${(error as Error).message})`)
    return written
  }
}

function compileValue(value: unknown, options: { autoTypecast: boolean; enableRuby: boolean }): Compiled {
  if (typeof value === 'string') return { kind: 'template', template: compileTemplate(value, options) }
  if (Array.isArray(value)) return { kind: 'array', items: value.map((v) => compileValue(v, options)) }
  if (value !== null && typeof value === 'object') {
    return {
      kind: 'hash',
      entries: Object.entries(value).map(([k, v]) => [compileTemplate(k, { ...options, forceStringify: true }), compileValue(v, options)]),
    }
  }
  return { kind: 'constant', value }
}

function evaluate(c: Compiled, ctx: ExpandContext): unknown {
  switch (c.kind) {
    case 'template':
      return expand(c.template, ctx)
    case 'array':
      return c.items.map((item) => evaluate(item, ctx))
    case 'hash': {
      const out: Record<string, unknown> = {}
      for (const [k, v] of c.entries) out[String(expand(k, ctx) ?? '')] = evaluate(v, ctx)
      return out
    }
    case 'constant':
      return c.value
  }
}

/** `Time.at(value.to_f)`: numbers and numeric strings (Ruby's to_f reads a leading number; else 0). */
function timeFrom(value: unknown): EventTime {
  let seconds: number
  if (typeof value === 'number') seconds = value
  else if (typeof value === 'bigint') seconds = Number(value)
  else if (value === null || value === undefined) seconds = 0
  else if (typeof value === 'string') seconds = Number.parseFloat(value.trim().replace(/_/g, '')) || 0
  else if (value instanceof EventTime) return value
  else throw new Error(`renew_time_key value ${JSON.stringify(String(value))} has no to_f`)
  if (!(seconds >= 0 && seconds < 2 ** 32)) throw new Error(`renew_time_key value ${seconds} is out of the EventTime range`)
  return EventTime.fromFloat(seconds)
}
