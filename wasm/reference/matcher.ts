/**
 * @module The slow, obviously-correct tag matcher (the test oracle): turns each `<match>` /
 * `<filter>` pattern into a JavaScript RegExp the way Fluentd's lib/fluent/match.rb
 * (GlobMatchPattern) builds its Ruby Regexp, and walks route tables like Fluentd's EventRouter.
 *
 * Globs match byte-wise: patterns and tags given as strings are UTF-8 encoded, and every byte
 * becomes one char (latin1), so a tag given as bytes is never decoded (for valid UTF-8 this is the
 * same as Ruby's char-wise match). Ruby's `.` matches any char but "\n" (JavaScript's also refuses
 * "\r"), so `**` is written `[^\n]*`; Ruby's `\A` is `^` and `\Z` (end, or before a final "\n")
 * is `(?=\n?$)`. `/re/` alternatives are JavaScript RegExps run on the tag decoded as UTF-8.
 */
import type { Matcher, Route, RouteRule, RouteTable } from '../types.ts'

/** A string's UTF-8 bytes (or the bytes given) as one char per byte. */
export function byteString(text: string | Uint8Array): string {
  const bytes = typeof text === 'string' ? new TextEncoder().encode(text) : text
  let s = ''
  for (const b of bytes) s += String.fromCharCode(b)
  return s
}

/** Ruby's `\s` (the config parser splits and strips directive arguments on these). */
const RUBY_SPACE = /[ \t\n\v\f\r]+/
const END = '(?=\\n?$)'

/** `[a-zA-Z0-9_]` stays as is, any other char is escaped (a backslash before any other char is a literal in a non-unicode RegExp). */
function literal(c: string): string {
  return /^[a-zA-Z0-9_]$/.test(c) ? c : `\\${c}`
}

/** Ruby's `Regexp.union(*alternatives.map { |r| Regexp.new(r) }).to_s`, as a JavaScript group. */
function union(alternatives: string[]): string {
  return `(?:${alternatives.map((r) => `(?:${r})`).join('|')})`
}

/**
 * The RegExp source of one glob pattern (not `**` alone, not `/re/`), following match.rb's loop:
 * a stack of `{...}` alternatives, a pending `.` written only before the next char that is not
 * `**` (so a trailing `.` is dropped), `\c` a literal. An unclosed `{` is closed at the end as if
 * `}` followed (docs/core-abi.md §3; see the clarification there about Ruby's own behaviour).
 */
export function globToRegExpSource(pattern: string): string {
  const stack: string[][] = []
  const regex: string[] = ['']
  const append = (piece: string): void => {
    regex[regex.length - 1] += piece
  }
  let escape = false
  let dot = false

  let i = 0
  while (i < pattern.length) {
    const c = pattern[i]

    if (escape) {
      append(literal(c))
      escape = false
      i += 1
      continue
    } else if (pattern.startsWith('**', i)) {
      // Recursive any.
      if (dot) {
        append('(?![^.])')
        dot = false
      }
      if (pattern[i + 2] === '.') {
        append('(?:[^\\n]*\\.|^)')
        i += 3
      } else {
        append('[^\\n]*')
        i += 2
      }
      continue
    } else if (dot) {
      append('\\.')
      dot = false
    }

    if (c === '\\') {
      escape = true
    } else if (c === '.') {
      dot = true
    } else if (c === '*') {
      append('[^.]*')
    } else if (c === '{') {
      stack.push([])
      regex.push('')
    } else if (c === '}' && stack.length > 0) {
      stack[stack.length - 1].push(regex.pop()!)
      append(union(stack.pop()!))
    } else if (c === ',' && stack.length > 0) {
      stack[stack.length - 1].push(regex.pop()!)
      regex.push('')
    } else {
      append(literal(c))
    }
    i += 1
  }

  while (stack.length > 0) {
    stack[stack.length - 1].push(regex.pop()!)
    append(union(stack.pop()!))
  }
  return `^${regex[regex.length - 1]}${END}`
}

/**
 * One alternative of a directive's argument: match-all, a glob's RegExp over byte strings, or a
 * `/re/` RegExp over the tag as text.
 */
export type CompiledPattern = { kind: 'all' } | { kind: 'glob'; regexp: RegExp } | { kind: 'regex'; regexp: RegExp }

/**
 * `MatchPattern.create`: `**` matches all, `/re/` (at least 2 chars) is a regular expression
 * anchored like Ruby's `\A(?:re)\Z`, anything else a glob (compiled from its UTF-8 bytes).
 */
export function compileAlternative(alternative: string): CompiledPattern {
  if (alternative === '**') return { kind: 'all' }
  if (alternative.length >= 2 && alternative.startsWith('/') && alternative.endsWith('/')) {
    return { kind: 'regex', regexp: new RegExp(`^(?:${alternative.slice(1, -1)})${END}`) }
  }
  return { kind: 'glob', regexp: new RegExp(globToRegExpSource(byteString(alternative))) }
}

/** The tag as one char per byte (for globs) and as UTF-8 text (for `/re/`). */
function subjects(tag: string | Uint8Array): { bytes: string; text: string } {
  return typeof tag === 'string' ? { bytes: byteString(tag), text: tag } : { bytes: byteString(tag), text: new TextDecoder().decode(tag) }
}

/**
 * A directive's argument: alternatives separated by Ruby's whitespace (`[ \t\n\v\f\r]`; leading
 * and trailing whitespace ignored, as Fluentd's config parser strips it), OR-ed; empty means `**`.
 */
export function compilePattern(pattern: string): (tag: string | Uint8Array) => boolean {
  const trimmed = pattern.replace(/^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g, '')
  const alternatives = (trimmed === '' ? '**' : trimmed).split(RUBY_SPACE).map(compileAlternative)
  return (tag) => {
    const subject = subjects(tag)
    return alternatives.some((a) => a.kind === 'all' || a.regexp.test(a.kind === 'glob' ? subject.bytes : subject.text))
  }
}

/** The reference matcher: an ordered rule list; matching filters accumulate, the first matching match ends the walk. */
export const referenceMatcher: Matcher = {
  compile(rules: readonly RouteRule[]): RouteTable {
    const compiled = rules.map((rule) => ({ kind: rule.kind, matches: compilePattern(rule.pattern) }))
    return {
      lookup(tag: string | Uint8Array): Route {
        const filters: number[] = []
        for (let index = 0; index < compiled.length; index++) {
          if (!compiled[index].matches(tag)) continue
          if (compiled[index].kind === 'match') return { match: index, filters }
          filters.push(index)
        }
        return { match: -1, filters }
      },
    }
  },
}
