/**
 * @module The `sluice` command line: dispatches to run (the default), check, test, convert, bench and replay
 * (the last four imported when asked for: a daemon does not load them).
 * Usage mistakes exit with code 2 and one line; config problems with code 1 (see each command); a
 * missing or broken WebAssembly core with code 1 and one line (artifact-errors.ts).
 */

import { closest } from '../../engine/config/suggest.ts'
import { artifactFailure } from './artifact-errors.ts'
import { UsageError } from './args.ts'
import { checkCommand } from './check.ts'
import { MAIN_HELP, version } from './help.ts'
import { runCommand } from './run.ts'
import { workerMain } from '../ops/workers/worker-main.ts'

const COMMANDS: Record<string, (argv: readonly string[]) => Promise<number | null>> = {
  run: runCommand,
  check: checkCommand,
  // Commands a daemon never runs load when they are asked for (scripts/build-server.mjs makes each a
  // chunk of its own), so the daemon does not hold their code.
  test: async (argv) => (await import('./test.ts')).testCommand(argv),
  convert: async (argv) => (await import('./convert.ts')).convertCommand(argv),
  bench: async (argv) => (await import('./bench/command.ts')).benchCommand(argv),
  replay: async (argv) => (await import('./replay.ts')).replayCommand(argv),
  help: async () => (process.stdout.write(MAIN_HELP), 0),
  version: async () => (process.stdout.write(`sluice ${version()}\n`), 0),
}

/** Runs the command line; exits the process unless a daemon keeps running. */
export async function main(argv: readonly string[]): Promise<void> {
  const [first, ...rest] = argv
  let code: number | null
  try {
    // A worker process of `<system> workers N`, started by the supervisor (not a user command).
    if (first === '__worker') code = await workerMain()
    else if (first !== undefined && Object.hasOwn(COMMANDS, first)) code = await COMMANDS[first](rest)
    else if (first !== undefined && !first.startsWith('-') && !/[./]/.test(first)) {
      const near = closest(first, Object.keys(COMMANDS))
      throw new UsageError(`unknown command ${JSON.stringify(first)}${near ? `; did you mean ${near}?` : ''}`)
    } else code = await runCommand(argv)
  } catch (error) {
    const artifact = artifactFailure(error)
    if (artifact !== null) {
      process.stderr.write(`${artifact}\n`)
      code = 1
    } else {
      if (!(error instanceof UsageError)) throw error
      process.stderr.write(`sluice: ${error.message}\nRun sluice --help for the commands and options.\n`)
      code = 2
    }
  }
  if (code === null) return
  const exitCode = code
  process.stdout.write('', () => process.exit(exitCode))
}
