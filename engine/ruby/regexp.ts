/**
 * @module Ruby regexps as JavaScript RegExps: Ruby's `^`/`$` are line anchors (JS flag m, always),
 * Ruby's `m` is JS's `s`, `x` (extended) drops unescaped whitespace and `#` comments, and `\A`,
 * `\z`, `\Z`, `\h`, `\e` are translated. Other Ruby-only syntax is left to the JS compiler to refuse.
 */

/**
 * Rewrites Ruby-only escapes: \A, \z, \Z outside character classes, \h and \e anywhere. With
 * `exactDot` / `exactAnchors`, `.` and `^`/`$` outside classes end lines only at `\n`, as Ruby's do
 * (JavaScript also ends lines at `\r`, U+2028 and U+2029).
 */
export function translateRubyRegexp(source: string, exactDot = false, exactAnchors = false): string {
  let out = ''
  let inClass = false
  for (let i = 0; i < source.length; i++) {
    const c = source[i]
    if (c === '\\' && i + 1 < source.length) {
      const n = source[i + 1]
      i++
      if (!inClass && n === 'A') out += '(?<![\\s\\S])'
      else if (!inClass && n === 'z') out += '(?![\\s\\S])'
      else if (!inClass && n === 'Z') out += '(?=\\n?(?![\\s\\S]))'
      else if (n === 'h') out += inClass ? '0-9a-fA-F' : '[0-9a-fA-F]'
      else if (n === 'e') out += '\\x1b'
      else out += c + n
      continue
    }
    if (c === '[' && !inClass) inClass = true
    else if (c === ']' && inClass) inClass = false
    else if (!inClass && exactDot && c === '.') {
      out += '[^\\n]'
      continue
    } else if (!inClass && exactAnchors && c === '^') {
      out += '(?<![^\\n])'
      continue
    } else if (!inClass && exactAnchors && c === '$') {
      out += '(?![^\\n])'
      continue
    }
    out += c
  }
  return out
}

/** Ruby's extended mode (`/.../x`): whitespace and `# comments` outside classes are not part of the pattern. */
function stripExtended(source: string): string {
  let out = ''
  let inClass = false
  for (let i = 0; i < source.length; i++) {
    const c = source[i]
    if (c === '\\' && i + 1 < source.length) {
      out += c + source[++i]
      continue
    }
    if (inClass) {
      if (c === ']') inClass = false
      out += c
      continue
    }
    if (c === '[') inClass = true
    else if (/\s/.test(c)) continue
    else if (c === '#') {
      while (i < source.length && source[i] !== '\n') i++
      continue
    }
    out += c
  }
  return out
}

/**
 * Compiles a Ruby regexp (source and Ruby flags `i`, `m`, `x`); throws SyntaxError for a pattern JS cannot compile.
 * With `exactLines`, lines end only at `\n` as in Ruby (`^`, `$` and `.` are rewritten): the parsers
 * use it, so a CRLF line keeps its `\r` in a capture as Fluentd keeps it.
 *
 * @example
 * compileRubyRegexp('\\Aab+\\z', 'i').test('ABB') // true
 */
export function compileRubyRegexp(source: string, flags: string, extraJsFlags = '', exactLines = false): RegExp {
  const body = flags.includes('x') ? stripExtended(source) : source
  const js = 'm' + (flags.includes('i') ? 'i' : '') + (flags.includes('m') ? 's' : '') + extraJsFlags
  return new RegExp(translateRubyRegexp(body, exactLines && !flags.includes('m'), exactLines), js)
}
