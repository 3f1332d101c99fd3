/**
 * @module Plugin settings forms, generated from the plugin's schema (engine/config PluginSchema —
 * the one the daemon validates with): one field per param (typed input, default as placeholder,
 * the value's own type error), the params the schema does not know (shown as errors), and the
 * nested sections with their instances. Components render this; edits go through edit.ts.
 */

import { getParam, type ConfigElement } from '../../../../engine/config/model.ts'
import type { ParamSpec, PluginSchema, SectionSpec } from '../../../../engine/config/schema.ts'
import { parseArray, parseTyped, type RegexpValue } from '../../../../engine/config/types.ts'
import type { PluginKind } from '../../../../engine/plugin.ts'
import type { ElementPath } from '../../../../engine/preview/types.ts'
import { childPath } from './document.ts'

export type InputKind = 'text' | 'bool' | 'enum' | 'secret'

export interface FieldModel {
  name: string
  /** null for a param the schema does not know. */
  spec: ParamSpec | null
  /** As written in the config; undefined when not set. */
  value: string | undefined
  placeholder: string
  /** Type error of the written value. */
  error: string | null
  input: InputKind
  options: readonly string[]
  required: boolean
  deprecated: boolean
  help: string
}

export interface SectionModel {
  spec: SectionSpec
  instances: { path: ElementPath; element: ConfigElement }[]
}

export interface FormModel {
  fields: FieldModel[]
  unknown: FieldModel[]
  sections: SectionModel[]
  /** Nested sections the schema does not know. */
  unknownSections: { path: ElementPath; name: string }[]
  /** Free-form params are allowed (e.g. `<record>`): extra keys are not errors. */
  additional: boolean
  argument: FieldModel | null
}

const RESERVED = ['@type', '@id', '@label', '@log_level']

/**
 * @example
 * formOf(grepElement, '1', grepSchema).sections.map((s) => s.spec.name) // ['regexp', 'exclude', 'and', 'or']
 */
export function formOf(element: ConfigElement, path: ElementPath, schema: PluginSchema | null): FormModel {
  const specs = schema?.params ?? []
  const known = new Set<string>()
  const fields = specs.map((spec) => {
    known.add(spec.name)
    if (spec.alias) known.add(spec.alias)
    const key = [spec.name, spec.alias].find((k) => k !== undefined && getParam(element, k) !== undefined) ?? spec.name
    return field(spec.name, spec, getParam(element, key))
  })
  const additional = schema?.additionalParams === true
  const unknown = Object.keys(element.params)
    .filter((k) => !known.has(k) && !RESERVED.includes(k))
    .map((k) => field(k, null, element.params[k], additional))
  const sections = (schema?.sections ?? []).map((spec) => ({
    spec,
    instances: element.elements.map((e, i) => ({ path: childPath(path, i), element: e })).filter(({ element: e }) => e.name === spec.name),
  }))
  const names = new Set((schema?.sections ?? []).map((s) => s.name))
  const unknownSections =
    schema === null
      ? []
      : element.elements.map((e, i) => ({ path: childPath(path, i), name: e.name })).filter(({ name }) => !names.has(name))
  return {
    fields,
    unknown,
    sections,
    unknownSections,
    additional,
    argument: schema?.argument ? field(schema.argument.name, schema.argument, element.arg === '' ? undefined : element.arg) : null,
  }
}

/** What a nested section instance is edited with. */
export interface InstanceForm {
  /** The kind of plugin the instance chooses with `@type` (`<parse>`: parser, `<store>`: output), or null. */
  kind: PluginKind | null
  /** Its `@type` (or the section's default plugin). */
  type: string | undefined
  schema: PluginSchema | null
}

/**
 * The schema a section instance is edited with, as it is validated: a plugin section (`<parse>`,
 * `<format>`: `SectionSpec.plugin`) gets its own params plus the chosen plugin's; an instance with
 * `@type` in a section that is not one (copy's `<store>`) is an output; else the section's schema.
 */
export function instanceForm(
  spec: SectionSpec,
  element: ConfigElement,
  find: (kind: PluginKind, name: string) => PluginSchema | undefined,
): InstanceForm {
  const written = getParam(element, '@type')
  if (spec.plugin !== undefined) {
    const type = written ?? spec.plugin.defaultType ?? undefined
    const plugin = type === undefined ? undefined : find(spec.plugin.kind, type)
    return {
      kind: spec.plugin.kind,
      type,
      schema:
        plugin === undefined
          ? { ...spec.schema, additionalParams: true }
          : {
              params: [...spec.schema.params, ...plugin.params],
              sections: [...(spec.schema.sections ?? []), ...(plugin.sections ?? [])],
              argument: plugin.argument ?? spec.schema.argument,
              additionalParams: plugin.additionalParams ?? spec.schema.additionalParams,
            },
    }
  }
  if (written !== undefined) return { kind: 'output', type: written, schema: find('output', written) ?? null }
  return { kind: null, type: undefined, schema: spec.schema }
}

function field(name: string, spec: ParamSpec | null, value: string | undefined, additional = false): FieldModel {
  return {
    name,
    spec,
    value,
    placeholder: spec ? defaultText(spec) : '',
    error:
      spec === null
        ? additional
          ? null
          : 'not a param of this plugin'
        : value === undefined
          ? spec.required
            ? 'required'
            : null
          : typeError(spec, value),
    input:
      spec === null
        ? 'text'
        : spec.secret
          ? 'secret'
          : spec.type === 'bool'
            ? 'bool'
            : spec.type === 'enum' && !spec.multi
              ? 'enum'
              : 'text',
    options: spec?.values ?? [],
    required: spec?.required === true,
    deprecated: spec?.deprecated !== undefined,
    help: spec
      ? `${spec.description}${spec.deprecated ? ` Deprecated: ${spec.deprecated}.` : ''} (${spec.multi ? `list of ${spec.type}` : spec.type})`
      : '',
  }
}

/** The default as it would be written in .conf, or '' when there is none. */
export function defaultText(spec: ParamSpec): string {
  const d = spec.default
  if (d === undefined || d === null) return spec.required ? 'required' : ''
  if (typeof d === 'object' && d !== null && 'source' in d && 'regexp' in d)
    return `/${(d as RegexpValue).source}/${(d as RegexpValue).flags}`
  if (Array.isArray(d)) return d.join(',')
  if (typeof d === 'object') return JSON.stringify(d)
  if (typeof d === 'number' && spec.type === 'size') return sizeText(d)
  return String(d)
}

function sizeText(n: number): string {
  for (const [unit, size] of [
    ['g', 1024 ** 3],
    ['m', 1024 ** 2],
    ['k', 1024],
  ] as const)
    if (n >= size && n % size === 0) return `${n / size}${unit}`
  return String(n)
}

/** The type error of a written value, or null. */
export function typeError(spec: ParamSpec, value: string): string | null {
  if (spec.multi) {
    const list = parseArray(value)
    if (!list.ok) return `${list.reason} (${list.hint})`
    for (const item of list.value) {
      const r = parseTyped(spec.type, typeof item === 'string' ? item : JSON.stringify(item), spec.values)
      if (!r.ok) return `${r.reason} (${r.hint})`
    }
    return null
  }
  const r = parseTyped(spec.type, value, spec.values)
  return r.ok ? null : `${r.reason} (${r.hint})`
}
