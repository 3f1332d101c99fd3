/**
 * @module `sluice bench`: reads the options, runs the load, prints progress on stderr (once per
 * second, when stdout is a TTY or with --progress) and the result table or JSON on stdout.
 * Exit code 0, or 1 when a connection failed.
 */

import { parseArgs, UsageError } from '../args.ts'
import { processIo, type Io } from '../check.ts'
import { BENCH_HELP } from '../help.ts'
import { BENCH_OPTIONS, readBenchOptions } from './options.ts'
import { progressLine, resultJson, resultTable } from './report.ts'
import { runBench } from './run.ts'

export async function benchCommand(argv: readonly string[], io: Io = processIo): Promise<number> {
  const { options: parsed, positionals } = parseArgs(argv, BENCH_OPTIONS)
  if (parsed.help) {
    io.out(BENCH_HELP)
    return 0
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`)
  const options = readBenchOptions(parsed)
  const showProgress = options.progress ?? process.stdout.isTTY === true
  const tty = process.stderr.isTTY === true
  let result
  try {
    result = await runBench(options, {
      progress: showProgress ? (s) => io.err(tty ? `\r${progressLine(s)}\x1b[K` : `${progressLine(s)}\n`) : undefined,
    })
  } catch (error) {
    io.err(`sluice bench: ${error instanceof Error ? error.message : String(error)}\n`)
    return 1
  }
  if (showProgress && tty) io.err('\n')
  io.out(options.json ? resultJson(result) : resultTable(result))
  return result.errors.length > 0 ? 1 : 0
}
