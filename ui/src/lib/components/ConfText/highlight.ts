/**
 * @module Syntax colouring of one .conf line as HTML (escaped): section tags, `@` params, keys,
 * values, comments, and the designer's `#~ ` disabled lines.
 */

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ESC[c])
}

const span = (cls: string, text: string) => `<span class="${cls}">${escapeHtml(text)}</span>`

/**
 * @example
 * highlightLine('  @type forward') // '  <span class="at">@type</span> <span class="val">forward</span>'
 */
export function highlightLine(line: string): string {
  if (line.startsWith('#~')) return span('off', line)
  const m = /^(\s*)(.*)$/.exec(line)!
  const [, indent, rest] = m
  if (rest === '') return escapeHtml(line)
  if (rest.startsWith('#')) return indent + span('comment', rest)
  const tag = /^(<\/?)([\w]+)(\s*)([^>]*)(>?)(.*)$/.exec(rest)
  if (tag) {
    return indent + span('punct', tag[1]) + span('tag', tag[2]) + tag[3] + span('arg', tag[4]) + span('punct', tag[5]) + comment(tag[6])
  }
  const kv = /^(\S+)(\s*)(.*)$/.exec(rest)!
  const value = kv[3]
  const c = /(\s#.*)$/.exec(value)
  const shown = c && !/^["'[{]/.test(value) ? value.slice(0, c.index) : value
  const tail = c && shown !== value ? value.slice(shown.length) : ''
  return (
    indent +
    span(kv[1].startsWith('@') ? 'at' : 'key', kv[1]) +
    kv[2] +
    span(/^["']/.test(shown) ? 'str' : 'val', shown) +
    (tail ? span('comment', tail) : '')
  )
}

function comment(text: string): string {
  return text.trim().startsWith('#') ? span('comment', text) : escapeHtml(text)
}
