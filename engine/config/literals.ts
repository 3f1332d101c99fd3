/**
 * @module Literal scanners of the .conf syntax: double-quoted strings (escapes, `#{...}`),
 * single-quoted strings, unquoted values, and (multi-line) JSON values.
 */
import { evaluateEmbedded, USE_DEFAULT, type EmbeddedContext, type EmbeddedValue } from './embedded.ts'
import { isBlank, isEol, type Cursor, type Diagnostics } from './lexer.ts'

/** What a scanner needs besides the cursor; `diagnostics` may be a scratch list the caller commits later. */
export interface LiteralContext {
  cursor: Cursor
  embedded: EmbeddedContext
  diagnostics: Diagnostics
}

/**
 * `closed` is false when the input ended before the literal did; `aborted` when an error that
 * ends the line was already recorded (an unterminated `#{`).
 */
export interface LiteralResult {
  value: EmbeddedValue
  closed: boolean
  aborted?: boolean
}

const ESCAPES: Record<string, string> = {
  '"': '"',
  "'": "'",
  '\\': '\\',
  r: '\r',
  n: '\n',
  t: '\t',
  f: '\f',
  b: '\b',
  '0': '\0',
}

export const ESCAPES_HINT = 'the escapes are \\" \\\' \\\\ \\r \\n \\t \\f \\b \\0; write \\\\ for a backslash'

/**
 * Reads `"..."` starting at the opening quote. A raw line break is kept; a backslash before a line
 * break joins the lines (both as in Fluentd). `#{...}` is evaluated with the safe subset.
 */
export function scanDoubleQuoted(ctx: LiteralContext): LiteralResult {
  const c = ctx.cursor
  c.pos++
  let out = ''
  let nil = false
  let useDefault = false
  for (;;) {
    if (c.eof) return { value: out, closed: false }
    const ch = c.text[c.pos]
    if (ch === '"') {
      c.pos++
      return { value: nil ? null : useDefault ? USE_DEFAULT : out, closed: true }
    }
    if (ch === '\\') {
      const next = c.text[c.pos + 1]
      if (next === undefined) {
        c.pos++
      } else if (isEol(next)) {
        c.pos += next === '\r' && c.text[c.pos + 2] === '\n' ? 3 : 2
      } else if (Object.hasOwn(ESCAPES, next)) {
        out += ESCAPES[next]
        c.pos += 2
      } else if (/[a-zA-Z0-9]/.test(next)) {
        ctx.diagnostics.errors.push(c.diagnostic(c.pos, `unknown escape \\${next} in a double-quoted string`, ESCAPES_HINT))
        c.pos += 2
      } else {
        out += next // a backslash before a symbol keeps the symbol, as in Fluentd
        c.pos += 2
      }
    } else if (ch === '#' && c.text[c.pos + 1] === '{') {
      const value = scanEmbedded(ctx)
      if (value === undefined) return { value: out, closed: false, aborted: true }
      if (value === null) nil = true
      else if (value === USE_DEFAULT) useDefault = true
      else out += value
    } else {
      out += ch
      c.pos++
    }
  }
}

/** Reads `'...'` starting at the opening quote: literal text except `\'` and `\\`. */
export function scanSingleQuoted(ctx: LiteralContext): LiteralResult {
  const c = ctx.cursor
  c.pos++
  let out = ''
  for (;;) {
    if (c.eof) return { value: out, closed: false }
    const ch = c.text[c.pos]
    if (ch === "'") {
      c.pos++
      return { value: out, closed: true }
    }
    if (ch === '\\' && (c.text[c.pos + 1] === "'" || c.text[c.pos + 1] === '\\')) {
      out += c.text[c.pos + 1]
      c.pos += 2
    } else {
      out += ch
      c.pos++
    }
  }
}

/**
 * Reads an unquoted value to the end of its line, stopping before trailing blanks and before a
 * `#` that follows a blank (a comment). A `#` right after other text, or first, is kept.
 */
export function scanBare(c: Cursor): string {
  const start = c.pos
  while (!c.eof && !isEol(c.text[c.pos])) {
    if (isBlank(c.text[c.pos]) && c.atLineEnd()) break
    c.pos++
  }
  return c.text.slice(start, c.pos)
}

/**
 * Evaluates `#{...}` at the cursor. Returns the value, or undefined when the code has no closing
 * `}` on its line (an error is recorded). Errors in the code are recorded and give ''.
 */
