/**
 * @module The .conf printer: model → Fluentd v1 text, 2-space indentation, values quoted only
 * when they must be, so that parsing the output gives back the same model.
 */
import type { ConfigElement, ConfigModel } from './model.ts'

/** Sections whose children are directives: their children are separated by blank lines. */
const DIRECTIVE_CONTAINERS = new Set(['ROOT', 'label', 'worker'])

/**
 * Prints a model (already expanded: there is no @include in a model) as .conf text.
 *
 * @example
 * printConfig(parseConfig(text, 'fluent.conf').config)
 */
export function printConfig(model: ConfigModel): string {
  const lines: string[] = []
  printBody(model.root, 0, true, lines)
  return lines.length === 0 ? '' : lines.join('\n') + '\n'
}

/** Prints one element with its tags, at an indentation depth. */
export function printElement(element: ConfigElement, depth = 0): string {
  const lines: string[] = []
  printSection(element, depth, lines)
  return lines.join('\n') + '\n'
}

function printSection(element: ConfigElement, depth: number, lines: string[]): void {
  const pad = '  '.repeat(depth)
  lines.push(`${pad}<${element.name}${element.arg === '' ? '' : ' ' + formatArg(element.arg)}>`)
  printBody(element, depth + 1, false, lines)
  lines.push(`${pad}</${element.name}>`)
}

function printBody(element: ConfigElement, depth: number, atTop: boolean, lines: string[]): void {
  const pad = '  '.repeat(depth)
  for (const [key, value] of Object.entries(element.params)) {
    const k = formatKey(key, atTop)
    lines.push(value === '' ? `${pad}${k}` : `${pad}${k} ${formatValue(value)}`)
  }
  const spaced = DIRECTIVE_CONTAINERS.has(element.name)
  element.elements.forEach((child, i) => {
    if (spaced && (i > 0 || (atTop && lines.length > 0))) lines.push('')
    printSection(child, depth, lines)
  })
}

/** A key prints bare unless it has whitespace or starts like a quote, a tag or a comment. */
export function formatKey(key: string, atTop = false): string {
  if (key === '@include') throw new Error('@include cannot be printed as a param: the model must be expanded')
  if (/^[^\s"'<#][^\s]*$/.test(key) && !(atTop && key === 'include')) return key
  return quote(key)
}

/** A value prints bare when the parser would read the same text back. */
export function formatValue(value: string): string {
  if (value.startsWith('[') || value.startsWith('{')) return isCompactJson(value) ? value : quote(value)
  if (/^[^\s"'#]/.test(value) && !/[\r\n]|[ \t]#|#\{|[ \t]$/.test(value)) {
    return value
  }
  return quote(value)
}

/** A section argument prints bare unless it has `>`, `#`, a line break, or edge whitespace. */
export function formatArg(arg: string): string {
  if (/^[^\s"'#>][^\r\n>#]*$/.test(arg) && !/[ \t]$/.test(arg)) return arg
  return quote(arg)
}

const ESCAPE: Record<string, string> = {
  '\\': '\\\\',
  '"': '\\"',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\f': '\\f',
  '\b': '\\b',
  '\0': '\\0',
}

/** Double-quotes with the escapes the parser knows; `#{` is escaped so it is never evaluated. */
export function quote(s: string): string {
  return '"' + s.replace(/[\\"\n\r\t\f\b\0]|#\{/g, (m) => (m === '#{' ? '\\#{' : ESCAPE[m])) + '"'
}

/** True when `text` is JSON exactly as the parser stores it (compact, no `#{`). */
function isCompactJson(text: string): boolean {
  if (text.includes('#{')) return false
  try {
    JSON.parse(text)
  } catch {
    return false
  }
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (inString) {
      if (c === '\\') i++
      else if (c === '"') inString = false
      else if (c === '\n' || c === '\r') return false
    } else if (c === '"') inString = true
    else if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '#') return false
  }
  return true
}
