/**
 * @module Walks a compiled `RubyNode` over an injected environment (locals, ENV, hostname, cwd,
 * home, clock): no eval, no generated code, the same in every runtime. Ruby errors are
 * `RubyError`s (caught by `rescue`); `use_nil` / `use_default` throw the signals the config
 * parser turns into "unset" and "default".
 */

import type { BinaryOp, RubyNode } from './ast.ts'
import { binary, callMethod, compare, indexValue, matchIndex, timeAt } from './methods.ts'
import { compileRubyRegexp } from './regexp.ts'
import { parseIpAddr } from './ipaddr.ts'
import { RFloat, RRegexp, RTime, rubyEquals, RubyError, toS, truthy, type RValue } from './values.ts'

/** What an expression may read besides its literals. */
export interface RubyEnv {
  /** A local variable (`record`, `tag`, `worker_id`…); undefined when there is no such local. */
  local(name: string): RValue | undefined
  env?: Readonly<Record<string, string | undefined>>
  hostname?: string
  /** The working directory (`Dir.pwd`, relative `File.expand_path`). */
  cwd?: string
  /** The home directory (`Dir.home`, `~`). */
  home?: string
  /** Milliseconds since the epoch (`Time.now`). */
  now?: () => number
  /** Told each ENV name that was read but is not set. */
  onUnsetEnv?(name: string): void
}

/** `use_nil`: the whole config value becomes nil. */
export class UseNilSignal extends Error {}
/** `use_default`: the param takes its default. */
export class UseDefaultSignal extends Error {}
/** The runtime cannot answer (no hostname, no cwd…): not a Ruby error, so `rescue` does not hide it. */
export class HostError extends Error {}

const regexps = new WeakMap<RubyNode, RRegexp>()

/**
 * @example
 * evaluate(parseRuby('tag_parts[-1]'), { local: (n) => (n === 'tag_parts' ? ['a', 'b'] : undefined) }) // 'b'
 */
export function evaluate(node: RubyNode, env: RubyEnv): RValue {
  switch (node.t) {
    case 'nil':
      return null
    case 'bool':
      return node.v
    case 'int': {
      const n = Number(node.v)
      return Number.isSafeInteger(n) ? n : BigInt(node.v)
    }
    case 'float':
      return new RFloat(node.v)
    case 'str':
      return node.v
    case 'interp': {
      let out = ''
      for (const part of node.parts) out += typeof part === 'string' ? part : toS(evaluate(part, env))
      return out
    }
    case 'regexp': {
      let re = regexps.get(node)
      if (!re) {
        re = new RRegexp(node.source, node.flags, compileRubyRegexp(node.source, node.flags))
        regexps.set(node, re)
      }
      return re
    }
    case 'array':
      return node.items.map((item) => evaluate(item, env))
    case 'var':
      return variable(node.name, env)
    case 'const':
      throw new RubyError(`${node.name} is a module, not a value`, 'TypeError')
    case 'call':
      if (node.recv === null) return variable(node.name, env)
      if (node.recv.t === 'const')
        return constantCall(
          node.recv.name,
          node.name,
          node.args.map((a) => evaluate(a, env)),
          env,
        )
      return callMethod(
        evaluate(node.recv, env),
        node.name,
        node.args.map((a) => evaluate(a, env)),
      )
    case 'index': {
      const args = node.args.map((a) => evaluate(a, env))
      if (node.recv.t === 'const') return constantCall(node.recv.name, '[]', args, env)
      const recv = evaluate(node.recv, env)
      if (recv === null) throw new RubyError("undefined method '[]' for nil", 'NoMethodError')
      return indexValue(recv, args)
    }
    case 'not':
      return !truthy(evaluate(node.e, env))
    case 'neg': {
      const v = evaluate(node.e, env)
      return binary('-', 0, v)
    }
    case 'and': {
      const l = evaluate(node.l, env)
      return truthy(l) ? evaluate(node.r, env) : l
    }
    case 'or': {
      const l = evaluate(node.l, env)
      return truthy(l) ? l : evaluate(node.r, env)
    }
    case 'op':
      return operator(node.op, evaluate(node.l, env), evaluate(node.r, env))
    case 'if':
      return truthy(evaluate(node.cond, env)) ? evaluate(node.then, env) : evaluate(node.else, env)
    case 'rescue':
      try {
        return evaluate(node.body, env)
      } catch (error) {
        if (error instanceof RubyError) return evaluate(node.fallback, env)
        throw error
      }
  }
}

function operator(op: BinaryOp, l: RValue, r: RValue): RValue {
  switch (op) {
    case '==':
      return rubyEquals(l, r)
    case '!=':
      return !rubyEquals(l, r)
    case '<':
    case '<=':
    case '>':
    case '>=':
      return compare(op, l, r)
    case '=~':
      return matchIndex(l, r)
    case '!~':
      return matchIndex(l, r) === null
    default:
      return binary(op, l, r)
  }
}

