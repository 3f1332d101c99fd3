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
import { RecordWriter } from './record-writer.ts'
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
  /** Without conversions (`types`, null patterns): each name as a msgpack str, for records written straight from the match. */
  private readonly keys: Uint8Array[] | null
  /** The capture of each name in the last match (undefined: it took no part). */
  private readonly values: (string | undefined)[]
  /** Where the time key is in `names` (−1: not a capture). */
  private readonly timeIndex: number

  constructor(config: RegexpParseConfig, env: ParserEnv, type = 'regexp') {
    super(new RecordFinisher(config), env, type, config.timeout)
    ;({ regexp: this.regexp, names: this.names } = compileExpression(config))
    const writer = new RecordWriter()
    this.keys = this.finisher.converts ? null : this.names.map((name) => writer.bytes().slice(0, writer.encode(name)))
    this.values = this.names.map(() => undefined)
    this.timeIndex = this.finisher.timeKey === null ? -1 : this.names.indexOf(this.finisher.timeKey)
  }

  protected parseText(text: string): void {
    const m = this.regexp.exec(text)
    if (m === null) return this.unmatched()
    if (this.keys === null) return this.emit(capturesOf(m, this.names))
    // The record capturesOf + emit would build, written straight from the captures.
    const groups = m.groups!
    const { names, values } = this
    for (let i = 0; i < names.length; i++) values[i] = groups[names[i]]
    const t = this.timeIndex
    if (t >= 0 && values[t] !== undefined) {
      const time = this.finisher.parseTime(values[t], this.now)
      return this.emitStringPairs(time, this.keys, values, this.finisher.keepTimeKey ? -1 : t)
    }
    this.emitStringPairs(null, this.keys, values, -1)
  }
}
