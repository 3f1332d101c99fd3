/**
 * @module `sluice convert FILE [--to json|conf]`: fluent.conf (with @include expanded) → the JSON
 * config model, or the JSON model → fluent.conf, on stdout. The input format is read from the
 * content (a JSON model starts with `{`); `-` reads stdin. Errors go to stderr, exit code 1.
 */

import { readFileSync } from 'node:fs'
import { ConfigJsonError, fromJson, toJson } from '../../engine/config/model.ts'
import { printConfig } from '../../engine/config/print.ts'
import { parseSource } from '../ops/prepare.ts'
import { parseArgs, stringOption, UsageError } from './args.ts'
import type { Io } from './check.ts'
import { processIo } from './check.ts'
import { CONVERT_HELP } from './help.ts'
import { CONVERT_OPTIONS } from './options.ts'

/** Runs `sluice convert`; returns the exit code. */
export async function convertCommand(
  argv: readonly string[],
  io: Io = processIo,
  stdin: () => string = () => readFileSync(0, 'utf8'),
): Promise<number> {
  const { options, positionals } = parseArgs(argv, CONVERT_OPTIONS)
  if (options.help) {
    io.out(CONVERT_HELP)
    return 0
  }
  if (positionals.length !== 1) throw new UsageError('sluice convert needs one FILE (or - for stdin)')
  const to = stringOption(options, 'to')
  if (to !== undefined && to !== 'json' && to !== 'conf') throw new UsageError(`--to must be json or conf, got ${JSON.stringify(to)}`)
  const file = positionals[0]
  let text: string
  try {
    text = file === '-' ? stdin() : readFileSync(file, 'utf8')
  } catch (error) {
    io.err(`sluice convert: cannot read ${file}: ${(error as Error).message}\n`)
    return 1
  }
  const isJson = text.trimStart().startsWith('{')
  const target = to ?? (isJson ? 'conf' : 'json')
  let model
  if (isJson) {
    try {
      model = fromJson(text)
    } catch (error) {
      if (error instanceof ConfigJsonError) for (const i of error.issues) io.err(`${file}: ${i.path}: ${i.message}; hint: ${i.hint}\n`)
      else io.err(`sluice convert: ${file}: ${(error as Error).message}\n`)
      return 1
    }
  } else {
    const parsed = file === '-' ? parseSource({ kind: 'text', text, name: '(stdin)' }) : parseSource({ kind: 'file', path: file })
    for (const w of parsed.warnings) io.err(w.message + '\n')
    if (parsed.errors.length > 0) {
      for (const e of parsed.errors) io.err(e.message + '\n')
      return 1
    }
    model = parsed.config
  }
  io.out(target === 'json' ? JSON.stringify(toJson(model), null, 2) + '\n' : printConfig(model))
  return 0
}
