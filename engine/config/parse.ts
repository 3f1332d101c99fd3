/**
 * @module The Fluentd v1 .conf parser: text → `ConfigModel` with source locations, every
 * @include inlined and `#{...}` evaluated; collects all the errors it can instead of stopping.
 */
import type { EmbeddedContext } from './embedded.ts'
import { ConfigError, type SourcePosition } from './errors.ts'
import { messageOf, resolveInclude, type IncludeHost } from './include.ts'
import { Cursor, type Diagnostics } from './lexer.ts'
import { scanBare, scanDoubleQuoted, scanSingleQuoted } from './literals.ts'
import {
  CONFIG_MODEL_VERSION,
  createElement,
  ROOT_NAME,
  type ConfigElement,
  type ConfigLocs,
  type ConfigModel,
  type ElementLoc,
} from './model.ts'
import { parseParamLine, type StatementContext } from './parse-param.ts'
import { parseEndTag, parseStartTag } from './parse-tag.ts'

/** What the runtime supplies: file access for @include, and the values `#{...}` may read. */
export interface ConfigHost extends IncludeHost {
  env?: Readonly<Record<string, string | undefined>>
  hostname?: string
  /** The worker this process is (`#{worker_id}`); 0 when not multi-worker. */
  workerId?: number
  /** The working directory (`#{Dir.pwd}`, relative `#{File.expand_path ...}`). */
  cwd?: string
  /** The home directory (`#{Dir.home}`). */
  home?: string
}

export interface ParseResult {
  /** The model; always present, possibly partial when there are errors. */
  config: ConfigModel
  locs: ConfigLocs
  errors: ConfigError[]
  warnings: ConfigError[]
  /** Every file read, the main one first (for reload-on-change). */
  files: string[]
}

const MAX_INCLUDE_DEPTH = 32

/**
 * Parses config text. `file` is the name used in messages and the base of relative @include paths.
 *
 * @example
 * const { config, errors } = parseConfig('<source>\n  @type forward\n</source>\n', 'fluent.conf')
 */
export function parseConfig(text: string, file: string, host: ConfigHost = {}): ParseResult {
  const parser = new Parser(host)
  parser.files.push(file)
  const root = createElement(ROOT_NAME)
  parser.locs.set(root, { file, line: 1, includedFrom: [], params: new Map() })
  parser.parseFile(new Cursor(file, stripBom(text), []), root, null)
  return {
    config: { version: CONFIG_MODEL_VERSION, root },
    locs: parser.locs,
    errors: parser.diagnostics.errors,
    warnings: parser.diagnostics.warnings,
    files: parser.files,
  }
}

/** Reads `path` through `host.readFile` and parses it; an unreadable file is one error at line 1. */
export function parseConfigFile(path: string, host: ConfigHost): ParseResult {
  let text: string
  try {
    if (!host.readFile) throw new Error('no file access in this runtime')
    text = host.readFile(path)
  } catch (error) {
    const result = parseConfig('', path, {})
    result.errors.push(
      new ConfigError({
        file: path,
        line: 1,
        reason: `cannot read config file: ${messageOf(error)}`,
        hint: 'check the path given with -c',
      }),
    )
    return result
  }
  return parseConfig(text, path, host)
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
}

/** A section opened in the file being read and not yet closed. */
export interface OpenSection {
  element: ConfigElement
  loc: ElementLoc
}

/** Parse state shared by every file of one config (the main file and its includes). */
export class Parser {
  readonly locs: ConfigLocs = new WeakMap()
  readonly diagnostics: Diagnostics = { errors: [], warnings: [] }
  readonly files: string[] = []
  readonly embedded: EmbeddedContext
  private readonly activeFiles: string[] = []

  constructor(readonly host: ConfigHost) {
    this.embedded = { env: host.env ?? {}, hostname: host.hostname, workerId: host.workerId ?? 0, cwd: host.cwd, home: host.home }
  }

