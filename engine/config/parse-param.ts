/**
 * @module Parses one `key value` line of a .conf: the key, the value (unquoted, quoted, JSON),
 * the reserved `@` names, and where the param is recorded.
 */
import { USE_DEFAULT, type EmbeddedValue } from './embedded.ts'
import { isEol, type Cursor, type Diagnostics } from './lexer.ts'
import { scanBare, scanDoubleQuoted, scanJson, scanSingleQuoted, type LiteralContext } from './literals.ts'
import { deleteParam, hasParam, RESERVED_PARAMS, setParam, type ConfigElement } from './model.ts'
import type { Parser } from './parse.ts'
import { closest } from './suggest.ts'

/** What a statement parser sees: the file cursor and the section statements go into. */
export interface StatementContext {
  parser: Parser
  cursor: Cursor
  /** The innermost open section (or the element the file is read into). */
  current(): ConfigElement
  /** Its name, or null at the top of the main file. */
  currentName(): string | null
  /** True outside any section opened in this file (Fluentd's "root element" of a file). */
  atFileTop(): boolean
}

/** Where Fluentd rejects (not just warns about) unknown `@` params, besides the top of a file. */
const STRICT_AT_SECTIONS = ['match', 'source', 'filter', 'system']

/** Parses `key value` at the cursor, records the param, and leaves the cursor at the next line. */
export function parseParamLine(ctx: StatementContext): void {
  const { cursor, parser } = ctx
  const start = cursor.pos
  const key = readKey(ctx)
  if (key === null) return
  cursor.skipBlanks()
  if (key === '@include') {
    parser.include(ctx)
    return
  }
  let keep = true
  if (key.startsWith('@') && !RESERVED_PARAMS.includes(key)) {
    const name = ctx.currentName()
    const strict = ctx.atFileTop() || (name !== null && STRICT_AT_SECTIONS.includes(name))
    const suggestion = closest(key, RESERVED_PARAMS)
    const guess = suggestion ? ` (did you mean ${suggestion}?)` : ''
    const hint = `names starting with @ are reserved for ${RESERVED_PARAMS.join(', ')}${guess}`
    if (strict) {
      parser.diagnostics.errors.push(cursor.diagnostic(start, `unknown reserved param ${key}`, hint, { withColumn: false }))
      keep = false
    } else {
      parser.diagnostics.warnings.push(
        cursor.diagnostic(
          start,
          `param ${key} uses the reserved @ prefix`,
          `${hint}; Fluentd accepts it in nested sections for now but plans to reject it`,
          { withColumn: false, severity: 'warning' },
        ),
      )
    }
  }
  const value = cursor.eof || isEol(cursor.peek()) ? '' : readValue(ctx, key)
  cursor.skipSpacing()
  if (value === undefined || !keep) return
  recordParam(ctx, key, value, start)
}

/** Reads a key: unquoted up to whitespace, or quoted. Returns null after reporting an error. */
function readKey(ctx: StatementContext): string | null {
  const { cursor } = ctx
  const q = cursor.peek()
  if (q !== '"' && q !== "'") {
    const start = cursor.pos
    while (!cursor.eof && !/[ \t\r\n]/.test(cursor.peek()!)) cursor.pos++
    return cursor.text.slice(start, cursor.pos)
  }
  const start = cursor.pos
  const result = readQuoted(ctx, q, 'key')
  if (result === undefined) return null
  if (!/^[ \t\r\n]/.test(cursor.peek() ?? '\n')) {
    ctx.parser.diagnostics.errors.push(
      cursor.diagnostic(cursor.pos, 'unexpected text after a quoted key', 'separate the key and the value with a space'),
    )
    cursor.pos = start
    cursor.skipLine()
    return null
  }
  return typeof result === 'string' ? result : ''
}

/**
 * Reads the value at the cursor. Returns undefined after reporting an error (the cursor is then at
 * the start of the line to resume from).
 */
