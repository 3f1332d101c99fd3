/**
 * @module Plugin config schemas as plain data (params, nested sections such as <buffer>,
 * <server>, <store>), and `validateElement`, which turns a model element into a typed config.
 */
import type { CompatSpec } from './compat.ts'
import { ConfigError, type SourcePosition } from './errors.ts'
import { stringToF, stringToI } from '../ruby/methods.ts'
import { getParam, hasParam, paramLoc, RESERVED_PARAMS, type ConfigElement, type ConfigLocs } from './model.ts'
import { missingPlugin } from '../plugin-status.ts'
import { closest } from './suggest.ts'
import { parseArray, parseTyped, TYPE_EXAMPLES, type ParamType, type RegexpValue, type TypedValue } from './types.ts'

/** One param a plugin accepts. */
export interface ParamSpec {
  name: string
  type: ParamType
  description: string
  /** Typed default; `null` means "no value" (Fluentd's `default: nil`). Absent + not required = undefined. */
  default?: TypedValue | null
  required?: boolean
  /** The allowed values of an `enum`. */
  values?: readonly string[]
  /** The value is a list of `type` (JSON array or `a,b,c`), like Fluentd's `:array, value_type:`. */
  multi?: boolean
  /** Another accepted name (Fluentd's `alias:`). */
  alias?: string
  /** Hidden in logs and dumps. */
  secret?: boolean
  /** Why the param should no longer be used (still accepted, with a warning). */
  deprecated?: string
}

/** A nested section a plugin accepts, e.g. `<buffer CHUNK_KEYS>`, `<server>` (multi), `<security>`. */
export interface SectionSpec {
  name: string
  description: string
  /** May appear several times; the config holds an array. */
  multi?: boolean
  required?: boolean
  /** When absent, still produce its config from defaults (Fluentd's `init: true`). */
  init?: boolean
  /**
   * The section configures a plugin of this kind (`<parse>`: parser, `<format>`: formatter), chosen by
   * its `@type` (or `defaultType` when none is written): it is validated against `schema` plus that
   * plugin's schema, found through `ValidateOptions.plugins`. `defaultType: null` makes `@type` required.
   * `ownType` is a type the owner handles itself (in_http's default `in_http` parser): that type is
   * checked against `schema` alone and needs no registered plugin.
   */
  plugin?: { kind: 'parser' | 'formatter'; defaultType: string | null; ownType?: string }
  schema: PluginSchema
}

/** Finds plugin schemas for sections that configure a plugin (`<parse>`, `<format>`). */
export interface PluginSchemas {
  schema(kind: 'parser' | 'formatter', type: string): PluginSchema | undefined
  names(kind: 'parser' | 'formatter'): string[]
}

export interface ValidateOptions {
  /** Required to validate `<parse>` / `<format>` by their `@type`; without it their own params are not checked. */
  plugins?: PluginSchemas
  /**
   * Fluentd's `strict_config_value`: an integer, float or bool that does not parse is an error.
   * Without it (Fluentd's default) it is read the way Fluentd does (`to_i`, `to_f`, nil) with a warning.
   */
  strictValues?: boolean
}

/** What an element may contain. The same shape serves plugins and their nested sections. */
export interface PluginSchema {
  params: readonly ParamSpec[]
  sections?: readonly SectionSpec[]
  /** The section argument (`<buffer tag,time>` → `chunk_keys`), stored under its `name`. */
  argument?: ParamSpec
  /** Accept params not listed (e.g. record_transformer's `<record>`); they stay strings. */
  additionalParams?: boolean
  /**
   * A plugin that wraps another one named by a param (the stdout formatter's `output_type json`):
   * its section is also validated against that plugin's params, which it passes on.
   */
  delegate?: { param: string; kind: 'parser' | 'formatter'; defaultType: string }
  /** Sections that are errors here, not just "not used" (Fluentd raises for them), with the reason. */
  forbiddenSections?: readonly { name: string; reason: string }[]
  /**
   * Fluentd's v0.12 flat-parameter conversions this plugin makes (compat_parameters_convert):
   * which helpers, in order, and the buffer's default chunk key. Applied by the agent before
   * validation (engine/config/compat.ts). Only on a plugin's top-level schema.
   */
  compat?: CompatSpec
}