  /**
   * Reads one file into `target` (Fluentd parses an included file as a root body merged into the
   * section holding the @include). `targetName` is that section's name, null at the top.
   */
  parseFile(cursor: Cursor, target: ConfigElement, targetName: string | null): void {
    this.activeFiles.push(cursor.file)
    const open: OpenSection[] = []
    const ctx: StatementContext = {
      parser: this,
      cursor,
      current: () => open[open.length - 1]?.element ?? target,
      currentName: () => (open.length > 0 ? open[open.length - 1].element.name : targetName),
      atFileTop: () => open.length === 0,
    }
    for (;;) {
      cursor.skipSpacing()
      if (cursor.eof) break
      if (cursor.startsWith('</')) parseEndTag(ctx, open, targetName)
      else if (cursor.peek() === '<') parseStartTag(ctx, open)
      else if (ctx.atFileTop() && /^include[ \t]/.test(cursor.text.slice(cursor.pos, cursor.pos + 8))) {
        this.diagnostics.warnings.push(
          cursor.diagnostic(cursor.pos, "'include' is deprecated", "write '@include' instead", { withColumn: false, severity: 'warning' }),
        )
        cursor.pos += 'include'.length
        this.include(ctx)
      } else parseParamLine(ctx)
    }
    for (const section of open) {
      const tag = `<${section.element.name}${section.element.arg ? ' ' + section.element.arg : ''}>`
      this.error(section.loc, `unclosed section ${tag} at end of file`, `add </${section.element.name}>`)
    }
    this.activeFiles.pop()
  }

  /** Handles the rest of an `@include PATH` line (the cursor is after the keyword). */
  include(ctx: StatementContext): void {
    const { cursor } = ctx
    const at = cursor.pos
    cursor.skipBlanks()
    const here = { ...cursor.position(at), column: undefined }
    const written = readIncludePath(this, cursor)
    if (!cursor.lineEnd()) {
      this.diagnostics.errors.push(
        cursor.diagnostic(cursor.pos, 'unexpected text after the @include path', 'an @include line holds one path or glob'),
      )
      cursor.skipLine()
    }
    if (written === null) return
    if (!written) {
      this.error(here, '@include needs a path', 'write @include PATH or @include conf.d/*.conf', cursor.includedFrom)
      return
    }
    const targets = resolveInclude(written, cursor.file, this.host)
    if (!targets.ok) {
      this.error(here, targets.reason, targets.hint, cursor.includedFrom)
      return
    }
    if (targets.files.length === 0) {
      this.diagnostics.warnings.push(
        new ConfigError({
          ...here,
          reason: `@include ${written} matched no files`,
          hint: `nothing is included from ${targets.pattern}`,
          includedFrom: cursor.includedFrom,
          severity: 'warning',
        }),
      )
    }
    const chain: SourcePosition[] = [...cursor.includedFrom, { file: cursor.file, line: here.line }]
    for (const file of targets.files) {
      if (this.activeFiles.includes(file) || chain.length > MAX_INCLUDE_DEPTH) {
        this.error(
          here,
          `@include cycle: ${file} is already being read`,
          'remove the @include that leads back to this file',
          cursor.includedFrom,
        )
        continue
      }
      let text: string
      try {
        text = this.host.readFile!(file)
      } catch (error) {
        const resolved = file === written ? '' : ` (resolved to ${file})`
        this.error(
          here,
          `cannot read @include file ${written}${resolved}: ${messageOf(error)}`,
          `check the path; a relative path is resolved against the directory of ${cursor.file}`,
          cursor.includedFrom,
        )
        continue
      }
      this.files.push(file)
      this.parseFile(new Cursor(file, stripBom(text), chain), ctx.current(), ctx.currentName())
    }
  }

  /** Records an error at a line (no column): used for section-level problems. */
  error(at: SourcePosition, reason: string, hint: string, includedFrom?: readonly SourcePosition[]): void {
    const chain = includedFrom ?? (at as { includedFrom?: readonly SourcePosition[] }).includedFrom ?? []
    this.diagnostics.errors.push(new ConfigError({ file: at.file, line: at.line, reason, hint, includedFrom: chain }))
  }
}

/** Reads the path of an @include: quoted (escapes and `#{...}` as in any value) or unquoted. */
function readIncludePath(parser: Parser, cursor: Cursor): string | null {
  const q = cursor.peek()
  if (q !== '"' && q !== "'") return scanBare(cursor)
  const start = cursor.pos
  const ctx = { cursor, embedded: parser.embedded, diagnostics: parser.diagnostics }
  const result = q === '"' ? scanDoubleQuoted(ctx) : scanSingleQuoted(ctx)
  if (result.aborted) return null
  if (!result.closed || cursor.line(start) !== cursor.line()) {
    parser.diagnostics.errors.push(cursor.diagnostic(start, 'unterminated quoted @include path', 'close the quote on the same line'))
    cursor.pos = start
    cursor.skipRestOfLine()
    return null
  }
  return typeof result.value === 'string' ? result.value : ''
}
