/**
 * @module The rules of out_rewrite_tag_filter, as fluent-plugin-rewrite-tag-filter v2.4.0 applies
 * them: each record's `key` value as Ruby's `to_s` (a missing key is ""; invalid UTF-8 scrubbed to
 * `?` before matching); a non-inverted rule skips an empty value; the first rule that fires gives
 * the new tag: `$N` replaced by the captures (capitalized with capitalize_regex_backreference;
 * a missing group is empty), then the placeholders `${tag}` / `__TAG__`, `${tag_parts[N]}`,
 * `${hostname}` / `__HOSTNAME__` of the tag with `remove_tag_prefix` / `remove_tag_regexp` removed.
 * An unknown placeholder warns and becomes empty. Unlike v2.4.0, whose expression never matches
 * it (it stays in the tag as written), `__TAG_PARTS[N]__` is expanded too.
 */

import { ByteBuffer } from '../../formatter/byte-buffer.ts'
import { writeRubyToS } from '../../formatter/ruby-text.ts'
import type { Logger } from '../../log.ts'
import { encodePath, type EncodedStep, findPath } from '../../records/field-scan.ts'
import { parseRecordAccessor } from '../../records/record-accessor.ts'
import type { OutRewriteTagFilterConfig } from '../../schemas/out_rewrite_tag_filter.ts'

export interface Rule {
  path: EncodedStep[]
  regexp: RegExp
  invert: boolean
  tag: string
  label: string | null
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
const lenient = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true })

/** Checks the rules as the plugin's configure does; throws its messages. */
export function compileRules(config: OutRewriteTagFilterConfig): Rule[] {
  if (config.rule.length === 0) throw new Error('missing rewriterules')
  const names = new Set<string>()
  const rules: Rule[] = []
  for (const r of config.rule) {
    // v2.4.0 raises only when both forms hold a range (its check needs both); either is an error here.
    if (/\$\{tag_parts\[\d\.\.\.?\d\]\}|__TAG_PARTS\[\d\.\.\.?\d\]__/.test(r.tag)) {
      throw new Error(`\${tag_parts[n]} and __TAG_PARTS[n]__ placeholder does not support range specify at ${r.tag}`)
    }
    const name = `${r.key}${r.invert ? '!' : ''}${r.pattern.source}/${r.pattern.flags}`
    if (names.has(name)) throw new Error(`duplicated rewriterules found: key ${r.key}, pattern ${r.pattern.source}`)
    names.add(name)
    rules.push({
      path: encodePath(parseRecordAccessor(r.key).path),
      regexp: new RegExp(r.pattern.regexp.source, r.pattern.regexp.flags.replace(/[gy]/g, '')),
      invert: r.invert,
      tag: r.tag,
      label: r.label,
    })
  }
  if (config.remove_tag_prefix !== null && config.remove_tag_regexp !== null) {
    throw new Error('remove_tag_prefix and remove_tag_regexp are exclusive')
  }
  return rules
}

/** The regexp removing the tag prefix, if any (`remove_tag_prefix p` is /^p\.?/). */
export function tagPrefixRegexp(config: OutRewriteTagFilterConfig): RegExp | null {
  if (config.remove_tag_prefix !== null) return new RegExp(`^${config.remove_tag_prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.?`)
  if (config.remove_tag_regexp !== null)
    return new RegExp(config.remove_tag_regexp.regexp.source, config.remove_tag_regexp.regexp.flags.replace(/[gy]/g, ''))
  return null
}

/** The placeholders of an incoming tag. */
export function placeholders(tag: string, removeTag: RegExp | null, hostname: string): Map<string, string> {
  const t = removeTag === null ? tag : tag.replace(removeTag, '')
  const map = new Map<string, string>([
    ['__HOSTNAME__', hostname],
    ['${hostname}', hostname],
    ['__TAG__', t],
    ['${tag}', t],
  ])
  t.split('.').forEach((part, i) => {
    map.set(`\${tag_parts[${i}]}`, part)
    map.set(`__TAG_PARTS[${i}]__`, part)
  })
  return map
}

const PLACEHOLDER = /\$\{[a-z_]+(?:\[[0-9]+\])?\}|__TAG_PARTS\[[0-9]+\]__|__[A-Z_]+__/g

/** Ruby's String#capitalize for the ASCII and Unicode letters JS knows. */
function capitalize(s: string): string {
  return s.length === 0 ? s : s[0].toUpperCase() + s.slice(1).toLowerCase()
}

/** Reads the record's values and picks the new tag and label; null when no rule fires. */
export class RuleSet {
  private readonly scratch = new ByteBuffer(256)

  constructor(
    private readonly rules: readonly Rule[],
    private readonly capitalizeBackreference: boolean,
    private readonly log: Logger,
  ) {}

  /** `record[key].to_s`, invalid UTF-8 scrubbed to `?` (as the plugin does before matching). */
  private value(b: Uint8Array, start: number, path: EncodedStep[]): string {
    const at = findPath(b, start, path)
    if (at < 0) return ''
    this.scratch.reset()
    writeRubyToS(this.scratch, b, at)
    const bytes = this.scratch.view()
    try {
      return utf8.decode(bytes)
    } catch {
      return lenient.decode(bytes).replace(/\uFFFD/g, '?')
    }
  }

  rewrite(tag: string, b: Uint8Array, start: number, places: Map<string, string>): { tag: string; label: string | null } | null {
    for (const rule of this.rules) {
      const value = this.value(b, start, rule.path)
      if (value === '' && !rule.invert) continue
      const match = rule.regexp.exec(value)
      let newTag = rule.tag
      if (rule.invert) {
        if (match !== null) continue
      } else {
        if (match === null) continue
        newTag = newTag.replace(/\$\d+/g, (ref) => {
          const group = match[Number(ref.slice(1))]
          if (Number(ref.slice(1)) === 0 || group === undefined) return ''
          return this.capitalizeBackreference ? capitalize(group) : group
        })
      }
      newTag = newTag.replace(PLACEHOLDER, (p) => {
        const value = places.get(p)
        if (value === undefined) {
          this.log.warn(`rewrite_tag_filter: unknown placeholder found. :placeholder=>${p} :tag=>${tag} :rewritetag=>${newTag}`)
          return ''
        }
        return value
      })
      return { tag: newTag, label: rule.label }
    }
    return null
  }
}