export interface ValidationResult<C> {
  config: C
  errors: ConfigError[]
  warnings: ConfigError[]
}

type ScalarOf<P extends ParamSpec> = P['type'] extends 'string' | 'enum'
  ? P extends { values: readonly (infer V)[] }
    ? V
    : string
  : P['type'] extends 'integer' | 'float' | 'size' | 'time'
    ? number
    : P['type'] extends 'bool'
      ? boolean
      : P['type'] extends 'array'
        ? unknown[]
        : P['type'] extends 'hash'
          ? Record<string, unknown>
          : P['type'] extends 'regexp'
            ? RegexpValue
            : never
type ValueOf<P extends ParamSpec> = P extends { multi: true } ? ScalarOf<P>[] : ScalarOf<P>
type Given<P extends ParamSpec> = P extends { required: true }
  ? ValueOf<P>
  : P extends { default: null }
    ? ValueOf<P> | null
    : P extends { default: unknown }
      ? ValueOf<P>
      : ValueOf<P> | undefined
type SectionOf<S extends SectionSpec> = S extends { multi: true }
  ? ConfigOf<S['schema']>[]
  : S extends { required: true } | { init: true }
    ? ConfigOf<S['schema']>
    : ConfigOf<S['schema']> | undefined

/**
 * The typed config a schema produces (use `as const satisfies PluginSchema` on the schema).
 * Reserved `@` params, when written, are kept as strings under their names.
 */
export type ConfigOf<S extends PluginSchema> = Simplify<
  { [P in S['params'][number] as P['name']]: Given<P> } & {
    [X in NonNullable<S['sections']>[number] as X['name']]: SectionOf<X>
  } & (S['argument'] extends ParamSpec ? { [A in S['argument'] as A['name']]: Given<A> } : unknown) &
    Partial<Record<'@type' | '@id' | '@label' | '@log_level', string>>
>
type Simplify<T> = { [K in keyof T]: T[K] } & {}

const UNKNOWN_AT: SourcePosition = { file: '(model)', line: 0 }

/**
 * Checks an element against a schema and returns its typed config plus every problem found.
 * As in Fluentd, params and sections the schema does not know are warnings (`parameter 'KEY' in
 * <match x> is not used`, with the closest known name); missing required params, type errors
 * (naming the type and an example) and repeated single sections are errors. Integers, floats and
 * bools that do not parse are read as Fluentd does, with a warning, unless `strictValues`.
 *
 * @example
 * const { config, errors, warnings } = validateElement(matchElement, outForwardSchema, locs)
 */
export function validateElement<S extends PluginSchema>(
  element: ConfigElement,
  schema: S,
  locs?: ConfigLocs,
  options: ValidateOptions = {},
): ValidationResult<ConfigOf<S>> {
  const errors: ConfigError[] = []
  const warnings: ConfigError[] = []
  const config = validateInto(element, schema, locs, errors, warnings, options)
  return { config: config as ConfigOf<S>, errors, warnings }
}

/** `<name arg>` as messages show a section. */
export function sectionTag(element: ConfigElement): string {
  return `<${element.name}${element.arg ? ` ${element.arg}` : ''}>`
}

/**
 * The schema a section is checked against: its own, plus the chosen plugin's for `<parse>` / `<format>`.
 * Returns the type it chose (written or default), or an error message when the type is unknown.
 */
