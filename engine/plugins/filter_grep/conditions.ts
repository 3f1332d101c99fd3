/**
 * @module filter_grep's conditions, built from the config exactly as Fluentd's GrepFilter does:
 * four groups keyed by field (regexp-and, regexp-or, exclude-and, exclude-or), duplicates are config
 * errors, and a record is kept unless a regexp-and fails, no regexp-or matches, every exclude-and
 * matches, or an exclude-or matches. Each field is read at most once per record.
 */

import { parseRegexp } from '../../config/types.ts'
import { REGEXP_MAX_NUM, type ConditionConfig, type GrepConfig } from '../../schemas/filter_grep.ts'
import { encodePath, findPath, type EncodedStep } from '../../records/field-scan.ts'
import { parseRecordAccessor } from '../../records/record-accessor.ts'
import { compileByteTest, type ByteTest } from '../../records/byte-match.ts'
import { StringCache } from '../../records/string-cache.ts'
import { valueToS } from '../../records/value-to-s.ts'

export interface Expression {
  key: string
  regexp: RegExp
  /** The pattern as written (`/^debug$/`), for explanations. */
  written: string
  /** Index of the field in GrepMatcher's per-record value cache. */
  slot: number
}

export interface Conditions {
  regexpAnd: Expression[]
  regexpOr: Expression[]
  excludeAnd: Expression[]
  excludeOr: Expression[]
  /** One encoded path per distinct key, indexed by slot. */
  paths: EncodedStep[][]
}

/** Builds the conditions; throws an Error with Fluentd's message on an invalid config. */
export function compileConditions(config: GrepConfig): Conditions {
  const slots = new Map<string, number>()
  const paths: EncodedStep[][] = []
  const slotOf = (key: string): number => {
    let slot = slots.get(key)
    if (slot === undefined) {
      slot = paths.length
      paths.push(encodePath(parseRecordAccessor(key).path))
      slots.set(key, slot)
    }
    return slot
  }
  const regexpAnd = new Map<string, Expression>()
  const regexpOr = new Map<string, Expression>()
  const excludeAnd = new Map<string, Expression>()
  const excludeOr = new Map<string, Expression>()
  const add = (group: Map<string, Expression>, key: string, regexp: RegExp, duplicate: string, written: string) => {
    if (group.has(key)) throw new Error(duplicate)
    group.set(key, { key, regexp, slot: slotOf(key), written })
  }
  const shown = (p: { source: string; flags: string }) => `/${p.source}/${p.flags}`

  for (const [prefix, group] of [
    ['regexp', regexpAnd],
    ['exclude', excludeOr],
  ] as const) {
    for (let i = 1; i <= REGEXP_MAX_NUM; i++) {
      const written = config[`${prefix}${i}`]
      if (typeof written !== 'string') continue
      const space = written.indexOf(' ')
      if (space < 0) throw new Error(`${prefix}${i} does not contain 2 parameters`)
      const key = written.slice(0, space)
      const parsed = parseRegexp(written.slice(space + 1))
      if (!parsed.ok) throw new Error(`${prefix}${i}: ${parsed.reason}`)
      add(group, key, parsed.value.regexp, `${prefix}${i} contains a duplicated key, ${key}`, shown(parsed.value))
    }
  }
  for (const c of config.regexp) add(regexpAnd, c.key, c.pattern.regexp, `Duplicate key: ${c.key}`, shown(c.pattern))
  for (const c of config.exclude) add(excludeOr, c.key, c.pattern.regexp, `Duplicate key: ${c.key}`, shown(c.pattern))
  const groups = (sections: { regexp: ConditionConfig[]; exclude: ConditionConfig[] }[], name: 'and' | 'or') => {
    for (const section of sections) {
      if (section.regexp.length > 0 && section.exclude.length > 0) {
        throw new Error(`Do not specify both <regexp> and <exclude> in <${name}>`)
      }
      for (const c of section.regexp)
        add(name === 'and' ? regexpAnd : regexpOr, c.key, c.pattern.regexp, `Duplicate key in <${name}>: ${c.key}`, shown(c.pattern))
      for (const c of section.exclude)
        add(name === 'and' ? excludeAnd : excludeOr, c.key, c.pattern.regexp, `Duplicate key in <${name}>: ${c.key}`, shown(c.pattern))
    }
  }
  groups(config.and, 'and')
  groups(config.or, 'or')
  return {
    regexpAnd: [...regexpAnd.values()],
    regexpOr: [...regexpOr.values()],
    excludeAnd: [...excludeAnd.values()],
    excludeOr: [...excludeOr.values()],
    paths,
  }
}

/**
 * Decides per record from its msgpack bytes. A missing field is nil, and `nil.to_s` is "" — so,
 * exactly as in Fluentd, a missing key does not match /error/ but does match /^$/ (and any
 * pattern that matches the empty string). Each field is looked up once per record; string values
 * are tested on their bytes when the pattern is a plain literal or `.` (byte-match.ts), else short
 * ones go through a per-field StringCache (decoded text and regexp outcomes by value bytes).
 */
export class GrepMatcher {
  private readonly paths: EncodedStep[][]
  /** Per field: the value's position in the current record; NOT_READ until looked up, -1 missing. */
  private readonly positions: Int32Array
  /** Per field: the current record's value as text, for values the cache does not hold. */
  private readonly texts: (string | undefined)[]
  private readonly caches: StringCache[]
  private readonly indexes = new Map<Expression, number>()
  private bytes: Uint8Array = new Uint8Array(0)
  private record = 0

