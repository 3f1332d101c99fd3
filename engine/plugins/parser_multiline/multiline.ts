/**
 * @module The multiline parser: `format1`…`format20` (each `/…/`, no gaps) joined into one regexp
 * in which `.` matches newlines; parsing repeats on the text left after each match (one newline
 * skipped), so one text can give several records; text the regexp does not match is unmatched —
 * or, with `unmatched_lines`, a record `{"unmatched_line": text}` at the current time.
 */

import { ParserConfigError, type ParserEnv, RecordFinisher, TextParser } from '../../parser/common.ts'
import { compileRubyRegexp } from '../../ruby/regexp.ts'
import { capturesOf } from '../../parser/regexp-parser.ts'
import { groupNames } from '../../parser/patterns.ts'
import type { EntrySink, ParserStream } from '../../parser/types.ts'
import type { EventTime } from '../../event-time.ts'
import { MULTILINE_FORMAT_MAX, type ParserMultilineConfig } from '../../schemas/parser_multiline.ts'
import { MultilineStream } from './stream.ts'

/** A `/…/` param as a regexp source (Fluentd strips the slashes; flags are not allowed). */
function slashed(value: string, key: string): string {
  if (value.length < 2 || !value.startsWith('/') || !value.endsWith('/')) {
    throw new ParserConfigError(`format should be Regexp, need //, in ${key}: '${value}'`)
  }
  return value.slice(1, -1)
}

function compile(source: string, flags: string, key: string): RegExp {
  try {
    return compileRubyRegexp(source, flags, '', true)
  } catch (error) {
    throw new ParserConfigError(`Invalid regexp in ${key}: ${error instanceof Error ? error.message : String(error)}`)
  }
}

export class MultilineParser extends TextParser {
  private readonly regexp: RegExp
  private readonly names: string[]
  /** The first-line regexp, or null without format_firstline. */
  readonly firstline: RegExp | null
  private readonly unmatchedLines: boolean
  private readonly limit: number

  constructor(config: ParserMultilineConfig, env: ParserEnv) {
    super(new RecordFinisher(config), env, 'multiline', config.timeout)
    const parts: string[] = []
    let previous: string | null = null
    for (let i = 1; i <= MULTILINE_FORMAT_MAX; i++) {
      const format = config[`format${i}`] ?? null
      if (i > 1 && previous === null && format !== null)
        throw new ParserConfigError(`Jump of format index found. format${i - 1} is missing.`)
      previous = format
      if (format !== null) parts.push(slashed(format, `format${i}`))
    }
    const joined = parts.join('')
    this.regexp = compile(joined, 'm', 'formatN')
    this.names = groupNames(this.regexp)
    if (this.names.length === 0) throw new ParserConfigError(`Invalid regexp '${joined}': No named captures`)
    this.firstline =
      config.format_firstline === null ? null : compile(slashed(config.format_firstline, 'format_firstline'), '', 'format_firstline')
    this.unmatchedLines = config.unmatched_lines !== null
    this.limit = config.max_joined_size
  }

  /** Line-joining state for one source of lines. */
  newStream(): ParserStream {
    return new MultilineStream(this, this.limit)
  }

  /** Does `line` start a record? (always false without format_firstline) */
  isFirstline(line: string): boolean {
    return this.firstline?.test(line) ?? false
  }

  /** Parses joined lines for a stream: the records appended (the outcome is in lastError/lastFailure). */
  parseJoined(text: string, out: EntrySink, now: EventTime): number {
    return this.run(
      out,
      now,
      undefined,
      () => this.parseText(text),
      () => text,
    )
  }

  protected parseText(text: string): void {
    let rest = text
    for (;;) {
      const m = this.regexp.exec(rest)
      if (m === null) {
        if (this.unmatchedLines) this.emitAt(this.now, new Map([['unmatched_line', rest]]))
        else this.unmatched()
        return
      }
      this.emit(capturesOf(m, this.names))
      const after = m.index + m[0].length
      if (after === 0) {
        // A match of nothing at the start would repeat forever (Fluentd loops); the rest is unmatched.
        if (rest !== '') this.unmatched()
        return
      }
      rest = rest.slice(after)
      if (rest.startsWith('\n')) rest = rest.slice(1)
      if (rest === '') return
    }
  }
}
