/**
 * @module Validation in the designer = `sluice check`'s: the .conf parser's problems come from the
 * parse the page does at every keystroke (shown at once); everything else comes from the preview
 * worker, which runs engine/check's checkParsed — the code `sluice check`, the daemon's reload and
 * its validate endpoint run — plus the draft lint (engine/preview validateModel). This file only
 * turns parse problems into diagnostics and puts the two lists together.
 */

import type { ConfigError } from '../../../../engine/config/errors.ts'
import type { Diagnostic } from '../../../../engine/preview/types.ts'

/** The parser's errors and warnings as diagnostics. */
export function parseDiagnostics(errors: readonly ConfigError[], warnings: readonly ConfigError[] = []): Diagnostic[] {
  return [...errors, ...warnings].map((e) => ({ severity: e.severity, code: 'syntax', message: e.reason, hint: e.hint, line: e.line }))
}

/** Parse problems first, then check's (errors, then warnings, then notes and the lint, each by line), as `sluice check` lists them. */
export function mergeDiagnostics(parse: readonly Diagnostic[], checked: readonly Diagnostic[]): Diagnostic[] {
  return [...parse, ...checked]
}

export function countBySeverity(diagnostics: readonly Diagnostic[]): { errors: number; warnings: number } {
  let errors = 0
  let warnings = 0
  for (const d of diagnostics) {
    if (d.severity === 'error') errors++
    else if (d.severity === 'warning') warnings++
  }
  return { errors, warnings }
}
