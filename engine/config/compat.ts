/**
 * @module Fluentd's v0.12 compatibility as a model transformation before validation:
 * `type`/`id`/`log_level` read as `@type`/`@id`/`@log_level` (normalizeReservedNames, for the
 * whole model), and a plugin's flat buffer / inject / extract / parser / formatter params turned
 * into `<buffer>`, `<inject>`, `<extract>`, `<parse>`, `<format>` sections the way
 * compat_parameters.rb does (convertCompatParams, per plugin, driven by its schema's `compat`).
 * Inputs are never changed: changed elements are copies, with locations pointing at the flat
 * params they came from. Every conversion says so once, naming the new form.
 */

import { ConfigError, type SourcePosition } from './errors.ts'
import {
  createElement,
  getParam,
  hasParam,
  type ConfigElement,
  type ConfigLocs,
  type ConfigModel,
  type ElementLoc,
  type SourceLoc,
} from './model.ts'
import type { PluginSchema } from './schema.ts'
import { parseBool } from './types.ts'

/** Fluentd's `compat_parameters_convert` helpers a plugin calls, as its schema declares them. */
export type CompatHelper = 'buffer' | 'inject' | 'extract' | 'parser' | 'formatter'

export interface CompatSpec {
  /** The helpers, in the order the plugin calls them (e.g. out_file: formatter, buffer, inject). */
  convert: readonly CompatHelper[]
  /** The chunk key of a converted `<buffer>` (Fluentd's `default_chunk_key`: out_file `time`, out_forward `tag`). */
  defaultChunkKey?: string
}

export interface CompatResult {
  element: ConfigElement
  warnings: ConfigError[]
  errors: ConfigError[]
}

// compat_parameters.rb's tables: flat key → key in the section (null: handled specially).
const BUFFER_PARAMS: Record<string, string | null> = {
  buffer_type: '@type',
  buffer_path: 'path',
  num_threads: 'flush_thread_count',
  flush_interval: 'flush_interval',
  try_flush_interval: 'flush_thread_interval',
  queued_chunk_flush_interval: 'flush_thread_burst_interval',
  disable_retry_limit: 'retry_forever',
  retry_limit: 'retry_max_times',
  max_retry_wait: 'retry_max_interval',
  buffer_chunk_limit: 'chunk_limit_size',
  buffer_queue_limit: 'queue_limit_length',
  buffer_queue_full_action: 'overflow_action',
  flush_at_shutdown: 'flush_at_shutdown',
  time_slice_format: null,
  time_slice_wait: 'timekey_wait',
  timezone: 'timekey_zone',
}
const PARSER_PARAMS: Record<string, string | null> = {
  format: null,
  types: null,
  types_delimiter: null,
  types_label_delimiter: null,
  keys: 'keys',
  time_key: 'time_key',
  time_format: 'time_format',
  localtime: null,
  utc: null,
  delimiter: 'delimiter',
  keep_time_key: 'keep_time_key',
  null_empty_string: 'null_empty_string',
  null_value_pattern: 'null_value_pattern',
  json_parser: 'json_parser',
  label_delimiter: 'label_delimiter',
  format_firstline: 'format_firstline',
  message_key: 'message_key',
  with_priority: 'with_priority',
  message_format: 'message_format',
  rfc5424_time_format: 'rfc5424_time_format',
}
const INJECT_PARAMS: Record<string, string | null> = {
  include_time_key: null,
  time_key: 'time_key',
  time_format: 'time_format',
  timezone: 'timezone',
  include_tag_key: null,
  tag_key: 'tag_key',
  localtime: null,
  utc: null,
}
const EXTRACT_PARAMS: Record<string, string | null> = {
  time_key: 'time_key',
  time_format: 'time_format',
  timezone: 'timezone',
  tag_key: 'tag_key',
  localtime: null,
  utc: null,
}
const FORMATTER_PARAMS: Record<string, string | null> = {
  format: '@type',
  delimiter: 'delimiter',
  force_quotes: 'force_quotes',
  keys: 'keys',
  fields: 'fields',
  json_parser: 'json_parser',
  label_delimiter: 'label_delimiter',
  output_time: 'output_time',
  output_tag: 'output_tag',
  localtime: 'localtime',
  utc: 'utc',
  timezone: 'timezone',
  message_key: 'message_key',
  add_newline: 'add_newline',
  output_type: 'output_type',
}