function sectionSchema(
  spec: SectionSpec,
  child: ConfigElement,
  options: ValidateOptions,
): { schema: PluginSchema; type?: string; problem?: { reason: string; hint: string } } {
  if (spec.plugin === undefined) return { schema: spec.schema }
  const { kind, defaultType } = spec.plugin
  const type = getParam(child, '@type') ?? defaultType ?? undefined
  if (type === undefined) {
    return { schema: spec.schema, problem: { reason: `<${child.name}> needs @type`, hint: `write @type inside <${child.name}>` } }
  }
  if (type === spec.plugin.ownType) return { schema: spec.schema, type }
  if (options.plugins === undefined) return { schema: { ...spec.schema, additionalParams: true }, type }
  const plugin = options.plugins.schema(kind, type)
  if (plugin === undefined) {
    const known = options.plugins.names(kind)
    const near = closest(type, known)
    const missing = missingPlugin(kind, type)
    return {
      schema: { ...spec.schema, additionalParams: true },
      type,
      problem: missing
        ? { reason: `${missing.reason} in <${child.name}>`, hint: missing.hint }
        : {
            reason: `unknown ${kind} plugin '${type}' in <${child.name}>`,
            hint: `${near ? `did you mean '${near}'? ` : ''}available: ${known.join(', ')}`,
          },
    }
  }
  // A param both declare is the plugin's, with the section's default: the owner's section overrides
  // the plugin's defaults (Fluentd's `overwrite_defaults`: in_syslog's `<parse>` makes the syslog
  // parser's with_priority default true).
  const owned = new Map(spec.schema.params.map((p) => [p.name, p]))
  const merged = plugin.params.map((p) => {
    const own = owned.get(p.name)
    if (own === undefined) return p
    owned.delete(p.name)
    return own.default === undefined ? p : { ...p, default: own.default }
  })
  const params = [...owned.values(), ...merged]
  // A plugin that wraps another (the stdout formatter's output_type) also takes that one's params.
  const delegate = plugin.delegate
  if (delegate !== undefined) {
    const inner = getParam(child, delegate.param) ?? delegate.defaultType
    const innerSchema = inner === type ? undefined : options.plugins.schema(delegate.kind, inner)
    if (innerSchema === undefined) {
      const known = options.plugins.names(delegate.kind).filter((n) => n !== type)
      const near = closest(inner, known)
      return {
        schema: { ...spec.schema, params, additionalParams: true },
        type,
        problem: {
          reason: `${delegate.param} ${inner} in <${child.name}> is not a ${delegate.kind} plugin sluice has`,
          hint: `${near ? `did you mean '${near}'? ` : ''}available: ${known.join(', ')}`,
        },
      }
    }
    for (const p of innerSchema.params) if (!params.some((q) => q.name === p.name)) params.push(p)
  }
  return {
    schema: {
      params,
      sections: [...(spec.schema.sections ?? []), ...(plugin.sections ?? [])],
      argument: plugin.argument ?? spec.schema.argument,
      additionalParams: plugin.additionalParams ?? spec.schema.additionalParams,
    },
    type,
  }
}

