/**
 * @module record_transformer's placeholders, compiled once at config time: `${tag}`,
 * `${tag_parts[N]}`, `${tag_prefix[N]}`, `${tag_suffix[N]}` (negative N counts from the end),
 * `${hostname}`, `${time}`, `${record["key"]}` — Fluentd's non-Ruby expander. Like Fluentd, any
 * other `${...}` (and `__NAME__`) is an unknown placeholder that expands to nil with a warning.
 * With `enable_ruby`, each `${...}` is an expression of sluice's Ruby subset (engine/ruby,
 * RECORD_DIALECT: record, tag, time, tag_parts…, string/number/time methods, operators),
 * compiled here once into data; anything outside the subset is a config error naming it.
 */

import { EventTime } from '../../event-time.ts'
import { matchingBrace } from '../../ruby/lexer.ts'
import {
  compileRuby,
  evaluate,
  RECORD_DIALECT,
  RTime,
  RubyError,
  toRecord,
  toS,
  type RubyEnv,
  type RubyNode,
  type RValue,
} from '../../ruby/index.ts'
import { rubyToS } from '../../records/ruby-string.ts'

export type Ref =
  | { kind: 'tag' | 'hostname' | 'time' }
  | { kind: 'tag_parts' | 'tag_prefix' | 'tag_suffix'; index: number }
  | { kind: 'record'; path: string[] }
  /** An enable_ruby expression. */
  | { kind: 'ruby'; node: RubyNode }
  | { kind: 'unknown' }

export interface Placeholder {
  /** As written, e.g. `${record["host"]}` (used in warnings). */
  text: string
  ref: Ref
}

/** A compiled string: one placeholder taken as a value (auto_typecast), or parts joined as text. */
export type Template =
  | { kind: 'literal'; value: string }
  | { kind: 'value'; placeholder: Placeholder }
  | { kind: 'concat'; parts: (string | Placeholder)[] }

/** What placeholders read: per stream (tag…) and per event (time, record). */
export interface ExpandContext {
  tag: string
  tagParts: string[]
  tagPrefix: string[]
  tagSuffix: string[]
  hostname: string
  time: string
  /** The event time (enable_ruby's `time` is a Ruby Time of it). */
  eventTime?: EventTime
  record: Record<string, unknown>
  /** Called for a placeholder that has no value (Fluentd logs "unknown placeholder"). */
  unknown(placeholder: Placeholder): void
}

