/**
 * @module Fluentd's embedded Ruby (`"#{...}"` in double-quoted values), evaluated by sluice's Ruby
 * subset (engine/ruby, CONFIG_DIALECT): ENV lookups and fetch, `||` defaults with Ruby truthiness,
 * hostname / Socket.gethostname, worker_id, File.join / expand_path, Dir.pwd / home, string
 * interpolation and `+`, literals, ternaries, string methods, `rescue`, IPAddr (the k8s IPv6
 * idiom), use_nil, use_default. Nothing is ever executed; anything else is an error naming the
 * expression and listing what is supported. Like Fluentd, the result is interpolated: nil → "".
 */

import {
  compileRuby,
  CONFIG_DIALECT,
  evaluate,
  HostError,
  RubyError,
  supported,
  toS,
  UseDefaultSignal,
  UseNilSignal,
} from '../ruby/index.ts'

/** What the host tells the parser about its environment. */
export interface EmbeddedContext {
  env: Readonly<Record<string, string | undefined>>
  hostname?: string
  workerId: number
  /** The working directory (`Dir.pwd`, `File.expand_path`); unknown in browsers and Workers. */
  cwd?: string
  /** The home directory (`Dir.home`, `~`). */
  home?: string
  /** Milliseconds since the epoch (`Time.now`). */
  now?: () => number
}

/** `use_default`: the param is treated as not written, so its default applies. */
export const USE_DEFAULT: unique symbol = Symbol('use_default')

/** A string, `null` (`use_nil`: the param is unset), or `USE_DEFAULT`. */
export type EmbeddedValue = string | null | typeof USE_DEFAULT

/** `unsetEnv`: ENV names that were read, were not set, and made the result nil (so it is ""). */
export type EmbeddedResult = { ok: true; value: EmbeddedValue; unsetEnv: string[] } | { ok: false; reason: string; hint: string }

export const SUPPORTED_EMBEDDED = supported(CONFIG_DIALECT)

/**
 * Evaluates the code between `#{` and `}`.
 *
 * @example
 * evaluateEmbedded("ENV['HOME'] || '/root'", { env: {}, workerId: 0 }) // { ok: true, value: '/root', unsetEnv: [] }
 */
export function evaluateEmbedded(code: string, context: EmbeddedContext): EmbeddedResult {
  const compiled = compileRuby(code, CONFIG_DIALECT)
  if (!compiled.ok) return { ok: false, reason: `unsupported embedded Ruby #{${code.trim()}}: ${compiled.reason}`, hint: compiled.hint }
  const unset: string[] = []
  const workerId = String(context.workerId)
  try {
    const value = evaluate(compiled.node, {
      local: (name) => (name === 'worker_id' ? workerId : undefined),
      env: context.env,
      hostname: context.hostname,
      cwd: context.cwd,
      home: context.home,
      now: context.now,
      onUnsetEnv: (name) => unset.push(name),
    })
    return { ok: true, value: toS(value), unsetEnv: value === null ? [...new Set(unset)] : [] }
  } catch (error) {
    if (error instanceof UseNilSignal) return { ok: true, value: null, unsetEnv: [] }
    if (error instanceof UseDefaultSignal) return { ok: true, value: USE_DEFAULT, unsetEnv: [] }
    const text = `#{${code.trim()}}`
    if (error instanceof HostError)
      return { ok: false, reason: `${text}: ${error.message}`, hint: 'the host must pass it in the parse options' }
    if (error instanceof RubyError) {
      const missing = /^key not found: "(.*)"$/.exec(error.message)
      if (missing)
        return {
          ok: false,
          reason: `${text} failed: the environment variable ${missing[1]} is not set (${error.rubyClass})`,
          hint: `set ${missing[1]}, or give a default: ENV.fetch('${missing[1]}', 'default') or ENV['${missing[1]}'] || 'default'`,
        }
      return {
        ok: false,
        reason: `${text} failed: ${error.message} (${error.rubyClass})`,
        hint: 'Fluentd stops loading the config on this error too; give a fallback with || or rescue',
      }
    }
    throw error
  }
}
