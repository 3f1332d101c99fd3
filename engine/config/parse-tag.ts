/**
 * @module Parses section tags: `<name arg>` opens a section, `</name>` closes it; mismatched,
 * unclosed and stray end tags are reported with a guess at what was meant so parsing can go on.
 */
import { isBlank, isEol } from './lexer.ts'
import { scanDoubleQuoted, scanSingleQuoted } from './literals.ts'
import { createElement } from './model.ts'
import type { OpenSection } from './parse.ts'
import type { StatementContext } from './parse-param.ts'

const NAME_CHAR = /[a-zA-Z0-9_]/
const NAME_HINT = 'section names use only letters, digits and _ (e.g. <match>, <buffer>)'

/** Reads the characters of a tag name; `bad` is set when other characters are glued to it. */
function readTagName(ctx: StatementContext): { name: string; bad: boolean } {
  const { cursor } = ctx
  const start = cursor.pos
  while (!cursor.eof && NAME_CHAR.test(cursor.peek()!)) cursor.pos++
  let bad = false
  while (!cursor.eof && !isBlank(cursor.peek()) && !isEol(cursor.peek()) && cursor.peek() !== '>') {
    cursor.pos++
    bad = true
  }
  return { name: cursor.text.slice(start, cursor.pos), bad }
}

/** `<name arg>` at the cursor: opens a section (even a faulty one, so its end tag still matches). */
export function parseStartTag(ctx: StatementContext, open: OpenSection[]): void {
  const { cursor, parser } = ctx
  const errors = parser.diagnostics.errors
  const tagStart = cursor.pos
  cursor.pos++
  const { name, bad } = readTagName(ctx)
  if (name === '') {
    errors.push(cursor.diagnostic(tagStart, 'a section tag needs a name after <', `write <name> or <name ARG>; ${NAME_HINT}`))
    cursor.skipLine()
    return
  }
  if (bad) errors.push(cursor.diagnostic(tagStart, `invalid section name <${name}>`, NAME_HINT))
  cursor.skipBlanks()
  let arg = ''
  const q = cursor.peek()
  if (q === '"' || q === "'") {
    const argStart = cursor.pos
    const lit = { cursor, embedded: parser.embedded, diagnostics: parser.diagnostics }
    const result = q === '"' ? scanDoubleQuoted(lit) : scanSingleQuoted(lit)
    if (!result.aborted && (!result.closed || cursor.line(argStart) !== cursor.line())) {
      errors.push(cursor.diagnostic(argStart, `unterminated quoted argument in <${name}>`, `close the ${q} before the >`))
      cursor.pos = argStart
      cursor.skipRestOfLine()
    }
    arg = typeof result.value === 'string' ? result.value : ''
  } else {
    if (q === '#') {
      errors.push(cursor.diagnostic(cursor.pos, `a # after <${name} starts a comment in Fluentd`, `quote the argument: <${name} "#...">`))
    }
    const argStart = cursor.pos
    while (!cursor.eof && !isEol(cursor.peek()) && cursor.peek() !== '>') cursor.pos++
    arg = cursor.text.slice(argStart, cursor.pos).replace(/[ \t]+$/, '')
  }
  cursor.skipBlanks()
  const tag = `<${name}${arg ? ' ' + arg : ''}>`
  if (cursor.peek() !== '>') {
    errors.push(
      cursor.diagnostic(
        cursor.pos,
        `missing > at the end of the start tag ${tag.slice(0, -1)}`,
        'a start tag is written <name ARG> on one line',
      ),
    )
    cursor.skipLine()
  } else {
    cursor.pos++
    if (!cursor.lineEnd()) {
      cursor.skipBlanks()
      const sameLineTag = cursor.text.slice(cursor.pos).match(/^[ \t]*</)
      errors.push(
        cursor.diagnostic(
          cursor.pos,
          `unexpected text after ${tag}`,
          sameLineTag ? 'each tag goes on its own line' : 'a start tag must be alone on its line; params go on the lines below it',
        ),
      )
      if (sameLineTag) cursor.skipBlanks()
      else cursor.skipLine()
    }
  }
  const element = createElement(name, arg)
  const { line, column } = cursor.lineCol(tagStart)
  const loc = { file: cursor.file, line, column, includedFrom: cursor.includedFrom, params: new Map() }
  parser.locs.set(element, loc)
  // A section with an invalid name stays open (so its end tag matches) but out of the model,
  // which therefore always holds only valid names.
  if (!bad) ctx.current().elements.push(element)
  open.push({ element, loc })
}

/**
 * `</name>` at the cursor. Closes the innermost section when the names match. When they do not,
 * an outer open section of that name means the inner ones were never closed; otherwise the end
 * tag is taken as a misspelt close of the innermost section.
 */
export function parseEndTag(ctx: StatementContext, open: OpenSection[], targetName: string | null): void {
  const { cursor, parser } = ctx
  const errors = parser.diagnostics.errors
  const tagStart = cursor.pos
  const line = cursor.line()
  cursor.pos += 2
  const { name, bad } = readTagName(ctx)
  cursor.skipBlanks()
  const top = open[open.length - 1]
  if ((bad && top?.element.name !== name) || name === '') {
    errors.push(
      cursor.diagnostic(tagStart, name === '' ? 'an end tag needs a name after </' : `invalid section name </${name}>`, NAME_HINT),
    )
  } else if (cursor.peek() !== '>') {
    errors.push(
      cursor.diagnostic(cursor.pos, `unexpected text in the end tag </${name}>`, 'an end tag is just </name>; it takes no argument'),
    )
    cursor.skipRestOfLine()
  }
  if (cursor.peek() === '>') cursor.pos++
  if (!cursor.lineEnd()) {
    cursor.skipBlanks()
    errors.push(cursor.diagnostic(cursor.pos, `unexpected text after </${name}>`, 'each tag goes on its own line'))
    if (!/^[ \t]*</.test(cursor.text.slice(cursor.pos))) cursor.skipLine()
    else cursor.skipBlanks()
  }
  const here = { file: cursor.file, line, includedFrom: cursor.includedFrom }
  if (open.length === 0) {
    const hint = targetName
      ? `this file is included inside <${targetName}>; ` + 'an included file must close the sections it opens and only those'
      : `remove it, or add the missing <${name}> above it`
    parser.error(here, `end tag </${name}> without a start tag`, hint)
    return
  }
  if (top.element.name === name) {
    top.loc.endLine = line
    open.pop()
    return
  }
  let outer = open.length - 1
  while (outer >= 0 && open[outer].element.name !== name) outer--
  if (outer >= 0) {
    for (const inner of open.slice(outer + 1)) {
      parser.error(
        inner.loc,
        `unclosed section <${inner.element.name}> (the end tag </${name}> at line ${line} closes an outer section)`,
        `add </${inner.element.name}> before line ${line}`,
      )
    }
    open[outer].loc.endLine = line
    open.length = outer
    return
  }
  parser.error(here, `unmatched </${name}> (the open section is <${top.element.name}>)`, 'check the end tag names')
  top.loc.endLine = line
  open.pop()
}