function validateInto(
  element: ConfigElement,
  schema: PluginSchema,
  locs: ConfigLocs | undefined,
  errors: ConfigError[],
  warnings: ConfigError[],
  options: ValidateOptions,
): Record<string, unknown> {
  const config: Record<string, unknown> = {}
  const tag = `<${element.name}>`
  const fullTag = sectionTag(element)
  const at = (key?: string): SourcePosition & { includedFrom?: readonly SourcePosition[] } =>
    (key === undefined ? locs?.get(element) : paramLoc(locs, element, key)) ?? UNKNOWN_AT
  const report = (list: ConfigError[], pos: SourcePosition, reason: string, hint: string) =>
    list.push(
      new ConfigError({
        file: pos.file,
        line: pos.line,
        reason,
        hint,
        includedFrom: (pos as { includedFrom?: SourcePosition[] }).includedFrom,
        severity: list === warnings ? 'warning' : 'error',
      }),
    )

  const known = new Set<string>()
  for (const spec of schema.params) {
    known.add(spec.name)
    if (spec.alias) known.add(spec.alias)
    const key = [spec.name, spec.alias].find((k) => k !== undefined && hasParam(element, k))
    if (key === undefined) {
      if (spec.required) {
        report(errors, at(), `missing required param ${spec.name} in ${tag}`, `add a line: ${spec.name} ${example(spec)}`)
      } else if (spec.default !== undefined) config[spec.name] = spec.default
      continue
    }
    if (spec.deprecated) report(warnings, at(key), `${key} in ${tag} is deprecated`, spec.deprecated)
    const written = getParam(element, key)!
    const result = typedValue(spec, written)
    if (result.ok) config[spec.name] = result.value
    else {
      const lenient = options.strictValues ? undefined : lenientValue(spec, written)
      if (lenient === undefined) report(errors, at(key), `${key}: ${result.reason}`, result.hint)
      else {
        config[spec.name] = lenient.value
        report(
          warnings,
          at(key),
          `${key}: ${result.reason}; read as ${JSON.stringify(lenient.value)} like Fluentd (${lenient.how})`,
          `${result.hint}; <system> strict_config_value true (or --strict) makes this an error`,
        )
      }
    }
  }

  if (schema.argument) {
    const spec = schema.argument
    if (element.arg === '') {
      if (spec.required) {
        report(errors, at(), `${tag} needs an argument: ${spec.name}`, `write <${element.name} ${example(spec)}>`)
      } else if (spec.default !== undefined) config[spec.name] = spec.default
    } else {
      const result = typedValue(spec, element.arg)
      if (result.ok) config[spec.name] = result.value
      else report(errors, at(), `argument of ${tag}: ${result.reason}`, result.hint)
    }
  }

  for (const key of Object.keys(element.params)) {
    if (known.has(key)) continue
    if (RESERVED_PARAMS.includes(key)) {
      config[key] = element.params[key]
      continue
    }
    if (schema.additionalParams) {
      config[key] = element.params[key]
      continue
    }
    const suggestion = closest(key, [...known])
    const hint = suggestion
      ? `did you mean ${suggestion}?`
      : known.size === 0
        ? `${tag} takes no params`
        : `known params: ${[...known].sort().join(', ')}`
    report(warnings, at(key), `parameter '${key}' in ${fullTag} is not used`, hint)
  }

  const sections = schema.sections ?? []
  const seen = new Map<string, ConfigElement>()
  for (const child of element.elements) {
    const spec = sections.find((s) => s.name === child.name)
    const childAt = locs?.get(child) ?? UNKNOWN_AT
    const forbidden = schema.forbiddenSections?.find((f) => f.name === child.name)
    if (forbidden) {
      report(errors, childAt, forbidden.reason, `remove <${child.name}> from ${fullTag}`)
      continue
    }
    if (!spec) {
      const suggestion = closest(
        child.name,
        sections.map((s) => s.name),
      )
      const hint = suggestion
        ? `did you mean <${suggestion}>?`
        : sections.length === 0
          ? `${tag} takes no sections`
          : `known sections: ${sections.map((s) => `<${s.name}>`).join(', ')}`
      report(warnings, childAt, `section <${child.name}> is not used in ${fullTag}`, hint)
      continue
    }
    const chosen = sectionSchema(spec, child, options)
    if (chosen.problem) report(errors, childAt, chosen.problem.reason, chosen.problem.hint)
    const childConfig = validateInto(child, chosen.schema, locs, errors, warnings, options)
    if (chosen.type !== undefined) childConfig['@type'] = chosen.type
    if (spec.multi) {
      ;((config[spec.name] ??= []) as unknown[]).push(childConfig)
    } else if (seen.has(spec.name)) {
      const first = locs?.get(seen.get(spec.name)!)
      report(
        errors,
        childAt,
        `only one <${spec.name}> is allowed in ${tag}`,
        first ? `the first one is at line ${first.line}; merge them` : 'merge them',
      )
    } else {
      seen.set(spec.name, child)
      config[spec.name] = childConfig
    }
  }
  for (const spec of sections) {
    if (element.elements.some((c) => c.name === spec.name)) continue
    if (spec.required) {
      report(errors, at(), `missing required section <${spec.name}> in ${tag}`, `add <${spec.name}> ... </${spec.name}>`)
    } else if (spec.multi) config[spec.name] = []
    else if (spec.init) {
      const empty = { name: spec.name, arg: '', params: {}, elements: [] }
      const chosen = sectionSchema(spec, empty, options)
      if (chosen.problem) report(errors, at(), chosen.problem.reason, chosen.problem.hint)
      const sectionConfig = validateInto(empty, chosen.schema, undefined, errors, warnings, options)
      if (chosen.type !== undefined) sectionConfig['@type'] = chosen.type
      config[spec.name] = sectionConfig
    }
  }
  return config
}

