/**
 * @module A `ConfigHost` over an in-memory map of files, for runtimes without a file system
 * (the browser designer, Workers) and for tests: @include and globs work on the map.
 */
import type { ConfigHost } from './parse.ts'
import { normalize } from './path.ts'

/**
 * @example
 * const host = memoryHost({ 'fluent.conf': '@include conf.d/*.conf', 'conf.d/a.conf': '...' })
 * parseConfigFile('fluent.conf', host)
 */
export function memoryHost(files: Readonly<Record<string, string>>, options: Omit<ConfigHost, 'readFile' | 'glob'> = {}): ConfigHost {
  const byPath = new Map(Object.entries(files).map(([path, text]) => [normalize(path), text]))
  return {
    ...options,
    readFile(path) {
      const text = byPath.get(normalize(path))
      if (text === undefined) throw new Error('no such file')
      return text
    },
    glob(pattern) {
      const re = globToRegExp(normalize(pattern))
      return [...byPath.keys()].filter((path) => re.test(path))
    },
  }
}

/** `*` and `?` stay within a path segment and skip a leading dot; `**` spans segments; `[..]`, `{a,b}`. */
export function globToRegExp(glob: string): RegExp {
  let re = ''
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]
    const segmentStart = i === 0 || glob[i - 1] === '/'
    if (c === '*' && glob[i + 1] === '*') {
      re += '.*'
      i++
    } else if (c === '*') re += segmentStart ? '(?!\\.)[^/]*' : '[^/]*'
    else if (c === '?') re += segmentStart ? '(?!\\.)[^/]' : '[^/]'
    else if (c === '[' && glob.indexOf(']', i + 1) > i + 1) {
      const end = glob.indexOf(']', i + 1)
      re += `[${glob
        .slice(i + 1, end)
        .replace(/^!/, '^')
        .replace(/\\/g, '\\\\')}]`
      i = end
    } else if (c === '{' && glob.indexOf('}', i + 1) > i) {
      const end = glob.indexOf('}', i + 1)
      re += `(?:${glob
        .slice(i + 1, end)
        .split(',')
        .map(escape)
        .join('|')})`
      i = end
    } else re += escape(c)
  }
  return new RegExp(`^${re}$`, 's')
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
}
