/**
 * @module `npm run bench:relay`: sluice as a relay under `sluice bench` load, for scenarios
 * (a) forward → null, (b) forward → grep → null, (c) forward → grep → forward(ack) → sluice → null,
 * (d) as (c) with a file buffer, each without and with acks (PackedForward, 1,000 records of ~150 bytes per message by default).
 * Prints events/s, MB/s, delivered events/s, ack latency, CPU and peak/idle RSS per process.
 * Measures only; asserts nothing.
 *
 * Options: --duration TIME (per run, default 10s), --scenarios a,b,c, --ack no|yes|both, --conns N,
 * --batch N, --record-size BYTES, --window N, --json.
 */

import { mkdtempSync, rmSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseTime } from '../../engine/config/types.ts'
import { integerOption, parseArgs, stringOption, type OptionSpec } from '../../node-server/cli/args.ts'
import { nodeRegistry } from '../../node-server/plugins/registry.ts'
import type { PluginKind } from '../../engine/plugin.ts'
import { relayTable } from './report.ts'
import { runScenario, type RelayRun } from './run-scenario.ts'
import { SCENARIOS } from './scenarios.ts'

const OPTIONS: OptionSpec[] = [
  { name: 'duration', type: 'string', description: 'load time per run (default 10s)' },
  { name: 'scenarios', type: 'string', description: 'which of a,b,c,d (default all)' },
  { name: 'ack', type: 'string', description: 'no|yes|both (default both)' },
  { name: 'conns', type: 'string', description: 'bench connections (default 1)' },
  { name: 'batch', type: 'string', description: 'events per PackedForward message (default 1000)' },
  { name: 'record-size', type: 'string', description: 'bytes per record (default 150)' },
  { name: 'window', type: 'string', description: 'unacknowledged messages per connection with acks (default 8)' },
  { name: 'json', type: 'flag', description: 'print the runs as JSON' },
]

async function main(argv: string[]): Promise<number> {
  const { options } = parseArgs(argv, OPTIONS)
  const duration = parseTime(stringOption(options, 'duration') ?? '10s')
  if (!duration.ok) throw new Error(`--duration: ${duration.reason}`)
  const wanted = (stringOption(options, 'scenarios') ?? 'a,b,c,d').split(',').map((s) => s.trim())
  const ackMode = stringOption(options, 'ack') ?? 'both'
  const acks = ackMode === 'both' ? [false, true] : [ackMode === 'yes']
  const registry = nodeRegistry()
  const scenarios = SCENARIOS.filter((s) => wanted.includes(s.id))
  const missing = new Set<string>()
  for (const s of scenarios) {
    for (const need of s.needs) {
      const [kind, name] = need.split(':') as [PluginKind, string]
      if (registry.get(kind, name) === undefined) missing.add(need)
    }
  }
  if (missing.size > 0) {
    process.stderr.write(
      `bench:relay: these plugins are not registered in node-server/plugins/registry.ts yet: ${[...missing].join(', ')}\n`,
    )
    return 1
  }
  const dir = mkdtempSync(join(tmpdir(), 'sluice-relay-'))
  const runs: RelayRun[] = []
  try {
    for (const s of scenarios) {
      for (const ack of acks) {
        process.stderr.write(`bench:relay: scenario ${s.id} (${s.title}), ack ${ack ? 'yes' : 'no'}, ${duration.value} s …\n`)
        runs.push(
          await runScenario(s, ack, {
            durationS: duration.value,
            conns: integerOption(options, 'conns', 1) ?? 1,
            batch: integerOption(options, 'batch', 1) ?? 1000,
            recordSize: integerOption(options, 'record-size', 16) ?? 150,
            window: integerOption(options, 'window', 1) ?? 8,
            dir,
          }),
        )
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  if (options.json) {
    process.stdout.write(JSON.stringify({ node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model, runs }, null, 2) + '\n')
  } else {
    process.stdout.write(`sluice relay benchmark — ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}\n`)
    if (runs[0]) process.stdout.write(`records: ${runs[0].bench.records.detail}; ${runs[0].bench.records.meanBytes.toFixed(0)} B each\n\n`)
    process.stdout.write(relayTable(runs))
  }
  return runs.some((r) => r.errors.length > 0) ? 1 : 0
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`bench:relay: ${error instanceof Error ? error.message : String(error)}\n`)
    process.exit(1)
  },
)
