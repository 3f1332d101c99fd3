/**
 * @module The safe subset of Fluentd's embedded Ruby (`"#{...}"` in double-quoted values):
 * ENV lookups, hostname, worker_id, string/integer literals, `||`, use_nil and use_default.
 * Nothing is ever executed; anything else is an error naming what is supported.
 */

/** What the host tells the parser about its environment. */
export interface EmbeddedContext {
  env: Readonly<Record<string, string | undefined>>
  hostname?: string
  workerId: number
}

/** `use_default`: the param is treated as not written, so its default applies. */
export const USE_DEFAULT: unique symbol = Symbol('use_default')

/** A string, `null` (Ruby nil: unset ENV, `use_nil`), or `USE_DEFAULT`. */
export type EmbeddedValue = string | null | typeof USE_DEFAULT

export type EmbeddedResult = { ok: true; value: EmbeddedValue; unsetEnv: string[] } | { ok: false; reason: string; hint: string }

export const SUPPORTED_EMBEDDED =
  "ENV['NAME'], ENV[\"NAME\"], ENV.fetch('NAME', 'default'), hostname, Socket.gethostname, " +
  "worker_id, 'string' and integer literals, a || b, use_nil, use_default"

const UNSUPPORTED_HINT = `sluice evaluates only ${SUPPORTED_EMBEDDED}; compute anything else outside the config`

type Token = { kind: 'ident' | 'string' | 'int' | 'punct'; text: string }

/**
 * Evaluates the code between `#{` and `}`.
 *
 * @example
 * evaluateEmbedded("ENV['HOME'] || '/root'", { env: {}, workerId: 0 }) // { ok: true, value: '/root', ... }
 */
export function evaluateEmbedded(code: string, context: EmbeddedContext): EmbeddedResult {
  const tokens = tokenize(code)
  if (!tokens) return unsupported(code)
  const unsetEnv: string[] = []
  let i = 0
  const next = (): Token | undefined => tokens[i++]
  const expect = (text: string): boolean => {
    if (tokens[i]?.kind !== 'punct' || tokens[i].text !== text) return false
    i++
    return true
  }
  const hostname = () => context.hostname ?? new Error('hostname')

  // primary := ENV[str] | ENV.fetch(str[, literal]) | hostname | Socket.gethostname | worker_id
  //          | str | int | nil | use_nil | use_default
  const primary = (): (() => EmbeddedValue | Error) | undefined => {
    const t = next()
    if (!t) return undefined
    if (t.kind === 'string' || t.kind === 'int') return () => t.text
    if (t.kind !== 'ident') return undefined
    switch (t.text) {
      case 'hostname':
        return hostname
      case 'worker_id':
        return () => String(context.workerId)
      case 'use_nil':
      case 'nil':
        return () => null
      case 'use_default':
        return () => USE_DEFAULT
      case 'Socket':
        return expect('.') && next()?.text === 'gethostname' ? hostname : undefined
      case 'ENV':
        if (expect('[')) {
          const name = next()
          if (name?.kind !== 'string' || !expect(']')) return undefined
          return () => {
            const value = context.env[name.text]
            if (value === undefined) unsetEnv.push(name.text)
            return value ?? null
          }
        }
        if (expect('.') && next()?.text === 'fetch' && expect('(')) {
          const name = next()
          if (name?.kind !== 'string') return undefined
          let fallback: Token | undefined
          if (expect(',')) {
            fallback = next()
            if (fallback?.kind !== 'string' && fallback?.kind !== 'int') return undefined
          }
          if (!expect(')')) return undefined
          return () => context.env[name.text] ?? fallback?.text ?? new Error(`ENV.fetch('${name.text}')`)
        }
        return undefined
      default:
        return undefined
    }
  }

  const terms: (() => EmbeddedValue | Error)[] = []
  for (;;) {
    const term = primary()
    if (!term) return unsupported(code)
    terms.push(term)
    if (i === tokens.length) break
    if (!expect('||')) return unsupported(code)
  }
  // Ruby's ||: the first value that is not nil (an empty string counts as a value).
  let value: EmbeddedValue = null
  for (const term of terms) {
    const v = term()
    if (v instanceof Error) return failed(v.message)
    value = v
    if (v !== null) break
  }
  return { ok: true, value, unsetEnv: value === null ? unsetEnv : [] }
}

function failed(what: string): EmbeddedResult {
  if (what === 'hostname') {
    return {
      ok: false,
      reason: 'hostname is not known in this runtime',
      hint: 'the host must pass hostname in the parse options',
    }
  }
  return {
    ok: false,
    reason: `${what} failed: the environment variable is not set`,
    hint: "set it, or give a default: ENV.fetch('NAME', 'default')",
  }
}

function unsupported(code: string): EmbeddedResult {
  return { ok: false, reason: `unsupported embedded Ruby #{${code.trim()}}`, hint: UNSUPPORTED_HINT }
}

/** Splits the code into tokens, or returns undefined on a character outside the subset. */
function tokenize(code: string): Token[] | undefined {
  const tokens: Token[] = []
  let i = 0
  while (i < code.length) {
    const c = code[i]
    if (c === ' ' || c === '\t') {
      i++
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(code.slice(i))!
      tokens.push({ kind: 'ident', text: m[0] })
      i += m[0].length
    } else if (/[0-9]/.test(c)) {
      const m = /^[0-9]+/.exec(code.slice(i))!
      tokens.push({ kind: 'int', text: m[0] })
      i += m[0].length
    } else if (c === "'" || c === '"') {
      let text = ''
      let j = i + 1
      for (; j < code.length && code[j] !== c; j++) {
        if (code[j] === '\\' && j + 1 < code.length) {
          j++
          text += code[j]
        } else if (c === '"' && code[j] === '#' && code[j + 1] === '{') {
          return undefined // nested interpolation
        } else {
          text += code[j]
        }
      }
      if (j >= code.length) return undefined
      tokens.push({ kind: 'string', text })
      i = j + 1
    } else if (code.startsWith('||', i)) {
      tokens.push({ kind: 'punct', text: '||' })
      i += 2
    } else if ('[].(),'.includes(c)) {
      tokens.push({ kind: 'punct', text: c })
      i++
    } else {
      return undefined
    }
  }
  return tokens
}
