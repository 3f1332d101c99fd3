/**
 * @module `npm run bench:nats`: the scale-out tier end to end on this machine — `sluice bench --ack`
 * → agent sluice (in_forward → out_nats) → nats-server JetStream (one server, file storage) →
 * 1 and then 2 aggregator sluices sharing one durable consumer (in_nats → out_null). Prints, per
 * aggregator count: events/s acknowledged at the agent, events/s delivered end to end (counted by
 * the aggregators' out_null over load + drain time), each aggregator's share, and every process's
 * CPU and peak RSS. Every process shares the machine's cores with the others: read the scaling
 * as what one machine does, not what a pool of machines would. Measures only; asserts nothing.
 *
 * Options: --duration TIME (per run, default 10s), --aggregators 1,2, --conns N (default 2),
 * --batch N (events per PackedForward, default 1000), --record-size BYTES (default 150),
 * --window N (default 8), --publishers N (out_nats flush_thread_count, default 4),
 * --chunk-limit SIZE (default 1m), --json.
 */

import { cpus } from 'node:os'
import { parseTime } from '../../engine/config/types.ts'
import { integerOption, type OptionSpec, parseArgs, stringOption } from '../../node-server/cli/args.ts'
import { type NatsRun, runNats } from './run.ts'

const OPTIONS: OptionSpec[] = [
  { name: 'duration', type: 'string', description: 'load time per run (default 10s)' },
  { name: 'aggregators', type: 'string', description: 'aggregator counts to run (default 1,2)' },
  { name: 'modes', type: 'string', description: 'e2e (consume under load) and/or drain (consume a backlog), default e2e,drain' },
  { name: 'conns', type: 'string', description: 'bench connections (default 2)' },
  { name: 'batch', type: 'string', description: 'events per PackedForward message (default 1000)' },
  { name: 'record-size', type: 'string', description: 'bytes per record (default 150)' },
  { name: 'window', type: 'string', description: 'unacknowledged messages per bench connection (default 8)' },
  { name: 'publishers', type: 'string', description: "the agent's out_nats flush_thread_count (default 4)" },
  { name: 'chunk-limit', type: 'string', description: "the agent's chunk_limit_size (default 1m)" },
  { name: 'json', type: 'flag', description: 'print the runs as JSON' },
]

const mib = (b: number | null) => (b === null ? '-' : `${(b / 1024 / 1024).toFixed(0)} MiB`)
const k = (n: number) => Math.round(n).toLocaleString('en-US')

function table(runs: NatsRun[]): string {
  const lines: string[] = []
  for (const mode of ['e2e', 'drain'] as const) {
    const these = runs.filter((r) => r.mode === mode)
    if (these.length > 0) lines.push(...modeTable(mode, these), '')
  }
  for (const r of runs) {
    lines.push(`${r.mode} with ${r.aggregators} aggregator(s): processes (CPU % of one core over the measured time; peak RSS / RSS before)`)
    lines.push('| process | CPU | peak RSS | idle RSS |')
    lines.push('|---|---|---|---|')
    for (const p of r.processes) {
      lines.push(
        `| ${p.name} | ${p.cpuPercent === null ? '-' : `${p.cpuPercent.toFixed(0)} %`} | ${mib(p.peakRssBytes)} | ${mib(p.idleRssBytes)} |`,
      )
    }
    if (r.errors.length > 0) lines.push(`errors: ${r.errors.join('; ')}`)
    lines.push('')
  }
  return lines.join('\n')
}

function modeTable(mode: 'e2e' | 'drain', runs: NatsRun[]): string[] {
  const lines: string[] = []
  const base = runs.find((r) => r.aggregators === 1)?.deliveredPerSec ?? null
  lines.push(
    mode === 'e2e'
      ? 'end to end: aggregators consume while the agent is under load (events/s over load + drain time)'
      : 'backlog drain: the agent filled the stream first; aggregators then consume it alone (events/s from their start)',
  )
  lines.push(
    `| aggregators | acked at agent ev/s | agent ack p50/p99 ms | delivered ev/s | vs 1 aggregator | per aggregator (events) | ${mode === 'e2e' ? 'caught up after the load' : 'time to drain'} | messages in stream |${mode === 'drain' ? ' consumed before all were up (not in the rate) |' : ''}`,
  )
  lines.push(`|---|---|---|---|---|---|---|---|${mode === 'drain' ? '---|' : ''}`)
  for (const r of runs) {
    lines.push(
      `| ${r.aggregators} | ${k(r.bench.eventsPerSec)} | ${r.bench.ackLatency ? `${r.bench.ackLatency.p50Ms.toFixed(1)} / ${r.bench.ackLatency.p99Ms.toFixed(1)}` : '-'} | ${k(r.deliveredPerSec)} | ${base === null ? '-' : `${(r.deliveredPerSec / base).toFixed(2)}×`} | ${r.perAggregator.map(k).join(' / ')} | ${(r.drainMs / 1000).toFixed(1)} s | ${r.messagesInStream === null ? '-' : k(r.messagesInStream)} |${mode === 'drain' ? ` ${k(r.consumedBeforeAllUp)} |` : ''}`,
    )
  }
  return lines
}

async function main(argv: string[]): Promise<number> {
  const { options } = parseArgs(argv, OPTIONS)
  const duration = parseTime(stringOption(options, 'duration') ?? '10s')
  if (!duration.ok) throw new Error(`--duration: ${duration.reason}`)
  const counts = (stringOption(options, 'aggregators') ?? '1,2').split(',').map((s) => Number(s.trim()))
  const modes = (stringOption(options, 'modes') ?? 'e2e,drain').split(',').map((s) => s.trim())
  if (modes.some((m) => m !== 'e2e' && m !== 'drain')) throw new Error('--modes: e2e and/or drain')
  if (counts.some((c) => !Number.isInteger(c) || c < 1)) throw new Error('--aggregators: a list of counts such as 1,2')
  const runs: NatsRun[] = []
  for (const mode of modes as ('e2e' | 'drain')[]) {
    for (const aggregators of counts) {
      process.stderr.write(`bench:nats: ${mode}, ${aggregators} aggregator(s), ${duration.value} s of load …\n`)
      runs.push(
        await runNats({
          mode,
          aggregators,
          durationS: duration.value,
          conns: integerOption(options, 'conns', 1) ?? 2,
          batch: integerOption(options, 'batch', 1) ?? 1000,
          recordSize: integerOption(options, 'record-size', 16) ?? 150,
          window: integerOption(options, 'window', 1) ?? 8,
          publishers: integerOption(options, 'publishers', 1) ?? 4,
          chunkLimit: stringOption(options, 'chunk-limit') ?? '1m',
        }),
      )
    }
  }
  const cpu = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model, runs }, null, 2)}\n`)
  } else {
    process.stdout.write(
      `sluice NATS scale-out benchmark — ${cpu}, Node ${process.version}; the load generator, the agent, nats-server and the aggregators all share these cores\n` +
        `load: sluice bench --ack, ${runs[0]?.bench.conns} connections, ${runs[0]?.bench.batch} events of ~${Math.round(runs[0]?.bench.records.meanBytes ?? 0)} B per PackedForward, window ${runs[0]?.bench.window}\n\n` +
        `${table(runs)}\n`,
    )
  }
  return runs.some((r) => r.errors.length > 0) ? 1 : 0
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench:nats: ${error instanceof Error ? error.message : String(error)}\n`)
    process.exit(1)
  },
)
