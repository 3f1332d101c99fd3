/**
 * @module Tokens of the Ruby expression subset: numbers, 'single' and "double" strings (with
 * `#{...}` kept as raw code for the parser), /regexps/, identifiers (a `?`/`!` suffix only on
 * method names after `.`), constants, keywords and operators. Anything else is a RubySyntaxError.
 */

export type TokenKind = 'int' | 'float' | 'str' | 'dstr' | 'regexp' | 'ident' | 'const' | 'kw' | 'op' | 'eof'

export interface Token {
  kind: TokenKind
  /** The identifier, keyword, operator or the number as written; a string's value. */
  text: string
  /** Offset in the code. */
  at: number
  /** Whitespace right before the token (for `name arg` command calls). */
  spaced: boolean
  /** "double" strings: literal text and raw `#{code}` pieces, in order. */
  parts?: { code: boolean; text: string }[]
  /** /regexp/ flags. */
  flags?: string
}

export class RubySyntaxError extends Error {
  constructor(
    message: string,
    readonly at: number,
  ) {
    super(message)
    this.name = 'RubySyntaxError'
  }
}

const KEYWORDS = new Set(['nil', 'true', 'false', 'rescue', 'and', 'or', 'not'])
/** Longest first. */
const OPERATORS = [
  '==',
  '!=',
  '=~',
  '!~',
  '<=',
  '>=',
  '&&',
  '||',
  '::',
  '<',
  '>',
  '+',
  '-',
  '*',
  '/',
  '%',
  '!',
  '?',
  ':',
  '.',
  ',',
  '(',
  ')',
  '[',
  ']',
]
const UNSUPPORTED: Record<string, string> = {
  '{': 'blocks and hash literals are not supported',
  '}': 'blocks and hash literals are not supported',
  '|': 'blocks are not supported',
  '=': 'assignment is not supported',
  '@': 'instance variables are not supported',
  $: 'global variables are not supported',
  ';': 'only one expression is supported',
  '`': 'shell commands are not supported',
  '&': 'bit operations are not supported',
  '^': 'bit operations are not supported',
  '~': 'bit operations are not supported',
}
const STRING_ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  f: '\f',
  v: '\v',
  a: '\x07',
  e: '\x1b',
  s: ' ',
  b: '\b',
  '0': '\0',
}

/** Splits the code into tokens (ending with `eof`). Throws RubySyntaxError. */
export function tokenize(code: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  let spaced = false
  const push = (token: Omit<Token, 'spaced'>) => {
    tokens.push({ ...token, spaced })
    spaced = false
  }
  while (i < code.length) {
    const c = code[i]
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++
      spaced = true
      continue
    }
    const start = i
    const prev = tokens[tokens.length - 1]
    if (/[0-9]/.test(c)) {
      const m = /^[0-9]+(?:_[0-9]+)*(\.[0-9]+(?:_[0-9]+)*)?([eE][+-]?[0-9]+)?/.exec(code.slice(i))!
      i += m[0].length
      const text = m[0].replace(/_/g, '')
      push({ kind: m[1] || m[2] ? 'float' : 'int', text, at: start })
      continue
    }
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(code.slice(i))!
      let name = m[0]
      i += name.length
      const methodPosition = prev?.kind === 'op' && prev.text === '.'
      if (methodPosition && (code[i] === '?' || (code[i] === '!' && code[i + 1] !== '='))) name += code[i++]
      if (!methodPosition && KEYWORDS.has(name)) push({ kind: 'kw', text: name, at: start })
      else push({ kind: /^[A-Z]/.test(name) && !methodPosition ? 'const' : 'ident', text: name, at: start })
      continue
    }
    if (c === "'") {
      let text = ''
      i++
      for (;;) {
        if (i >= code.length) throw new RubySyntaxError('unterminated string', start)
        const ch = code[i]
        if (ch === "'") break
        if (ch === '\\' && (code[i + 1] === "'" || code[i + 1] === '\\')) {
          text += code[i + 1]
          i += 2
        } else {
          text += ch
          i++
        }
      }
      i++
      push({ kind: 'str', text, at: start })
      continue
    }
    if (c === '"') {
      const parts: { code: boolean; text: string }[] = []
      let text = ''
      i++
      for (;;) {
        if (i >= code.length) throw new RubySyntaxError('unterminated string', start)
        const ch = code[i]
        if (ch === '"') break
        if (ch === '\\' && i + 1 < code.length) {
          const n = code[i + 1]
          text += STRING_ESCAPES[n] ?? n
          i += 2
        } else if (ch === '#' && code[i + 1] === '{') {
          const end = matchingBrace(code, i + 2)
          if (end < 0) throw new RubySyntaxError('unterminated #{ in a string', i)
          if (text !== '') parts.push({ code: false, text })
          text = ''
          parts.push({ code: true, text: code.slice(i + 2, end) })
          i = end + 1
        } else {
          text += ch
          i++
        }
      }
      i++
      if (text !== '' || parts.length === 0) parts.push({ code: false, text })
      push({ kind: 'dstr', text: parts.every((p) => !p.code) ? parts.map((p) => p.text).join('') : '', parts, at: start })
      continue
    }
    if (c === '/' && regexpAllowed(prev, spaced, code[i + 1])) {
      let source = ''
      i++
      let inClass = false
      for (;;) {
        if (i >= code.length) throw new RubySyntaxError('unterminated regexp', start)
        const ch = code[i]
        if (ch === '/' && !inClass) break
        if (ch === '\\' && i + 1 < code.length) {
          source += ch + code[i + 1]
          i += 2
          continue
        }
        if (ch === '[') inClass = true
        else if (ch === ']') inClass = false
        source += ch
        i++
      }
      i++
      const flags = /^[a-z]*/.exec(code.slice(i))![0]
      i += flags.length
      if (!/^[imx]*$/.test(flags)) throw new RubySyntaxError(`unknown regexp flags ${flags}`, start)
      push({ kind: 'regexp', text: source, flags, at: start })
      continue
    }
    const op = OPERATORS.find((o) => code.startsWith(o, i))
    if (op !== undefined) {
      i += op.length
      push({ kind: 'op', text: op, at: start })
      continue
    }
    throw new RubySyntaxError(UNSUPPORTED[c] ?? `unexpected character ${JSON.stringify(c)}`, start)
  }
  tokens.push({ kind: 'eof', text: '', at: code.length, spaced })
  return tokens
}

/** A `/` starts a regexp where a value is expected: at the start, after an operator or `(`/`,`, or as a spaced command argument. */
function regexpAllowed(prev: Token | undefined, spaced: boolean, next: string | undefined): boolean {
  if (prev === undefined) return true
  if (prev.kind === 'op') return prev.text !== ')' && prev.text !== ']'
  if (prev.kind === 'kw') return prev.text !== 'nil' && prev.text !== 'true' && prev.text !== 'false'
  if (prev.kind === 'ident') return spaced && next !== ' ' && next !== '='
  return false
}

/** Offset of the `}` that closes a `{` opened just before `from` (quotes and nesting honoured), or -1. */
export function matchingBrace(code: string, from: number): number {
  let depth = 0
  let quote = ''
  for (let i = from; i < code.length; i++) {
    const ch = code[i]
    if (quote) {
      if (ch === '\\') i++
      else if (ch === quote) quote = ''
    } else if (ch === "'" || ch === '"') quote = ch
    else if (ch === '{') depth++
    else if (ch === '}') {
      if (depth === 0) return i
      depth--
    }
  }
  return -1
}