function scanEmbedded(ctx: LiteralContext): EmbeddedValue | undefined {
  const c = ctx.cursor
  const start = c.pos
  const end = findEmbeddedEnd(c.text, start + 2)
  if (end < 0) {
    ctx.diagnostics.errors.push(
      c.diagnostic(start, 'unterminated #{...} in a double-quoted string', 'close the embedded code with } on the same line'),
    )
    c.skipRestOfLine()
    return undefined
  }
  const code = c.text.slice(start + 2, end)
  c.pos = end + 1
  const result = evaluateEmbedded(code, ctx.embedded)
  if (!result.ok) {
    ctx.diagnostics.errors.push(c.diagnostic(start, result.reason, result.hint))
    return ''
  }
  for (const name of result.unsetEnv) {
    ctx.diagnostics.warnings.push(
      c.diagnostic(
        start,
        `environment variable ${name} is not set, so #{${code.trim()}} is nil and gives "" (as in Fluentd)`,
        `set ${name}, or give a fallback: #{ENV['${name}'] || 'default'} (or || use_default to keep the param's default); "" reads as true for a bool param`,
        { severity: 'warning' },
      ),
    )
  }
  return result.value
}

/** Offset of the `}` closing embedded code that starts at `from`, skipping quoted strings; -1 if none on the line. */
function findEmbeddedEnd(text: string, from: number): number {
  let depth = 0
  let quote = ''
  for (let i = from; i < text.length; i++) {
    const ch = text[i]
    if (isEol(ch)) return -1
    if (quote) {
      if (ch === '\\') i++
      else if (ch === quote) quote = ''
    } else if (ch === "'" || ch === '"') {
      quote = ch
    } else if (ch === '{') {
      depth++
    } else if (ch === '}') {
      if (depth === 0) return i
      depth--
    }
  }
  return -1
}

export type JsonResult = { ok: true; text: string } | { ok: false; unterminated: boolean; detail: string }

/**
 * Reads a JSON value starting at `[` or `{`, possibly over several lines; `#` outside strings starts
 * a comment, `#{...}` inside strings is evaluated. The result is the compact JSON text (whitespace
 * outside strings removed, numbers kept exactly as written), which is what Fluentd stores too.
 */
export function scanJson(ctx: LiteralContext): JsonResult {
  const c = ctx.cursor
  let out = '' // compact text
  let raw = '' // as written minus comments: what is validated
  let depth = 0
  let inString = false
  for (;;) {
    if (c.eof) return { ok: false, unterminated: true, detail: 'the input ends before the JSON value does' }
    const ch = c.text[c.pos]
    if (inString) {
      if (isEol(ch))
        return {
          ok: false,
          unterminated: false,
          detail: 'a JSON string must end on the line it starts',
        }
      if (ch === '\\') {
        out += c.text.slice(c.pos, c.pos + 2)
        raw += c.text.slice(c.pos, c.pos + 2)
        c.pos += 2
        continue
      }
      if (ch === '#' && c.text[c.pos + 1] === '{') {
        const value = scanEmbedded(ctx)
        if (value === undefined) return { ok: false, unterminated: false, detail: 'unterminated #{...}' }
        const escaped = typeof value === 'string' ? JSON.stringify(value).slice(1, -1) : ''
        out += escaped
        raw += escaped
        continue
      }
      if (ch === '"') inString = false
      out += ch
      raw += ch
      c.pos++
      continue
    }
    if (ch === '#') {
      c.skipRestOfLine()
      continue
    }
    if (ch === '<' && depth > 0 && lineIsBlankBefore(c)) {
      return { ok: false, unterminated: true, detail: 'a section tag follows before the JSON value ends' }
    }
    c.pos++
    raw += ch
    if (isBlank(ch) || isEol(ch)) continue
    out += ch
    if (ch === '"') inString = true
    else if (ch === '[' || ch === '{') depth++
    else if (ch === ']' || ch === '}') {
      depth--
      if (depth === 0) break
    }
  }
  try {
    JSON.parse(raw)
  } catch (error) {
    return { ok: false, unterminated: false, detail: error instanceof Error ? error.message : String(error) }
  }
  return { ok: true, text: out }
}

function lineIsBlankBefore(c: Cursor): boolean {
  for (let p = c.pos - 1; p >= 0 && !isEol(c.text[p]); p--) if (!isBlank(c.text[p])) return false
  return true
}
