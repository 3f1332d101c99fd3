/**
 * @module Minimal POSIX path helpers for @include resolution, so engine/ needs no `node:path`.
 */

export function isAbsolute(path: string): boolean {
  return path.startsWith('/')
}

/** The directory part: `a/b.conf` → `a`, `b.conf` → `.`, `/b.conf` → `/`. */
export function dirname(path: string): string {
  const i = path.lastIndexOf('/')
  if (i < 0) return '.'
  if (i === 0) return '/'
  return path.slice(0, i)
}

/** Resolves `path` against the directory `base` unless it is absolute, then normalizes. */
export function resolveAgainst(base: string, path: string): string {
  return normalize(isAbsolute(path) ? path : `${base}/${path}`)
}

/** Removes `.` segments, empty segments and `x/..` pairs; keeps leading `..` of relative paths. */
export function normalize(path: string): string {
  const absolute = isAbsolute(path)
  const out: string[] = []
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue
    if (segment === '..' && out.length > 0 && out[out.length - 1] !== '..') out.pop()
    else if (segment === '..' && absolute) continue
    else out.push(segment)
  }
  const joined = out.join('/')
  if (absolute) return `/${joined}`
  return joined === '' ? '.' : joined
}

/** True when the path has glob characters (`*`, `?`, `[`, `{`) and needs the host's glob. */
export function isGlob(path: string): boolean {
  return /[*?[{]/.test(path)
}
