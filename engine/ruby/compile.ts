/**
 * @module Compiles Ruby expression text for one dialect (the config's `#{...}`, or
 * record_transformer's `enable_ruby`): parse, then check every name, constant, method and
 * argument count against what the dialect and the evaluator support. The result is data (the
 * AST) or an exact error naming the unsupported part and listing what is supported.
 */

import type { RubyNode } from './ast.ts'
import { RubySyntaxError } from './lexer.ts'
import { METHOD_ARITY } from './methods.ts'
import { parseRuby } from './parse.ts'
import { compileRubyRegexp } from './regexp.ts'

/** What a dialect lets expressions read. */
export interface RubyDialect {
  /** In messages: `embedded Ruby`, `enable_ruby`. */
  name: string
  /** Bare names (locals and zero-argument helpers). */
  variables: readonly string[]
  /** Constants and the methods (`[]` for indexing) callable on them. */
  constants: Readonly<Record<string, readonly string[]>>
}

/** [min, max] arguments of each constant method. */
const CONSTANT_ARITY: Readonly<Record<string, readonly [number, number]>> = {
  'ENV.[]': [1, 1],
  'ENV.fetch': [1, 2],
  'ENV.key?': [1, 1],
  'ENV.has_key?': [1, 1],
  'ENV.include?': [1, 1],
  'Socket.gethostname': [0, 0],
  'File.join': [0, Infinity],
  'File.expand_path': [1, 2],
  'File.basename': [1, 2],
  'File.dirname': [1, 1],
  'Dir.pwd': [0, 0],
  'Dir.home': [0, 0],
  'Time.now': [0, 0],
  'Time.at': [1, 1],
  'IPAddr.new': [1, 1],
}

/** `"#{...}"` in config values (Fluentd's embedded Ruby). */
export const CONFIG_DIALECT: RubyDialect = {
  name: 'embedded Ruby',
  variables: ['hostname', 'worker_id', 'use_nil', 'use_default'],
  constants: {
    ENV: ['[]', 'fetch', 'key?', 'has_key?', 'include?'],
    Socket: ['gethostname'],
    File: ['join', 'expand_path', 'basename', 'dirname'],
    Dir: ['pwd', 'home'],
    Time: ['now', 'at'],
    IPAddr: ['new'],
  },
}

/** `${...}` in record_transformer with `enable_ruby true`. */
export const RECORD_DIALECT: RubyDialect = {
  name: 'enable_ruby',
  variables: ['record', 'tag', 'time', 'tag_parts', 'tag_prefix', 'tag_suffix', 'hostname'],
  constants: {
    Time: ['at', 'now'],
    Socket: ['gethostname'],
  },
}

/** On failure, `reason` says what is wrong without quoting the code (callers show it their way). */
export type CompileResult = { ok: true; node: RubyNode } | { ok: false; reason: string; hint: string }

/**
 * @example
 * compileRuby("ENV.fetch('PORT', '24224').to_i", CONFIG_DIALECT) // { ok: true, node: {...} }
 * compileRuby('`id`', CONFIG_DIALECT) // { ok: false, reason: 'shell commands are not supported (column 1)', hint: ... }
 */
export function compileRuby(code: string, dialect: RubyDialect): CompileResult {
  let node: RubyNode
  try {
    node = parseRuby(code)
  } catch (error) {
    if (!(error instanceof RubySyntaxError)) throw error
    return { ok: false, reason: `${error.message} (column ${error.at + 1})`, hint: supported(dialect) }
  }
  const problem = check(node, dialect)
  if (problem !== null) return { ok: false, reason: problem, hint: supported(dialect) }
  return { ok: true, node }
}

function arity(range: readonly [number, number], count: number, what: string): string | null {
  const [min, max] = range
  if (count >= min && count <= max) return null
  const wanted = min === max ? `${min}` : max === Infinity ? `${min} or more` : `${min} to ${max}`
  return `${what} takes ${wanted} argument${wanted === '1' ? '' : 's'}, got ${count}`
}