const TABLES: Record<CompatHelper, { section: string; params: Record<string, string | null>; also?: readonly string[] }> = {
  buffer: { section: 'buffer', params: BUFFER_PARAMS },
  inject: { section: 'inject', params: INJECT_PARAMS, also: ['time_as_epoch'] },
  extract: { section: 'extract', params: EXTRACT_PARAMS, also: ['time_as_epoch'] },
  parser: { section: 'parse', params: PARSER_PARAMS },
  formatter: { section: 'format', params: FORMATTER_PARAMS, also: ['time_as_epoch'] },
}

/** The flat keys each helper reads (for hints). */
export function compatKeys(helper: CompatHelper): string[] {
  return [...Object.keys(TABLES[helper].params), ...(TABLES[helper].also ?? [])]
}

/** Elements that are plugins (their `type`/`id`/`log_level` are Fluentd's reserved names). */
const PLUGIN_ELEMENTS = new Set(['source', 'match', 'filter', 'store', 'secondary'])
/** Plugin-owned sections whose `type` is the `@type` of a sub-plugin. */
const TYPED_SECTIONS = new Set(['buffer', 'parse', 'format', 'storage', 'service_discovery'])
const RESERVED_COMPAT: Record<string, string> = { type: '@type', id: '@id', log_level: '@log_level' }

type At = SourcePosition & { includedFrom?: readonly SourcePosition[] }

function at(locs: ConfigLocs | undefined, element: ConfigElement, key?: string): At {
  const loc = locs?.get(element)
  return (key ? loc?.params.get(key) : undefined) ?? loc ?? { file: '(model)', line: 0 }
}

function warning(pos: At, reason: string, hint: string): ConfigError {
  return new ConfigError({ file: pos.file, line: pos.line, reason, hint, includedFrom: pos.includedFrom, severity: 'warning' })
}

function error(pos: At, reason: string, hint: string): ConfigError {
  return new ConfigError({ file: pos.file, line: pos.line, reason, hint, includedFrom: pos.includedFrom })
}

/** A copy of `element` with new params and elements, its location copied (params re-keyed by `rename`). */
function copyWith(
  locs: ConfigLocs | undefined,
  element: ConfigElement,
  params: Record<string, string>,
  elements: ConfigElement[],
  rename: Record<string, string> = {},
): ConfigElement {
  const copy = createElement(element.name, element.arg, params, elements)
  const loc = locs?.get(element)
  if (locs && loc) {
    const paramLocs = new Map<string, SourceLoc>()
    for (const [key, value] of loc.params) paramLocs.set(rename[key] ?? key, value)
    locs.set(copy, { ...loc, params: paramLocs })
  }
  return copy
}

/**
 * `type`, `id` and `log_level` in plugin elements (and `type` in their `<buffer>`, `<parse>`,
 * `<format>`…) read as `@type`, `@id`, `@log_level` when the `@` form is absent, with Fluentd's
 * warning. Returns the model unchanged (same object) when nothing is renamed.
 *
 * @example
 * normalizeReservedNames(parsed.config, parsed.locs).model.root.elements[0].params['@type'] // 'forward'
 */