function variable(name: string, env: RubyEnv): RValue {
  if (name === 'use_nil') throw new UseNilSignal()
  if (name === 'use_default') throw new UseDefaultSignal()
  const value = env.local(name)
  if (value !== undefined) return value
  if (name === 'hostname') return hostname(env)
  throw new RubyError(`undefined local variable or method '${name}'`, 'NameError')
}

function hostname(env: RubyEnv): string {
  if (env.hostname === undefined) throw new HostError('the hostname is not known in this runtime')
  return env.hostname
}

function envName(v: RValue): string {
  if (typeof v !== 'string') throw new RubyError(`no implicit conversion of ${v === null ? 'nil' : typeof v} into String`, 'TypeError')
  return v
}

/** Calls on the constants the subset knows: ENV, Socket, File, Dir, Time, IPAddr. */
function constantCall(constant: string, name: string, args: RValue[], env: RubyEnv): RValue {
  const vars = env.env ?? {}
  switch (`${constant}.${name}`) {
    case 'ENV.[]': {
      const key = envName(args[0])
      const value = vars[key]
      if (value === undefined) env.onUnsetEnv?.(key)
      return value ?? null
    }
    case 'ENV.fetch': {
      const key = envName(args[0])
      const value = vars[key]
      if (value !== undefined) return value
      if (args.length > 1) return args[1]
      throw new RubyError(`key not found: ${JSON.stringify(key)}`, 'KeyError')
    }
    case 'ENV.key?':
    case 'ENV.has_key?':
    case 'ENV.include?':
      return vars[envName(args[0])] !== undefined
    case 'Socket.gethostname':
      return hostname(env)
    case 'File.join':
      return fileJoin(args)
    case 'File.expand_path':
      return expandPath(envName(args[0]), args.length > 1 && args[1] !== null ? envName(args[1]) : undefined, env)
    case 'File.basename': {
      const base = basename(envName(args[0]))
      const suffix = args.length > 1 ? envName(args[1]) : ''
      if (suffix === '.*') return base.replace(/(?<=.)\.[^.]*$/, '')
      return suffix !== '' && base.endsWith(suffix) && base !== suffix ? base.slice(0, -suffix.length) : base
    }
    case 'File.dirname': {
      const p = envName(args[0]).replace(/\/+$/, '')
      const i = p.lastIndexOf('/')
      return i < 0 ? '.' : i === 0 ? '/' : p.slice(0, i).replace(/\/+$/, '') || '/'
    }
    case 'Dir.pwd':
      if (env.cwd === undefined) throw new HostError('Dir.pwd is not known in this runtime')
      return env.cwd
    case 'Dir.home':
      if (env.home === undefined) throw new HostError('Dir.home is not known in this runtime')
      return env.home
    case 'Time.now': {
      const ms = (env.now ?? Date.now)()
      return new RTime(Math.floor(ms / 1000), (ms % 1000) * 1e6, false)
    }
    case 'Time.at':
      return timeAt(args[0])
    case 'IPAddr.new': {
      const ip = parseIpAddr(envName(args[0]))
      if (ip === null) throw new RubyError(`invalid address: ${toS(args[0])}`, 'IPAddr::InvalidAddressError')
      return ip
    }
  }
  throw new RubyError(`undefined method '${name}' for ${constant}`, 'NoMethodError')
}

/** Ruby's File.join: one `/` between parts (arrays are flattened; separators at the seams are not doubled). */
function fileJoin(args: RValue[]): string {
  const parts: string[] = []
  const flat = (v: RValue) => {
    if (Array.isArray(v)) for (const x of v) flat(x as RValue)
    else parts.push(envName(v))
  }
  args.forEach(flat)
  let out = parts[0] ?? ''
  for (const part of parts.slice(1)) {
    const leftSlash = out.endsWith('/')
    const rightSlash = part.startsWith('/')
    if (leftSlash && rightSlash) out += part.replace(/^\/+/, '')
    else if (leftSlash || rightSlash) out += part
    else out += `/${part}`
  }
  return out
}

function basename(path: string): string {
  const trimmed = path.replace(/\/+$/, '')
  if (trimmed === '' && path.startsWith('/')) return '/'
  return trimmed.slice(trimmed.lastIndexOf('/') + 1)
}

/** Ruby's File.expand_path: `~` is the home, relative paths start at `base` (default: the cwd); `.`/`..` resolved. */
function expandPath(path: string, base: string | undefined, env: RubyEnv): string {
  let absolute: string
  if (path === '~' || path.startsWith('~/')) {
    if (env.home === undefined) throw new HostError('Dir.home is not known in this runtime')
    absolute = env.home + path.slice(1)
  } else if (path.startsWith('/')) absolute = path
  else {
    let from = base
    if (from === undefined) {
      if (env.cwd === undefined) throw new HostError('Dir.pwd is not known in this runtime')
      from = env.cwd
    } else if (!from.startsWith('/')) from = expandPath(from, undefined, env)
    absolute = `${from}/${path}`
  }
  const out: string[] = []
  for (const segment of absolute.split('/')) {
    if (segment === '' || segment === '.') continue
    if (segment === '..') out.pop()
    else out.push(segment)
  }
  return `/${out.join('/')}`
}