function readValue(ctx: StatementContext, key: string): EmbeddedValue | undefined {
  const { cursor, parser } = ctx
  const first = cursor.peek()!
  const start = cursor.pos
  if (first === '[' || first === '{') {
    const kind = first === '[' ? 'array' : 'object'
    const asString = `quote the value (e.g. "${first}...") to keep it a plain string`
    const result = scanJson(literalContext(ctx, parser.diagnostics))
    if (!result.ok) {
      if (result.unterminated) {
        parser.diagnostics.errors.push(
          cursor.diagnostic(
            start,
            `unterminated JSON ${kind} in the value of ${key}`,
            `close it with ${first === '[' ? ']' : '}'}; ` + `a value that starts with ${first} is read as JSON, ${asString}`,
          ),
        )
        cursor.pos = start
      } else {
        parser.diagnostics.errors.push(
          cursor.diagnostic(
            start,
            `invalid JSON ${kind} in the value of ${key}: ${result.detail}`,
            `a value that starts with ${first} is read as JSON; ${asString}`,
          ),
        )
      }
      cursor.skipLine()
      return undefined
    }
    return expectLineEnd(ctx, 'the JSON value', key) ? result.text : undefined
  }
  if (first === '"' || first === "'") {
    const value = readQuoted(ctx, first, 'value', key)
    if (value === undefined) return undefined
    return expectLineEnd(ctx, 'the quoted value', key) ? value : undefined
  }
  const value = scanBare(cursor)
  if (value.includes('#{')) {
    parser.diagnostics.warnings.push(
      cursor.diagnostic(
        start,
        `#{...} in the value of ${key} stays literal text: embedded code is evaluated only inside double quotes`,
        `write ${key} "${value}" to evaluate it`,
        { severity: 'warning' },
      ),
    )
  } else if (value.startsWith('#')) {
    parser.diagnostics.warnings.push(
      cursor.diagnostic(
        start,
        `the value of ${key} starts with '#', which Fluentd reads as part of the value, not as a comment`,
        `quote it ("${value}") to make that explicit, or remove it`,
        { severity: 'warning' },
      ),
    )
  }
  return value
}

/**
 * Reads a quoted string. A string may span lines, but when the text after a multi-line string's
 * closing quote does not end the line, the quote was most likely never closed: that is reported
 * at the opening quote and reading resumes on the next line.
 */
function readQuoted(ctx: StatementContext, quote: '"' | "'", what: string, key?: string): EmbeddedValue | undefined {
  const { cursor, parser } = ctx
  const start = cursor.pos
  const pending: Diagnostics = { errors: [], warnings: [] }
  const lit = literalContext(ctx, pending)
  const result = quote === '"' ? scanDoubleQuoted(lit) : scanSingleQuoted(lit)
  if (result.aborted) {
    commit(parser.diagnostics, pending)
    cursor.skipLine()
    return undefined
  }
  const multiLine = cursor.line(start) !== cursor.line()
  if (!result.closed || (multiLine && (key === undefined || !endsLine(cursor)))) {
    const kind = quote === '"' ? 'double' : 'single'
    const of = key === undefined ? what : `${what} of ${key}`
    const next = result.closed ? `the next ${quote} is on line ${cursor.line()}` : `there is no other ${quote} in the file`
    parser.diagnostics.errors.push(
      cursor.diagnostic(
        start,
        `unterminated ${kind}-quoted string in the ${of}`,
        `add the closing ${quote} (a quoted value may span lines; ${next})`,
      ),
    )
    cursor.pos = start
    cursor.skipLine()
    return undefined
  }
  commit(parser.diagnostics, pending)
  return result.value
}

function endsLine(cursor: Cursor): boolean {
  const save = cursor.pos
  const ok = cursor.lineEnd()
  cursor.pos = save
  return ok
}

function expectLineEnd(ctx: StatementContext, what: string, key: string): boolean {
  const { cursor } = ctx
  if (cursor.lineEnd()) return true
  cursor.skipBlanks()
  ctx.parser.diagnostics.errors.push(
    cursor.diagnostic(
      cursor.pos,
      `unexpected text after ${what} of ${key}`,
      'a value must end its line; a comment needs whitespace then #',
    ),
  )
  cursor.skipLine()
  return false
}

function recordParam(ctx: StatementContext, key: string, value: EmbeddedValue, start: number): void {
  const { cursor, parser } = ctx
  const element = ctx.current()
  const loc = parser.locs.get(element)!
  if (value === null || value === USE_DEFAULT) {
    deleteParam(element, key)
    loc.params.delete(key)
    return
  }
  const first = loc.params.get(key)
  if (hasParam(element, key) && first) {
    const where = first.file === cursor.file ? `line ${first.line}` : `${first.file}:${first.line}`
    parser.diagnostics.warnings.push(
      cursor.diagnostic(
        start,
        `${key} is set twice in <${element.name}> (first at ${where}); the last value is used`,
        'remove one of them',
        { withColumn: false, severity: 'warning' },
      ),
    )
  }
  setParam(element, key, value)
  loc.params.set(key, { ...cursor.position(start), includedFrom: cursor.includedFrom })
}

function literalContext(ctx: StatementContext, diagnostics: Diagnostics): LiteralContext {
  return { cursor: ctx.cursor, embedded: ctx.parser.embedded, diagnostics }
}

function commit(into: Diagnostics, from: Diagnostics): void {
  into.errors.push(...from.errors)
  into.warnings.push(...from.warnings)
}