export function normalizeReservedNames(model: ConfigModel, locs?: ConfigLocs): { model: ConfigModel; warnings: ConfigError[] } {
  const warnings: ConfigError[] = []
  const visit = (element: ConfigElement, plugin: boolean, typed: boolean): ConfigElement => {
    const renames: Record<string, string> = {}
    if (plugin || typed) {
      for (const [old, reserved] of Object.entries(RESERVED_COMPAT)) {
        if (!plugin && old !== 'type') continue
        if (hasParam(element, old) && !hasParam(element, reserved)) {
          renames[old] = reserved
          warnings.push(
            warning(
              at(locs, element, old),
              `'${old}' is deprecated parameter name. use '${reserved}' instead.`,
              `write ${reserved} ${getParam(element, old)} (v0.12 style; sluice reads it as ${reserved}, like Fluentd)`,
            ),
          )
        }
      }
    }
    let changed = Object.keys(renames).length > 0
    const elements = element.elements.map((child) => {
      const inPlugin = plugin || (!typed && (element.name === 'label' || element.name === 'worker' || element.name === 'ROOT'))
      const next = visit(child, PLUGIN_ELEMENTS.has(child.name) && inPlugin, plugin && TYPED_SECTIONS.has(child.name))
      if (next !== child) changed = true
      return next
    })
    if (!changed) return element
    const params: Record<string, string> = {}
    for (const [key, value] of Object.entries(element.params)) params[renames[key] ?? key] = value
    return copyWith(locs, element, params, elements, renames)
  }
  const root = visit(model.root, false, false)
  return { model: root === model.root ? model : { version: model.version, root }, warnings }
}

/** Writes a section as one line for messages: `<buffer time> @type file, path /x </buffer>`. */
function describeSection(section: ConfigElement): string {
  const params = Object.entries(section.params).map(([k, v]) => (v === '' ? k : `${k} ${v}`))
  return `<${section.name}${section.arg ? ` ${section.arg}` : ''}> ${params.join(', ')} </${section.name}>`
}

function isTrue(text: string | undefined): boolean {
  if (text === undefined) return false
  const parsed = parseBool(text)
  return parsed.ok && parsed.value
}

/**
 * Applies the plugin's v0.12 conversions to one plugin element (before `validateElement`). Flat
 * keys that are not the plugin's own params are consumed; when the target section is already
 * written, they are reported as not used (Fluentd ignores them too).
 *
 * @example
 * convertCompatParams(matchElement, outFileSchema, locs).element.elements // [..., <buffer time>]
 */
export function convertCompatParams(element: ConfigElement, schema: PluginSchema, locs?: ConfigLocs): CompatResult {
  const spec = schema.compat
  const warnings: ConfigError[] = []
  const errors: ConfigError[] = []
  if (spec === undefined || spec.convert.length === 0) return { element, warnings, errors }
  const own = new Set(schema.params.flatMap((p) => (p.alias ? [p.name, p.alias] : [p.name])))
  const tag = `<${element.name}${element.arg ? ` ${element.arg}` : ''}>`
  const consumed = new Set<string>()
  const added: ConfigElement[] = []
  const addedLocs = new Map<ConfigElement, string[]>()

  for (const helper of spec.convert) {
    const table = TABLES[helper]
    const keys = Object.keys(element.params).filter((k) => Object.hasOwn(table.params, k)) // in written order
    if (keys.length === 0) continue
    const present = element.elements.some((e) => e.name === table.section) || added.some((e) => e.name === table.section)
    if (present) {
      for (const key of keys) {
        if (own.has(key) || consumed.has(key)) continue
        warnings.push(
          warning(
            at(locs, element, key),
            `parameter '${key}' in ${tag} is not used`,
            `<${table.section}> is written, so the v0.12 flat parameter is ignored (as in Fluentd): move it into <${table.section}>`,
          ),
        )
        consumed.add(key)
      }
      continue
    }
    const built = buildSection(helper, element, spec, (pos, reason, hint) => errors.push(error(pos, reason, hint)), locs)
    if (built === null) continue
    const readKeys = [...keys, ...(table.also ?? []).filter((k) => hasParam(element, k))]
    for (const key of readKeys) consumed.add(key)
    added.push(built)
    addedLocs.set(built, readKeys)
    warnings.push(
      warning(
        at(locs, element, keys[0]),
        `v0.12 flat ${helper} parameters in ${tag} (${readKeys.join(', ')}) are deprecated: read as ${describeSection(built)}`,
        `write the <${table.section}> section instead (this is the conversion Fluentd's compat_parameters makes)`,
      ),
    )
  }
  // Fluentd's buffer conversion leaves retry_wait out: say where it belongs instead of listing every param.
  if (spec.convert.includes('buffer') && hasParam(element, 'retry_wait') && !own.has('retry_wait')) {
    warnings.push(
      warning(
        at(locs, element, 'retry_wait'),
        `parameter 'retry_wait' in ${tag} is not used`,
        "Fluentd's v0.12 compatibility does not map retry_wait (neither does sluice): write it inside <buffer>",
      ),
    )
    consumed.add('retry_wait')
  }
  if (added.length === 0 && consumed.size === 0) return { element, warnings, errors }
  const params: Record<string, string> = {}
  for (const [key, value] of Object.entries(element.params)) if (own.has(key) || !consumed.has(key)) params[key] = value
  const copy = copyWith(locs, element, params, [...element.elements, ...added])
  // The new sections point at the flat params they came from.
  if (locs) {
    for (const [section, keys] of addedLocs) {
      const first = at(locs, element, keys[0])
      const paramLocs = new Map<string, SourceLoc>()
      for (const key of Object.keys(section.params)) {
        const from = keys.find((k) => (TABLES_FOR_SECTION[section.name]?.[k] ?? k) === key) ?? keys[0]
        const pos = at(locs, element, from)
        paramLocs.set(key, { file: pos.file, line: pos.line, includedFrom: pos.includedFrom ?? [] })
      }
      const loc: ElementLoc = { file: first.file, line: first.line, includedFrom: first.includedFrom ?? [], params: paramLocs }
      locs.set(section, loc)
    }
  }
  return { element: copy, warnings, errors }
}

