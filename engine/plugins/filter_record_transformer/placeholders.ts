/**
 * @module record_transformer's placeholders, compiled once at config time: `${tag}`,
 * `${tag_parts[N]}`, `${tag_prefix[N]}`, `${tag_suffix[N]}` (negative N counts from the end),
 * `${hostname}`, `${time}`, `${record["key"]}` — Fluentd's non-Ruby expander. Like Fluentd, any
 * other `${...}` (and `__NAME__`) is an unknown placeholder that expands to nil with a warning.
 * With `enable_ruby`, `record["a"]["b"]` chains are accepted too and every other expression is a
 * config error (sluice runs no Ruby).
 */

import { rubyToS } from '../../records/ruby-string.ts'

export type Ref =
  | { kind: 'tag' | 'hostname' | 'time' }
  | { kind: 'tag_parts' | 'tag_prefix' | 'tag_suffix'; index: number }
  | { kind: 'record'; path: string[] }
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
  record: Record<string, unknown>
  /** Called for a placeholder that has no value (Fluentd logs "unknown placeholder"). */
  unknown(placeholder: Placeholder): void
}

const PLACEHOLDER = /(\$\{[^}]+\}|__[A-Z_]+__)/g
const SINGLE = /^(\$\{[^}]+\}|__[A-Z_]+__)$/
const INDEXED = /^(tag_parts|tag_prefix|tag_suffix)\[(-?\d+)\]$/
const RECORD_CHAIN = /^record((?:\[(?:"[^"]*"|'[^']*')\])+)$/

/** Compiles a string; throws for a Ruby expression when `enableRuby` (sluice cannot run Ruby). */
export function compileTemplate(text: string, options: { autoTypecast: boolean; forceStringify?: boolean; enableRuby: boolean }): Template {
  const placeholders = text.match(PLACEHOLDER)
  if (placeholders === null) return { kind: 'literal', value: text }
  if (options.autoTypecast && !options.forceStringify && SINGLE.test(text)) {
    return { kind: 'value', placeholder: parsePlaceholder(text, options.enableRuby) }
  }
  const parts: (string | Placeholder)[] = []
  let last = 0
  for (const m of text.matchAll(PLACEHOLDER)) {
    if (m.index > last) parts.push(text.slice(last, m.index))
    parts.push(parsePlaceholder(m[0], options.enableRuby))
    last = m.index + m[0].length
  }
  if (last < text.length) parts.push(text.slice(last))
  return { kind: 'concat', parts }
}

function parsePlaceholder(text: string, enableRuby: boolean): Placeholder {
  if (text.startsWith('__')) {
    if (enableRuby) throw rubyError(text)
    return { text, ref: { kind: 'unknown' } }
  }
  const inner = text.slice(2, -1)
  if (inner === 'tag' || inner === 'hostname' || inner === 'time') return { text, ref: { kind: inner } }
  const indexed = INDEXED.exec(inner)
  if (indexed) return { text, ref: { kind: indexed[1] as 'tag_parts', index: Number(indexed[2]) } }
  const chain = RECORD_CHAIN.exec(inner)
  if (chain) {
    const path = [...chain[1].matchAll(/\[(?:"([^"]*)"|'([^']*)')\]/g)].map((m) => m[1] ?? m[2])
    if (path.length === 1 || enableRuby) return { text, ref: { kind: 'record', path } }
  }
  if (enableRuby) throw rubyError(text)
  return { text, ref: { kind: 'unknown' } }
}

function rubyError(text: string): Error {
  return new Error(
    `${text} is a Ruby expression (enable_ruby): sluice does not run Ruby; ` +
      'use ${tag}, ${tag_parts[N]}, ${tag_prefix[N]}, ${tag_suffix[N]}, ${hostname}, ${time} or ${record["key"]} (record["a"]["b"] chains are fine), ' +
      'or compute the field upstream',
  )
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
  for (const part of t.parts) out += typeof part === 'string' ? part : rubyToS(resolve(part, ctx))
  return out
}