function typedValue(spec: ParamSpec, text: string) {
  if (!spec.multi) return parseTyped(spec.type, text, spec.values)
  const list = parseArray(text)
  if (!list.ok) return list
  const out: unknown[] = []
  for (const item of list.value) {
    const result = parseTyped(spec.type, typeof item === 'string' ? item : JSON.stringify(item), spec.values)
    if (!result.ok)
      return {
        ok: false as const,
        reason: `item ${JSON.stringify(item)} of the list: ${result.reason}`,
        hint: result.hint,
      }
    out.push(result.value)
  }
  return { ok: true as const, value: out }
}

/**
 * Fluentd's non-strict reading of a value its type does not parse (Config::INTEGER_TYPE etc.
 * without `strict`): integers `to_i`, floats `to_f`, bools nil (which reads as false). Sizes and
 * times only when they have no digit at all (Fluentd: 0); sluice keeps refusing `500ms` or `1.5k`
 * kinds of values, whose Fluentd reading (500 minutes, 5 KiB) is never what was meant.
 */
function lenientValue(spec: ParamSpec, text: string): { value: TypedValue; how: string } | undefined {
  if (spec.multi) return undefined
  switch (spec.type) {
    case 'integer': {
      const n = stringToI(text)
      return { value: Number(n), how: 'String#to_i' }
    }
    case 'float':
      return { value: stringToF(text), how: 'String#to_f' }
    case 'bool':
      return { value: false, how: 'an unknown bool is nil, which is false' }
    case 'size':
    case 'time':
      return /\d/.test(text) ? undefined : { value: 0, how: 'to_i of text without digits' }
    default:
      return undefined
  }
}

const EXAMPLE_VALUES: Record<ParamType, string> = {
  string: 'VALUE',
  integer: '1',
  float: '1.0',
  bool: 'true',
  enum: 'VALUE',
  size: '8m',
  time: '60s',
  array: 'a,b',
  hash: 'k1:v1',
  regexp: '/^pattern$/',
}

function example(spec: ParamSpec): string {
  if (spec.type === 'enum' && spec.values?.length) return spec.values[0]
  return EXAMPLE_VALUES[spec.type]
}

/** Problems in a schema itself (for plugin tests): duplicate names, enums without values, bad defaults. */
export function checkSchema(schema: PluginSchema, path = 'schema'): string[] {
  const problems: string[] = []
  const names = new Set<string>()
  for (const spec of [...schema.params, ...(schema.argument ? [schema.argument] : [])]) {
    if (names.has(spec.name)) problems.push(`${path}: param ${spec.name} is declared twice`)
    names.add(spec.name)
    if (spec.type === 'enum' && !spec.values?.length) {
      problems.push(`${path}: enum ${spec.name} has no values`)
    }
    if (spec.type === 'enum' && typeof spec.default === 'string' && !spec.values?.includes(spec.default)) {
      problems.push(`${path}: default ${JSON.stringify(spec.default)} of ${spec.name} is not one of its values`)
    }
    if (spec.required && spec.default !== undefined) {
      problems.push(`${path}: ${spec.name} is required and has a default`)
    }
    if (!(spec.type in TYPE_EXAMPLES)) problems.push(`${path}: ${spec.name} has unknown type ${spec.type}`)
  }
  const sectionNames = new Set<string>()
  for (const section of schema.sections ?? []) {
    if (sectionNames.has(section.name)) problems.push(`${path}: section <${section.name}> is declared twice`)
    sectionNames.add(section.name)
    problems.push(...checkSchema(section.schema, `${path} <${section.name}>`))
  }
  return problems
}