/** The first unsupported part of the tree, or null. */
function check(node: RubyNode, dialect: RubyDialect): string | null {
  const all = (nodes: readonly RubyNode[]): string | null => {
    for (const n of nodes) {
      const p = check(n, dialect)
      if (p !== null) return p
    }
    return null
  }
  switch (node.t) {
    case 'nil':
    case 'bool':
    case 'int':
    case 'float':
    case 'str':
      return null
    case 'interp':
      return all(node.parts.filter((p): p is RubyNode => typeof p !== 'string'))
    case 'regexp':
      try {
        compileRubyRegexp(node.source, node.flags)
        return null
      } catch (error) {
        return `the regexp /${node.source}/ cannot be compiled: ${(error as Error).message}`
      }
    case 'array':
      return all(node.items)
    case 'var':
      return dialect.variables.includes(node.name) ? null : `${node.name} is not supported here`
    case 'const':
      return dialect.constants[node.name]
        ? `${node.name} can only be used as ${node.name}.${dialect.constants[node.name].filter((m) => m !== '[]')[0] ?? '[]'}`
        : `the constant ${node.name} is not supported`
    case 'call': {
      if (node.recv === null) {
        if (dialect.variables.includes(node.name) && node.args.length === 0) return null
        return `the method ${node.name}(...) is not supported`
      }
      if (node.recv.t === 'const') {
        const methods = dialect.constants[node.recv.name]
        const full = `${node.recv.name}.${node.name}`
        if (!methods) return `the constant ${node.recv.name} is not supported`
        if (!methods.includes(node.name)) return `${full} is not supported`
        return arity(CONSTANT_ARITY[full] ?? [0, Infinity], node.args.length, full) ?? all(node.args)
      }
      const range = METHOD_ARITY[node.name]
      if (range === undefined) return `the method .${node.name} is not supported`
      return check(node.recv, dialect) ?? arity(range, node.args.length, `.${node.name}`) ?? all(node.args)
    }
    case 'index':
      if (node.recv.t === 'const') {
        if (!dialect.constants[node.recv.name]) return `the constant ${node.recv.name} is not supported`
        if (!dialect.constants[node.recv.name].includes('[]')) return `${node.recv.name}[...] is not supported`
        return arity(CONSTANT_ARITY[`${node.recv.name}.[]`] ?? [1, 1], node.args.length, `${node.recv.name}[]`) ?? all(node.args)
      }
      if (node.args.length < 1 || node.args.length > 2) return `[] takes 1 or 2 arguments, got ${node.args.length}`
      return check(node.recv, dialect) ?? all(node.args)
    case 'not':
    case 'neg':
      return check(node.e, dialect)
    case 'and':
    case 'or':
    case 'op':
      return check(node.l, dialect) ?? check(node.r, dialect)
    case 'if':
      return check(node.cond, dialect) ?? check(node.then, dialect) ?? check(node.else, dialect)
    case 'rescue':
      return check(node.body, dialect) ?? check(node.fallback, dialect)
  }
}

/** The hint listing what the dialect supports. */
export function supported(dialect: RubyDialect): string {
  const constants = Object.entries(dialect.constants)
    .map(([c, methods]) =>
      methods
        .filter((m) => !m.endsWith('key?') && m !== 'include?')
        .map((m) => (m === '[]' ? `${c}['X']` : `${c}.${m}`))
        .join(', '),
    )
    .join(', ')
  return (
    `sluice evaluates a Ruby subset and runs no Ruby: ${dialect.variables.join(', ')}, ${constants}, ` +
    'literals, "#{...}", + - * / %, == != < > =~, && || !, a ? b : c, rescue, ' +
    'and common String/Integer/Float/Array/Hash/Time methods (to_s, to_i, downcase, strip, gsub, split, include?, dig, strftime…; docs/ruby-subset.md lists them)'
  )
}