const TABLES_FOR_SECTION: Record<string, Record<string, string | null>> = {
  buffer: BUFFER_PARAMS,
  inject: INJECT_PARAMS,
  extract: EXTRACT_PARAMS,
  parse: PARSER_PARAMS,
  format: FORMATTER_PARAMS,
}

type Report = (pos: At, reason: string, hint: string) => void

/** Copies the mapped keys (`params` table) into a section hash, in the table's order. */
function copyMapped(
  element: ConfigElement,
  table: Record<string, string | null>,
  map?: (key: string, value: string) => string,
): Record<string, string> {
  const hash: Record<string, string> = {}
  for (const [flat, target] of Object.entries(table)) {
    if (target === null) continue
    const value = getParam(element, flat)
    if (value !== undefined) hash[target] = map ? map(flat, value) : value
  }
  return hash
}

/** localtime / utc → the section's `localtime` (an error when both are written, as in Fluentd). */
function localtimeFrom(element: ConfigElement, report: Report, locs: ConfigLocs | undefined, allowAgreeing: boolean): string | undefined {
  const localtime = getParam(element, 'localtime')
  const utc = getParam(element, 'utc')
  if (localtime !== undefined && utc !== undefined) {
    // compat_parameters_inject tolerates both when they agree (localtime XOR utc).
    if (!(allowAgreeing && isTrue(localtime) !== isTrue(utc))) {
      report(at(locs, element, 'utc'), 'both of utc and localtime are specified, use only one of them', 'remove one of them')
      return undefined
    }
    return String(isTrue(localtime))
  }
  if (localtime !== undefined) return String(isTrue(localtime))
  if (utc !== undefined) return String(!isTrue(utc))
  return undefined
}

