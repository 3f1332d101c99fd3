/**
 * @module Config diagnostics: `ConfigError` carries file:line(:column), what is wrong, a hint
 * saying what to do, and the @include chain that led to the file. Warnings use the same shape.
 */

/** A place in a config file: 1-based line and (when known) 1-based column. */
export interface SourcePosition {
  file: string
  line: number
  column?: number
}

/** `info`: something sluice ignores and says so (never fails a config, not even with --strict). */
export type ConfigSeverity = 'error' | 'warning' | 'info'

export interface ConfigErrorInit extends SourcePosition {
  /** What is wrong, without location or hint, e.g. `unmatched </match> (the open section is <filter>)`. */
  reason: string
  /** What to do about it, e.g. `check the end tag names`. */
  hint: string
  /** The @include directives that led to `file`, outermost first. */
  includedFrom?: readonly SourcePosition[]
  severity?: ConfigSeverity
}

/** Formats `file:line` or `file:line:column`. */
export function formatPosition(pos: SourcePosition): string {
  return pos.column === undefined ? `${pos.file}:${pos.line}` : `${pos.file}:${pos.line}:${pos.column}`
}

/**
 * One problem found in a config, as data plus a one-line `message`.
 *
 * @example
 * const reason = 'unmatched </match>'
 * new ConfigError({ file: 'fluent.conf', line: 12, reason, hint: 'check the end tag names' }).message
 * // 'fluent.conf:12: unmatched </match>; hint: check the end tag names'
 */
export class ConfigError extends Error {
  readonly file: string
  readonly line: number
  readonly column: number | undefined
  readonly reason: string
  readonly hint: string
  readonly includedFrom: readonly SourcePosition[]
  readonly severity: ConfigSeverity

  constructor(init: ConfigErrorInit) {
    super(formatConfigError(init))
    this.name = 'ConfigError'
    this.file = init.file
    this.line = init.line
    this.column = init.column
    this.reason = init.reason
    this.hint = init.hint
    this.includedFrom = init.includedFrom ?? []
    this.severity = init.severity ?? 'error'
  }

  /** Plain data for JSON APIs (the UI, `sluice check --json`). */
  toJSON(): ConfigErrorInit & { message: string } {
    return {
      file: this.file,
      line: this.line,
      ...(this.column === undefined ? {} : { column: this.column }),
      reason: this.reason,
      hint: this.hint,
      includedFrom: this.includedFrom,
      severity: this.severity,
      message: this.message,
    }
  }

  override toString(): string {
    return this.message
  }
}

/**
 * `file:line: reason (included from b.conf:5, included from fluent.conf:3); hint: hint` — the
 * include chain innermost first, like a C compiler; `warning: ` before the reason for warnings.
 */
export function formatConfigError(init: ConfigErrorInit): string {
  const chain = init.includedFrom?.length
    ? ` (included from ${[...init.includedFrom].reverse().map(formatPosition).join(', included from ')})`
    : ''
  const level = init.severity === 'warning' ? 'warning: ' : init.severity === 'info' ? 'info: ' : ''
  return `${formatPosition(init)}: ${level}${init.reason}${chain}; hint: ${init.hint}`
}

/** Thrown by APIs that want one exception for a list of problems (e.g. a config that must be valid). */
export class ConfigErrors extends Error {
  readonly errors: readonly ConfigError[]

  constructor(errors: readonly ConfigError[]) {
    super(`${errors.length} config error${errors.length === 1 ? '' : 's'}:\n` + errors.map((e) => `  ${e.message}`).join('\n'))
    this.name = 'ConfigErrors'
    this.errors = errors
  }
}

/** The same problem as an error (a warning under `--strict`). */
export function asError(problem: ConfigError): ConfigError {
  if (problem.severity === 'error') return problem
  return new ConfigError({
    file: problem.file,
    line: problem.line,
    column: problem.column,
    reason: problem.reason,
    hint: `${problem.hint} (an error because of --strict)`,
    includedFrom: problem.includedFrom,
  })
}

/**
 * Thrown by a plugin's `create` for a problem in one param of one of its sections, so the agent can
 * report it at that param's line (e.g. record_transformer's `<record>` value with unsupported Ruby).
 */
export class ParamError extends Error {
  constructor(
    readonly reason: string,
    readonly hint: string,
    /** The element (the plugin's or a nested section) the param is written in. */
    readonly element: { name: string; params: Record<string, string> },
    readonly key?: string,
  ) {
    super(`${reason}; ${hint}`)
    this.name = 'ParamError'
  }
}
