/**
 * @module `npm run test:faults`: the full fault scenarios with real sluice processes on loopback
 * ports, one after the other, then the table (scenario, sent, acked, delivered, duplicated, lost
 * acked, lost unacked, peak RSS per process, duration). Exit code 1 when any scenario lost an
 * acknowledged event, a sluice process crashed, or a scenario failed to run.
 *
 * Options: --scenarios 1,2,… (default all), --duration TIME (main load time per scenario, default
 * 60s; the outage scenario adds its 30 s outage and flapping), --rate N (bench events/s, default
 * 5000), --short (the CI-sized phases), --json, --keep (keep the scratch directories).
 */

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseTime } from '../../engine/config/types.ts'
import { integerOption, parseArgs, stringOption, type OptionSpec } from '../../node-server/cli/args.ts'
import { resultTable, type ScenarioResult } from './harness/result.ts'
import { SCENARIOS } from './scenarios/index.ts'

const OPTIONS: OptionSpec[] = [
  { name: 'scenarios', type: 'string', description: 'which scenarios, e.g. 1,3 (default all)' },
  { name: 'duration', type: 'string', description: 'main load time per scenario (default 60s)' },
  { name: 'rate', type: 'string', description: 'bench events per second (default 5000)' },
  { name: 'short', type: 'flag', description: 'the short phases npm test uses' },
  { name: 'json', type: 'flag', description: 'print the results as JSON' },
  { name: 'keep', type: 'flag', description: 'keep the scratch directories' },
]

async function main(argv: string[]): Promise<number> {
  const { options } = parseArgs(argv, OPTIONS)
  const duration = parseTime(stringOption(options, 'duration') ?? '60s')
  if (!duration.ok) throw new Error(`--duration: ${duration.reason}`)
  const rate = integerOption(options, 'rate', 1) ?? 5000
  const wanted = (stringOption(options, 'scenarios') ?? SCENARIOS.map((s) => s.id).join(',')).split(',').map((s) => s.trim())
  const short = options.short === true
  const results: ScenarioResult[] = []
  const failures: string[] = []
  for (const spec of SCENARIOS.filter((s) => wanted.includes(s.id))) {
    const dir = mkdtempSync(join(tmpdir(), `sluice-faults-${spec.id}-`))
    process.stderr.write(`scenario ${spec.id}: ${spec.title} (${duration.value}s of load at ${rate} events/s)\n`)
    try {
      const r = await spec.run({ dir, durationS: duration.value, rate, log: (l) => process.stderr.write(`${l}\n`) }, short)
      results.push(r)
      process.stderr.write(
        `  sent ${r.tally.sent}, acked ${r.tally.acked}, delivered ${r.tally.delivered}, duplicated ${r.tally.duplicated}, lost acked ${r.tally.lostAcked} (${r.durationS.toFixed(0)} s)\n`,
      )
      if (r.tally.lostAcked > 0)
        failures.push(`scenario ${r.id}: ${r.tally.lostAcked} acknowledged events lost (e.g. seq ${r.tally.lostSamples.join(', ')})`)
      if (r.duplicateBound !== undefined && r.tally.duplicated > r.duplicateBound)
        failures.push(
          `scenario ${r.id}: ${r.tally.duplicated} duplicates, more than the ${r.duplicateBound} that can be in flight at its kills`,
        )
      if (r.crashes > 0) failures.push(`scenario ${r.id}: ${r.crashes} unexpected sluice exits`)
      if (r.bench.errors.length > 0) failures.push(`scenario ${r.id}: bench errors: ${r.bench.errors.join('; ')}`)
    } catch (error) {
      failures.push(`scenario ${spec.id}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
    } finally {
      if (options.keep === true) process.stderr.write(`  kept ${dir}\n`)
      else rmSync(dir, { recursive: true, force: true })
    }
  }
  process.stdout.write(
    options.json === true
      ? JSON.stringify(
          results.map(({ bench, ...r }) => ({ ...r, benchErrors: bench.errors })),
          null,
          2,
        ) + '\n'
      : resultTable(results),
  )
  for (const f of failures) process.stderr.write(`FAILED ${f}\n`)
  return failures.length === 0 ? 0 : 1
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`)
    process.exit(1)
  },
)
