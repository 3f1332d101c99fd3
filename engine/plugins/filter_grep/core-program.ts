/**
 * @module filter_grep's conditions as a program for the core's `grepEntries` (assembly/grep/grep.ts,
 * docs/core-abi.md §5), when every condition is a byte literal test: the compiled JS regexp (flags
 * `m`, maybe `i`/`s`) is alternatives of ASCII literals, each maybe anchored by `^`/`$` (JS line
 * anchors, as Ruby's are translated) or `\A`/`\z`, with an optional literal group `(a|b)` inside:
 * `/^debug$/`, `/^(info|warn)/`, `/error/i`, `/\.php$/`. Keys must be paths of map keys. The
 * outcomes for nil (a missing field too: `nil.to_s` is ""), `true` and `false` are the regexp's
 * own, computed here; integers are formatted by the core. Anything else → null (the JS pass).
 */

import * as abi from '../../../wasm/abi.ts'
import type { EncodedStep } from '../../records/field-scan.ts'
import type { Conditions, Expression } from './conditions.ts'

/** One literal alternative: GREP_* anchors and the ASCII text (lowercase when folding). */
export interface LiteralAlternative {
  anchors: number
  text: string
}

// What parseRegexp's translation makes of Ruby's \A and \z.
const TEXT_START = '(?<![\\s\\S])'
const TEXT_END = '(?![\\s\\S])'

/** Literal text from `from`: printable ASCII other than metacharacters, or `\` + ASCII punctuation. */
function literalAt(source: string, from: number): { text: string; end: number } {
  let text = ''
  let i = from
  while (i < source.length) {
    const c = source[i]
    if (c === '\\') {
      const next = source[i + 1]
      if (next === undefined || !/^[!-/:-@[-`{-~]$/.test(next)) break
      text += next
      i += 2
      continue
    }
    if (!/^[\x20-\x7e]$/.test(c) || '^$.|?*+()[]{}'.includes(c)) break
    text += c
    i++
  }
  return { text, end: i }
}

/** `source` split at top-level `|` (null when a bracket or group makes that unsafe to do by hand). */
function topLevelAlternatives(source: string): string[] | null {
  const out: string[] = []
  let depth = 0
  let from = 0
  let i = 0
  while (i < source.length) {
    const anchor = [TEXT_START, TEXT_END].find((a) => source.startsWith(a, i))
    if (anchor !== undefined) {
      i += anchor.length
      continue
    }
    const c = source[i]
    if (c === '\\') {
      i += 2
      continue
    }
    if (c === '[') return null
    if (c === '(') depth++
    else if (c === ')') depth--
    else if (c === '|' && depth === 0) {
      out.push(source.slice(from, i))
      from = i + 1
    }
    i++
  }
  out.push(source.slice(from))
  return out
}

/** One top-level alternative: anchors, a literal, an optional `(a|b)` / `(?:a|b)` group of literals, a literal. */
function alternative(source: string, lineAnchors: boolean): LiteralAlternative[] | null {
  let anchors = 0
  let s = source
  if (s.startsWith(TEXT_START)) {
    anchors |= abi.GREP_TEXT_START
    s = s.slice(TEXT_START.length)
  } else if (s.startsWith('^')) {
    anchors |= lineAnchors ? abi.GREP_LINE_START : abi.GREP_TEXT_START
    s = s.slice(1)
  }
  if (s.endsWith(TEXT_END)) {
    anchors |= abi.GREP_TEXT_END
    s = s.slice(0, -TEXT_END.length)
  } else if (s.endsWith('$') && !s.endsWith('\\$')) {
    anchors |= lineAnchors ? abi.GREP_LINE_END : abi.GREP_TEXT_END
    s = s.slice(0, -1)
  }
  const head = literalAt(s, 0)
  let middle = ['']
  let at = head.end
  if (s[at] === '(') {
    at += s.startsWith('(?:', at) ? 3 : 1
    middle = []
    for (;;) {
      const part = literalAt(s, at)
      middle.push(part.text)
      at = part.end
      if (s[at] === '|') at++
      else if (s[at] === ')') {
        at++
        break
      } else return null
    }
  }
  const tail = literalAt(s, at)
  if (tail.end !== s.length) return null
  return middle.map((m) => ({ anchors, text: head.text + m + tail.text }))
}

/** The literal alternatives equivalent to `regexp` (JS semantics), or null when it is not of that form. */
export function literalAlternatives(regexp: RegExp): LiteralAlternative[] | null {
  const flags = regexp.flags
  if (!/^[ims]*$/.test(flags)) return null
  const fold = flags.includes('i')
  const parts = topLevelAlternatives(regexp.source)
  if (parts === null) return null
  const out: LiteralAlternative[] = []
  for (const part of parts) {
    const alts = alternative(part, flags.includes('m'))
    if (alts === null) return null
    for (const a of alts) out.push(fold ? { anchors: a.anchors, text: a.text.toLowerCase() } : a)
  }
  return out
}

/** The program bytes for `conditions`, or null when a condition needs the JS pass. */
export function coreProgram(conditions: Conditions): Uint8Array | null {
  const words: number[] = []
  const groups: [number, Expression[]][] = [
    [abi.GREP_REGEXP_AND, conditions.regexpAnd],
    [abi.GREP_REGEXP_OR, conditions.regexpOr],
    [abi.GREP_EXCLUDE_AND, conditions.excludeAnd],
    [abi.GREP_EXCLUDE_OR, conditions.excludeOr],
  ]
  let count = 0
  words.push(0)
  for (const [group, expressions] of groups) {
    for (const e of expressions) {
      const path = conditions.paths[e.slot]
      if (path.length === 0 || path.some((step) => typeof step === 'number')) return null
      const alternatives = literalAlternatives(e.regexp)
      if (alternatives === null) return null
      const outcome = (text: string) => {
        e.regexp.lastIndex = 0
        return e.regexp.test(text)
      }
      let flags = e.regexp.flags.includes('i') ? abi.GREP_FOLD : 0
      if (outcome('')) flags |= abi.GREP_NIL_MATCHES
      if (outcome('true')) flags |= abi.GREP_TRUE_MATCHES
      if (outcome('false')) flags |= abi.GREP_FALSE_MATCHES
      words.push(group, flags, path.length)
      for (const step of path as Uint8Array[]) pushBytes(words, step)
      words.push(alternatives.length)
      for (const a of alternatives) {
        words.push(a.anchors)
        pushBytes(words, asciiBytes(a.text))
      }
      count++
    }
  }
  words[0] = count
  // Words in little-endian order, whatever the host's (the core reads little-endian).
  const out = new Uint8Array(words.length * 4)
  const view = new DataView(out.buffer)
  words.forEach((w, i) => view.setUint32(i * 4, w, true))
  return out
}

function asciiBytes(text: string): Uint8Array {
  const b = new Uint8Array(text.length)
  for (let i = 0; i < text.length; i++) b[i] = text.charCodeAt(i)
  return b
}

/** A length word, then the bytes packed 4 to a word (little-endian), zero-padded. */
function pushBytes(words: number[], bytes: EncodedStep & Uint8Array): void {
  words.push(bytes.length)
  for (let i = 0; i < bytes.length; i += 4) {
    words.push((bytes[i] | ((bytes[i + 1] ?? 0) << 8) | ((bytes[i + 2] ?? 0) << 16) | ((bytes[i + 3] ?? 0) << 24)) >>> 0)
  }
}
