/**
 * @module Fluentd's RegexpParser (parser_regexp, and the parsers that are one with a default
 * expression: apache_error, nginx, apache; multiline builds on it): named captures become string
 * fields in the order the regexp names them, groups that did not take part are left out, then the
 * time field and the conversions apply.
 */

import type { RegexpValue } from '../config/types.ts'
import { ParserConfigError, type ParserEnv, RecordFinisher, TextParser } from './common.ts'
import type { CommonParseConfig } from './params.ts'
import { groupNames, rubyRegexp } from './patterns.ts'
import type { ParsedRecord } from './values.ts'

export interface RegexpParseConfig extends CommonParseConfig {
  expression: RegexpValue
  ignorecase?: boolean
  multiline?: boolean
}

/** The compiled expression of a regexp config (deprecated `ignorecase`/`multiline` still add their flags, as Fluentd's code does). */
export function compileExpression(config: RegexpParseConfig): { regexp: RegExp; names: string[] } {
  let flags = config.expression.flags
  if (config.ignorecase && !flags.includes('i')) flags += 'i'
  if (config.multiline && !flags.includes('m')) flags += 'm'
  let regexp: RegExp
  try {
    regexp = rubyRegexp({ ...config.expression, flags })
  } catch (error) {
    throw new ParserConfigError(`invalid expression: ${error instanceof Error ? error.message : String(error)}`)
  }
  const names = groupNames(regexp)
  if (names.length === 0) {
    throw new ParserConfigError("No named captures in 'expression' parameter. The regexp must have at least one named capture")
  }
  return { regexp, names }
}

/** The named captures of a match, as Fluentd builds the record. */
export function capturesOf(m: RegExpExecArray, names: readonly string[]): ParsedRecord {
  const record: ParsedRecord = new Map()
  const groups = m.groups!
  for (const name of names) {
    const value = groups[name]
    if (value !== undefined) record.set(name, value)
  }
  return record
}

export class RegexpParser extends TextParser {
  private readonly regexp: RegExp
  private readonly names: string[]

  constructor(config: RegexpParseConfig, env: ParserEnv, type = 'regexp') {
    super(new RecordFinisher(config), env, type, config.timeout)
    ;({ regexp: this.regexp, names: this.names } = compileExpression(config))
  }

  protected parseText(text: string): void {
    const m = this.regexp.exec(text)
    if (m === null) return this.unmatched()
    this.emit(capturesOf(m, this.names))
  }
}
