/**
 * @module Ruby's `Dir.glob` as in_tail uses it, over the real file system: `*` (any run of
 * characters but `/`), `?`, `[a-z]` / `[!a]` / `[^a]`, `{a,b}` alternatives (nested), a `**`
 * segment (any depth of directories, symlinked directories not followed), `\` escapes. A wildcard never
 * matches a leading `.` (no FNM_DOTMATCH), and never matches `.` or `..`. Results keep the
 * pattern's spelling (`/var/log//x/*.log` → `/var/log//x/a.log`), sorted like Ruby ≥ 3.0.
 */

import type { Dirent } from 'node:fs'
import { readdir, lstat } from 'node:fs/promises'

/** Expands `{a,b}` alternatives (nested, escapes respected) into plain patterns. */
export function expandBraces(pattern: string): string[] {
  let depth = 0
  let open = -1
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]
    if (c === '\\') {
      i++
      continue
    }
    if (c === '{') {
      if (depth === 0) open = i
      depth++
    } else if (c === '}' && depth > 0) {
      depth--
      if (depth === 0) {
        const head = pattern.slice(0, open)
        const tail = pattern.slice(i + 1)
        const out: string[] = []
        for (const alternative of splitTopLevel(pattern.slice(open + 1, i))) out.push(...expandBraces(head + alternative + tail))
        return out
      }
    }
  }
  return [pattern]
}

/** Splits `a,{b,c},d` on its top-level commas. */
function splitTopLevel(body: string): string[] {
  const parts: string[] = []
  let depth = 0
  let start = 0
  for (let i = 0; i < body.length; i++) {
    const c = body[i]
    if (c === '\\') i++
    else if (c === '{') depth++
    else if (c === '}') depth--
    else if (c === ',' && depth === 0) {
      parts.push(body.slice(start, i))
      start = i + 1
    }
  }
  parts.push(body.slice(start))
  return parts
}

/** Does this path segment need a directory listing (has an unescaped `*`, `?` or `[`)? */
function isMagic(segment: string): boolean {
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i]
    if (c === '\\') i++
    else if (c === '*' || c === '?' || c === '[') return true
  }
  return false
}

/** A segment without magic, unescaped. */
function literal(segment: string): string {
  return segment.replace(/\\(.)/g, '$1')
}

const REGEXP_SPECIAL = /[.*+?^${}()|[\]\\/]/g

/** One path segment as an anchored RegExp (Ruby's fnmatch with FNM_PATHNAME, without FNM_DOTMATCH). */
export function segmentRegExp(segment: string): RegExp {
  let out = ''
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i]
    if (c === '\\' && i + 1 < segment.length) {
      out += segment[++i].replace(REGEXP_SPECIAL, '\\$&')
    } else if (c === '*') {
      out += '.*'
    } else if (c === '?') {
      out += '.'
    } else if (c === '[') {
      const close = segment.indexOf(']', i + 2)
      if (close < 0) {
        out += '\\['
        continue
      }
      let body = segment.slice(i + 1, close)
      const negate = body[0] === '!' || body[0] === '^'
      if (negate) body = body.slice(1)
      out += `[${negate ? '^' : ''}${body.replace(/[\\\]^]/g, '\\$&')}]`
      i = close
    } else {
      out += c.replace(REGEXP_SPECIAL, '\\$&')
    }
  }
  // A wildcard never matches a leading dot: only a pattern that starts with a literal '.' does.
  const dotOk = segment.startsWith('.') || segment.startsWith('\\.')
  return new RegExp(`^${dotOk ? '' : '(?!\\.)'}${out}$`, 's')
}

async function list(dir: string): Promise<Dirent[]> {
  try {
    return await readdir(dir === '' ? '.' : dir, { withFileTypes: true })
  } catch {
    return []
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path)
    return true
  } catch {
    return false
  }
}

/** Every directory under `base` (itself included; each ends with `/`) for `**`, not following symlinks or dot directories. */
async function descend(base: string, out: string[]): Promise<void> {
  out.push(base)
  for (const entry of await list(base)) {
    if (entry.isDirectory() && !entry.name.startsWith('.')) await descend(`${base}${entry.name}/`, out)
  }
}

/**
 * The paths matching `pattern` (files and directories; the caller filters), sorted.
 *
 * @example
 * await glob('/var/log/containers/*.log')
 */
export async function glob(pattern: string): Promise<string[]> {
  const found = new Set<string>()
  for (const alternative of expandBraces(pattern)) {
    for (const path of await globOne(alternative)) found.add(path)
  }
  return [...found].sort()
}

async function globOne(pattern: string): Promise<string[]> {
  const absolute = pattern.startsWith('/')
  const segments = (absolute ? pattern.slice(1) : pattern).split('/')
  // Each base is a directory prefix as written, ending with '/' (or '' for the working directory).
  let bases = [absolute ? '/' : '']
  for (let s = 0; s < segments.length; s++) {
    const segment = segments[s]
    const slash = s === segments.length - 1 ? '' : '/'
    const next: string[] = []
    if (segment === '**' && slash !== '') {
      for (const base of bases) await descend(base, next)
    } else if (segment === '' && slash !== '') {
      // `a//b`: the doubled slash is kept as written (Ruby does).
      for (const base of bases) next.push(`${base}/`)
    } else if (!isMagic(segment) && segment !== '**') {
      const name = literal(segment)
      for (const base of bases) next.push(base + name + slash)
    } else {
      const re = segmentRegExp(segment === '**' ? '*' : segment)
      for (const base of bases) {
        for (const entry of await list(base)) if (re.test(entry.name)) next.push(base + entry.name + slash)
      }
    }
    bases = next
    if (bases.length === 0) return []
  }
  const out: string[] = []
  for (const path of bases) if (path !== '' && (await exists(path))) out.push(path)
  return out
}