  constructor(readonly conditions: Conditions) {
    this.paths = conditions.paths
    const n = conditions.paths.length
    this.positions = new Int32Array(n)
    this.texts = new Array<string | undefined>(n).fill(undefined)
    const all = [...conditions.regexpAnd, ...conditions.regexpOr, ...conditions.excludeAnd, ...conditions.excludeOr]
    all.forEach((e, i) => this.indexes.set(e, i))
    this.caches = Array.from({ length: n }, () => new StringCache(all.length))
    this.regexpAnd = conditions.regexpAnd.map((e) => this.indexed(e))
    this.regexpOr = conditions.regexpOr.map((e) => this.indexed(e))
    this.excludeAnd = conditions.excludeAnd.map((e) => this.indexed(e))
    this.excludeOr = conditions.excludeOr.map((e) => this.indexed(e))
  }

  private readonly regexpAnd: IndexedExpression[]
  private readonly regexpOr: IndexedExpression[]
  private readonly excludeAnd: IndexedExpression[]
  private readonly excludeOr: IndexedExpression[]

  private indexed(e: Expression): IndexedExpression {
    return { regexp: e.regexp, slot: e.slot, index: this.indexes.get(e)!, bytes: compileByteTest(e.regexp) }
  }

  /** True when the record (a map at `recordStart` in `bytes`) is kept. */
  keep(bytes: Uint8Array, recordStart: number): boolean {
    this.bytes = bytes
    this.record = recordStart
    this.positions.fill(NOT_READ)
    for (let i = 0; i < this.texts.length; i++) this.texts[i] = undefined
    const regexpAnd = this.regexpAnd
    for (let i = 0; i < regexpAnd.length; i++) if (!this.test(regexpAnd[i])) return false
    const regexpOr = this.regexpOr
    if (regexpOr.length > 0) {
      let any = false
      for (let i = 0; i < regexpOr.length; i++)
        if (this.test(regexpOr[i])) {
          any = true
          break
        }
      if (!any) return false
    }
    const excludeAnd = this.excludeAnd
    if (excludeAnd.length > 0) {
      let all = true
      for (let i = 0; i < excludeAnd.length; i++)
        if (!this.test(excludeAnd[i])) {
          all = false
          break
        }
      if (all) return false
    }
    const excludeOr = this.excludeOr
    for (let i = 0; i < excludeOr.length; i++) if (this.test(excludeOr[i])) return false
    return true
  }

  /**
   * Every condition tested on one record, in Fluentd's order, with the value read and whether it
   * matched; the verdict is `keep`'s own. For the designer's trace (never on the data path).
   */
  explain(bytes: Uint8Array, recordStart: number): { kept: boolean; checks: GrepCheck[] } {
    const kept = this.keep(bytes, recordStart)
    const checks: GrepCheck[] = []
    const groups: [string, IndexedExpression[], Expression[]][] = [
      ['<regexp>', this.regexpAnd, this.conditions.regexpAnd],
      ['<or><regexp>', this.regexpOr, this.conditions.regexpOr],
      ['<and><exclude>', this.excludeAnd, this.conditions.excludeAnd],
      ['<exclude>', this.excludeOr, this.conditions.excludeOr],
    ]
    for (const [section, indexed, written] of groups) {
      indexed.forEach((e, i) => {
        this.bytes = bytes
        this.record = recordStart
        const matched = this.test(e)
        const p = this.positions[e.slot]
        checks.push({ section, key: written[i].key, pattern: written[i].written, value: p >= 0 ? valueToS(bytes, p) : null, matched })
      })
    }
    return { kept, checks }
  }

  private test(e: IndexedExpression): boolean {
    const b = this.bytes
    let p = this.positions[e.slot]
    if (p === NOT_READ) {
      p = findPath(b, this.record, this.paths[e.slot])
      this.positions[e.slot] = p
    }
    if (p >= 0) {
      const h = b[p]
      let len = -1
      let start = 0
      if (h >= 0xa0 && h <= 0xbf) {
        len = h & 0x1f
        start = p + 1
      } else if (h === 0xd9 || h === 0xc4) {
        len = b[p + 1]
        start = p + 2
      } else if (h === 0xda || h === 0xc5) {
        len = (b[p + 1] << 8) | b[p + 2]
        start = p + 3
      }
      if (len >= 0 && e.bytes !== null) return e.bytes(b, start, len)
      if (len >= 0 && StringCache.fits(len)) {
        const cache = this.caches[e.slot]
        const entry = cache.entry(b, start, len)
        const k = entry * cache.expressions + e.index
        let r = cache.results[k]
        if (r < 0) {
          r = e.regexp.test(cache.text(entry)) ? 1 : 0
          cache.results[k] = r
        }
        return r === 1
      }
    }
    let text = this.texts[e.slot]
    if (text === undefined) {
      text = valueToS(b, p)
      this.texts[e.slot] = text
    }
    return e.regexp.test(text)
  }
}

/** One grep condition as tested on a record (GrepMatcher.explain). */
export interface GrepCheck {
  /** `<regexp>`, `<exclude>`, `<or><regexp>`, `<and><exclude>`. */
  section: string
  key: string
  pattern: string
  /** The field's value as text (Ruby's to_s); null when the field is missing (nil). */
  value: string | null
  matched: boolean
}

interface IndexedExpression {
  regexp: RegExp
  slot: number
  /** Position among all expressions (the column in the string caches' outcome table). */
  index: number
  /** The same test on UTF-8 bytes, for simple patterns (no decode needed). */
  bytes: ByteTest | null
}

const NOT_READ = -2