function buildSection(
  helper: CompatHelper,
  element: ConfigElement,
  spec: CompatSpec,
  report: Report,
  locs: ConfigLocs | undefined,
): ConfigElement | null {
  switch (helper) {
    case 'buffer': {
      const hash = copyMapped(element, BUFFER_PARAMS, (key, value) =>
        key === 'buffer_queue_full_action' && value === 'exception' ? 'throw_exception' : value,
      )
      let chunkKey = spec.defaultChunkKey ?? ''
      const sliceFormat = getParam(element, 'time_slice_format')
      if (sliceFormat !== undefined) {
        chunkKey = 'time'
        const timekey = /%S/.test(sliceFormat)
          ? 1
          : /%M/.test(sliceFormat)
            ? 60
            : /%H/.test(sliceFormat)
              ? 3600
              : /%d/.test(sliceFormat)
                ? 86400
                : null
        if (timekey === null) {
          report(
            at(locs, element, 'time_slice_format'),
            'time_slice_format only with %Y or %m is too long',
            'use %d, %H, %M or %S (the smallest unit sets timekey)',
          )
          return null
        }
        hash.timekey = String(timekey)
        const localtime = getParam(element, 'localtime')
        const utc = getParam(element, 'utc')
        if (localtime !== undefined && utc !== undefined) {
          report(at(locs, element, 'utc'), 'both of utc and localtime are specified, use only one of them', 'remove one of them')
          return null
        }
        if (localtime !== undefined) hash.timekey_use_utc = String(!isTrue(localtime))
        else if (utc !== undefined) hash.timekey_use_utc = String(isTrue(utc))
      } else if (chunkKey === 'time') hash.timekey = '86400' // TimeSlicedOutput's default time_slice_format %Y%m%d
      return createElement('buffer', chunkKey, hash)
    }
    case 'inject': {
      const hash = copyMapped(element, INJECT_PARAMS)
      if (isTrue(getParam(element, 'include_time_key'))) {
        hash.time_key ??= 'time'
        hash.time_type ??= 'string'
      }
      if (isTrue(getParam(element, 'time_as_epoch'))) {
        hash.time_key ??= 'time'
        hash.time_type = 'unixtime'
      }
      if (hasParam(element, 'localtime') || hasParam(element, 'utc')) {
        const localtime = localtimeFrom(element, report, locs, true)
        if (localtime === undefined) return null
        hash.localtime = localtime
      }
      if (isTrue(getParam(element, 'include_tag_key'))) hash.tag_key ??= 'tag'
      return createElement('inject', '', hash)
    }
    case 'extract': {
      const hash = copyMapped(element, EXTRACT_PARAMS)
      const format = getParam(element, 'format')
      if (isTrue(getParam(element, 'time_as_epoch'))) {
        hash.time_key ??= 'time'
        hash.time_type = 'unixtime'
      } else if (format?.startsWith('/') && format.endsWith('/')) {
        hash.time_key ??= 'time'
        hash.time_type ??= 'string'
      }
      if (hasParam(element, 'localtime') || hasParam(element, 'utc')) {
        const localtime = localtimeFrom(element, report, locs, false)
        if (localtime === undefined) return null
        hash.localtime = localtime
      }
      return createElement('extract', '', hash)
    }
    case 'parser': {
      const hash: Record<string, string> = {}
      const format = getParam(element, 'format')
      if (format !== undefined) {
        if (format.length > 1 && format.startsWith('/') && format.endsWith('/')) {
          hash['@type'] = 'regexp'
          hash.expression = format.slice(1, -1)
        } else hash['@type'] = format
      }
      Object.assign(hash, copyMapped(element, PARSER_PARAMS))
      const types = getParam(element, 'types')
      if (types !== undefined) {
        const delimiter = getParam(element, 'types_delimiter') ?? ','
        const labelDelimiter = getParam(element, 'types_label_delimiter') ?? ':'
        const map: Record<string, string | null> = {}
        for (const pair of types.split(delimiter)) {
          const at = pair.indexOf(labelDelimiter)
          if (at < 0) map[pair] = null
          else map[pair.slice(0, at)] = pair.slice(at + labelDelimiter.length)
        }
        hash.types = JSON.stringify(map)
      }
      if (hasParam(element, 'localtime') || hasParam(element, 'utc')) {
        const localtime = localtimeFrom(element, report, locs, false)
        if (localtime === undefined) return null
        hash.localtime = localtime
      }
      return createElement('parse', '', hash)
    }
    case 'formatter': {
      const hash = copyMapped(element, FORMATTER_PARAMS)
      if (isTrue(getParam(element, 'time_as_epoch'))) hash.time_type = 'unixtime'
      return createElement('format', '', hash)
    }
  }
}