const PLACEHOLDER = /(\$\{[^}]+\}|__[A-Z_]+__)/g
const SINGLE = /^(\$\{[^}]+\}|__[A-Z_]+__)$/
const INDEXED = /^(tag_parts|tag_prefix|tag_suffix)\[(-?\d+)\]$/
const RECORD_CHAIN = /^record((?:\[(?:"[^"]*"|'[^']*')\])+)$/

/** A `<record>` key or value that cannot be compiled (with `enable_ruby`: Ruby outside sluice's subset). */
export class TemplateError extends Error {
  constructor(
    readonly reason: string,
    readonly hint: string,
  ) {
    super(`${reason}; ${hint}`)
    this.name = 'TemplateError'
  }
}

/** Compiles a string; with `enableRuby`, throws a TemplateError for an expression outside sluice's Ruby subset. */
export function compileTemplate(text: string, options: { autoTypecast: boolean; forceStringify?: boolean; enableRuby: boolean }): Template {
  if (options.enableRuby) return compileRubyTemplate(text, options.autoTypecast && !options.forceStringify)
  const placeholders = text.match(PLACEHOLDER)
  if (placeholders === null) return { kind: 'literal', value: text }
  if (options.autoTypecast && !options.forceStringify && SINGLE.test(text)) {
    return { kind: 'value', placeholder: parsePlaceholder(text) }
  }
  const parts: (string | Placeholder)[] = []
  let last = 0
  for (const m of text.matchAll(PLACEHOLDER)) {
    if (m.index > last) parts.push(text.slice(last, m.index))
    parts.push(parsePlaceholder(m[0]))
    last = m.index + m[0].length
  }
  if (last < text.length) parts.push(text.slice(last))
  return { kind: 'concat', parts }
}

function parsePlaceholder(text: string): Placeholder {
  if (text.startsWith('__')) return { text, ref: { kind: 'unknown' } }
  const inner = text.slice(2, -1)
  if (inner === 'tag' || inner === 'hostname' || inner === 'time') return { text, ref: { kind: inner } }
  const indexed = INDEXED.exec(inner)
  if (indexed) return { text, ref: { kind: indexed[1] as 'tag_parts', index: Number(indexed[2]) } }
  const chain = RECORD_CHAIN.exec(inner)
  if (chain) {
    const path = [...chain[1].matchAll(/\[(?:"([^"]*)"|'([^']*)')\]/g)].map((m) => m[1] ?? m[2])
    if (path.length === 1) return { text, ref: { kind: 'record', path } }
  }
  return { text, ref: { kind: 'unknown' } }
}

/**
 * Fluentd's RubyPlaceholderExpander: a value that is exactly one `${expr}` (with auto_typecast)
 * is the expression's value; otherwise the text is an interpolated string (`__NAME__` stays text).
 */
function compileRubyTemplate(text: string, single: boolean): Template {
  const parts: (string | Placeholder)[] = []
  let last = 0
  for (let at = text.indexOf('${'); at >= 0; at = text.indexOf('${', last)) {
    const end = matchingBrace(text, at + 2)
    if (end < 0) throw new TemplateError(`unterminated \${ in ${JSON.stringify(text)} (enable_ruby)`, 'close it with }')
    if (at > last) parts.push(text.slice(last, at))
    const code = text.slice(at + 2, end)
    const compiled = compileRuby(code, RECORD_DIALECT)
    if (!compiled.ok) throw new TemplateError(`unsupported enable_ruby expression \${${code}}: ${compiled.reason}`, compiled.hint)
    parts.push({ text: text.slice(at, end + 1), ref: { kind: 'ruby', node: compiled.node } })
    last = end + 1
  }
  if (last < text.length) parts.push(text.slice(last))
  if (parts.length === 0) return { kind: 'literal', value: text }
  if (parts.length === 1 && typeof parts[0] !== 'string' && single && text.split('${').length === 2) {
    return { kind: 'value', placeholder: parts[0] }
  }
  if (parts.every((p) => typeof p === 'string')) return { kind: 'literal', value: text }
  return { kind: 'concat', parts }
}

/** The Ruby locals of the event in `ctx` (one env per context, reading its current fields). */
const rubyEnvs = new WeakMap<ExpandContext, RubyEnv>()
function rubyEnv(ctx: ExpandContext): RubyEnv {
  let env = rubyEnvs.get(ctx)
  if (env === undefined) {
    env = {
      hostname: ctx.hostname,
      local(name) {
        switch (name) {
          case 'record':
            return ctx.record as RValue
          case 'tag':
            return ctx.tag
          case 'tag_parts':
            return ctx.tagParts
          case 'tag_prefix':
            return ctx.tagPrefix
          case 'tag_suffix':
            return ctx.tagSuffix
          case 'hostname':
            return ctx.hostname
          case 'time': {
            const t = ctx.eventTime ?? new EventTime(0, 0)
            return new RTime(t.sec, t.nsec, false)
          }
        }
        return undefined
      },
    }
    rubyEnvs.set(ctx, env)
  }
  return env
}

/** Evaluates an enable_ruby expression; a Ruby error fails the record like Fluentd's "failed to expand". */
function evaluateRuby(p: Placeholder & { ref: { kind: 'ruby' } }, ctx: ExpandContext): RValue {
  try {
    return evaluate(p.ref.node, rubyEnv(ctx))
  } catch (error) {
    if (error instanceof RubyError) throw new Error(`failed to expand \`${p.text}\` : error = ${error.message}`)
    throw error
  }
}

/** The value of one placeholder (null = nil; `unknown` was told when it has no value). */
export function resolve(p: Placeholder, ctx: ExpandContext): unknown {
  const ref = p.ref
  switch (ref.kind) {
    case 'tag':
      return ctx.tag
    case 'hostname':
      return ctx.hostname
    case 'time':
      return ctx.time
    case 'tag_parts':
    case 'tag_prefix':
    case 'tag_suffix': {
      const list = ref.kind === 'tag_parts' ? ctx.tagParts : ref.kind === 'tag_prefix' ? ctx.tagPrefix : ctx.tagSuffix
      const i = ref.index < 0 ? list.length + ref.index : ref.index
      if (i >= 0 && i < list.length) return list[i]
      ctx.unknown(p)
      return null
    }
    case 'record': {
      let value: unknown = ctx.record
      for (let k = 0; k < ref.path.length; k++) {
        const key = ref.path[k]
        if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof Uint8Array) {
          // Ruby raises NoMethodError on nil[...] (enable_ruby chains): the record becomes an error event.
          throw new Error(`undefined method '[]' for ${value === null || value === undefined ? 'nil' : typeof value} in ${p.text}`)
        }
        if (!Object.hasOwn(value, key)) {
          if (k === 0) ctx.unknown(p) // Fluentd only knows the record's existing top-level keys
          value = null
          if (k === ref.path.length - 1) return null
          continue
        }
        value = (value as Record<string, unknown>)[key]
      }
      return value
    }
    case 'ruby':
      return toRecord(evaluateRuby(p as Placeholder & { ref: { kind: 'ruby' } }, ctx))
    case 'unknown':
      ctx.unknown(p)
      return null
  }
}

/** Expands a template: the referenced value itself, or a string with Ruby's to_s of each part. */
export function expand(t: Template, ctx: ExpandContext): unknown {
  if (t.kind === 'literal') return t.value
  if (t.kind === 'value') return resolve(t.placeholder, ctx)
  let out = ''
  for (const part of t.parts) {
    if (typeof part === 'string') out += part
    else if (part.ref.kind === 'ruby') out += toS(evaluateRuby(part as Placeholder & { ref: { kind: 'ruby' } }, ctx))
    else out += rubyToS(resolve(part, ctx))
  }
  return out
}
