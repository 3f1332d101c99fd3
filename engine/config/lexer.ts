/**
 * @module The cursor the .conf parser reads with: one file's text, a position, line/column
 * lookup, and the spacing / comment / line-end rules of Fluentd's v1 syntax.
 */
import { ConfigError, type SourcePosition } from './errors.ts'

/** Problems collected while reading; the parser keeps going after most of them. */
export interface Diagnostics {
  errors: ConfigError[]
  warnings: ConfigError[]
}

export function isBlank(c: string | undefined): boolean {
  return c === ' ' || c === '\t'
}

/** `\n`, or `\r` (alone or before `\n`): Fluentd's `[\r\n]`. */
export function isEol(c: string | undefined): boolean {
  return c === '\n' || c === '\r'
}

export function isWhitespace(c: string | undefined): boolean {
  return isBlank(c) || isEol(c)
}

/** A position in one config file, with the helpers the parser and literal scanners share. */
export class Cursor {
  pos = 0
  private readonly lineStarts: number[]

  constructor(
    readonly file: string,
    readonly text: string,
    readonly includedFrom: readonly SourcePosition[],
  ) {
    this.lineStarts = [0]
    for (let i = 0; i < text.length; i++) if (text[i] === '\n') this.lineStarts.push(i + 1)
  }

  get eof(): boolean {
    return this.pos >= this.text.length
  }

  peek(offset = 0): string | undefined {
    return this.text[this.pos + offset]
  }

  startsWith(s: string): boolean {
    return this.text.startsWith(s, this.pos)
  }

  /** 1-based line and column of a text offset. */
  lineCol(pos = this.pos): { line: number; column: number } {
    let lo = 0
    let hi = this.lineStarts.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if (this.lineStarts[mid] <= pos) lo = mid
      else hi = mid - 1
    }
    return { line: lo + 1, column: pos - this.lineStarts[lo] + 1 }
  }

  line(pos = this.pos): number {
    return this.lineCol(pos).line
  }

  /** Offset of the first character of the line after the one holding `pos` (or the end). */
  nextLineStart(pos = this.pos): number {
    const line = this.line(pos)
    return line < this.lineStarts.length ? this.lineStarts[line] : this.text.length
  }

  /** Skips spaces and tabs. */
  skipBlanks(): void {
    while (isBlank(this.peek())) this.pos++
  }

  /** Skips whitespace, newlines and `#` comments (Fluentd's SPACING, used between statements). */
  skipSpacing(): void {
    for (;;) {
      const c = this.peek()
      if (isWhitespace(c)) this.pos++
      else if (c === '#') this.skipRestOfLine()
      else return
    }
  }

  /** Moves to the end of the current line (before its line break). */
  skipRestOfLine(): void {
    while (!this.eof && !isEol(this.peek())) this.pos++
  }

  /** Moves past the line break that ends the current line. */
  skipLine(): void {
    this.pos = this.nextLineStart()
  }

  /**
   * Fluentd's LINE_END: optional blanks, an optional `#` comment, then a line break or the end.
   * Consumes it and returns true, or leaves the cursor and returns false.
   */
  lineEnd(): boolean {
    let p = this.pos
    while (isBlank(this.text[p])) p++
    if (this.text[p] === '#') while (p < this.text.length && !isEol(this.text[p])) p++
    if (p < this.text.length && !isEol(this.text[p])) return false
    this.pos = p
    this.skipSpacing()
    return true
  }

  /** True when blanks then a `#` comment or a line end follow `pos` (where an unquoted value stops). */
  atLineEnd(pos = this.pos): boolean {
    let p = pos
    while (isBlank(this.text[p])) p++
    return p >= this.text.length || isEol(this.text[p]) || (p > pos && this.text[p] === '#')
  }

  /** A diagnostic at `pos` (column included unless `withColumn` is false). */
  diagnostic(
    pos: number,
    reason: string,
    hint: string,
    options: { withColumn?: boolean; severity?: 'error' | 'warning' } = {},
  ): ConfigError {
    const { line, column } = this.lineCol(pos)
    return new ConfigError({
      file: this.file,
      line,
      column: options.withColumn === false ? undefined : column,
      reason,
      hint,
      includedFrom: this.includedFrom,
      severity: options.severity,
    })
  }

  /** Where `pos` is, as recorded in locations. */
  position(pos = this.pos): SourcePosition {
    const { line, column } = this.lineCol(pos)
    return { file: this.file, line, column }
  }
}
