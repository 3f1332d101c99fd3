/**
 * @module `npm run bench:formats`: formatting throughput of out_file's default line and the json
 * formatter over the loghub records of bench/inputs.ts (one chunk of `--records` entries, walked
 * with the core as out_file does), against the naive JavaScript path measured in the same run:
 * decode each record to an object (@msgpack/msgpack) and JSON.stringify it (which is also not
 * Fluentd's bytes). Also `<inject>` (tag and float time keys) on top of out_file. Prints a table;
 * asserts nothing.
 */

import { decode } from '@msgpack/msgpack'
import { ByteBuffer } from '../engine/formatter/byte-buffer.ts'
import { formatEntries } from '../engine/formatter/format-stream.ts'
import type { FormatterPlugin } from '../engine/formatter/types.ts'
import { createInjector, withInject } from '../engine/inject/injector.ts'
import { createLogger } from '../engine/log.ts'
import { walkEntryRanges } from '../engine/output/entries.ts'
import { iso8601, UTC } from '../engine/output/time-format.ts'
import { EntriesWriter } from '../engine/records/entries-writer.ts'
import { loadCore } from '../wasm/load-node.ts'
import { formatterFrom } from '../test/helpers/formatters.ts'
import { fmt, median, parseArgs, table } from './harness.ts'
import { buildInputs, DEFAULT_INPUT_OPTIONS } from './inputs.ts'

const opts = parseArgs(process.argv.slice(2))
const inputs = buildInputs({ ...DEFAULT_INPUT_OPTIONS, records: Math.min(opts.records, 100_000) })
const core = await loadCore()
const { records, sec, nsec } = inputs.records
const writer = new EntriesWriter(records.length * 160)
for (let i = 0; i < records.length; i++) writer.appendEncoded(sec[i], nsec[i], records[i], 0, records[i].length)
const entries = writer.bytes()
const tag = 'bench.formats'
const n = records.length

const out = new ByteBuffer(entries.length * 3)
const viaFormatter = (formatter: FormatterPlugin) => () => {
  out.reset()
  formatEntries(core, formatter, tag, entries, out)
  return out.length
}

const outFile = formatterFrom({ '@type': 'out_file', utc: 'true' })
const json = formatterFrom({ '@type': 'json' })
const injected = withInject(
  outFile,
  createInjector(
    {
      hostname_key: null,
      hostname: null,
      worker_id_key: null,
      tag_key: 'tag',
      time_key: 'time',
      time_type: 'float',
      time_format: null,
      localtime: true,
      utc: false,
      timezone: null,
    },
    { hostname: 'bench', log: createLogger(() => {}, 'error') },
  ),
)
const encoder = new TextEncoder()
const naive = () => {
  let total = 0
  walkEntryRanges(core, entries, (_s, _e, s, _ns, start, end, mem) => {
    const line = `${iso8601(s, UTC)}\t${tag}\t${JSON.stringify(decode(mem.subarray(start, end)))}\n`
    total += encoder.encode(line).length
  })
  return total
}

interface Case {
  id: string
  impl: string
  run: () => number
}

const cases: Case[] = [
  { id: 'formats.out_file', impl: 'sluice', run: viaFormatter(outFile) },
  { id: 'formats.json', impl: 'sluice', run: viaFormatter(json) },
  { id: 'formats.out_file+inject', impl: 'sluice', run: viaFormatter(injected) },
  { id: 'formats.naive', impl: 'decode+JSON.stringify', run: naive },
].filter((c) => opts.filter === null || opts.filter.test(c.id))

// Warm-up, then interleaved rounds (case A, case B, …, A again) so load bursts hit every case alike.
let keep = 0
for (const c of cases) {
  const t0 = performance.now()
  do keep ^= c.run()
  while (performance.now() - t0 < opts.warmup * 1000)
}
const rounds = new Map<string, number[]>(cases.map((c) => [c.id, []]))
for (let r = 0; r < opts.rounds; r++) {
  for (const c of cases) {
    const t0 = performance.now()
    keep ^= c.run()
    rounds.get(c.id)!.push(n / ((performance.now() - t0) / 1000))
  }
}
const perSec = (id: string) => median(rounds.get(id)!)
const rows = cases.map((c) => [
  c.id,
  c.impl,
  `${fmt(perSec(c.id) / 1e6)} M records/s`,
  `${fmt((perSec(c.id) * entries.length) / n / 1e6, 0)} MB/s of msgpack`,
  rounds.has('formats.naive') ? `${fmt(perSec(c.id) / perSec('formats.naive'))}×` : '',
])
console.log(
  `${n} records, ${fmt(entries.length / n, 1)} B of msgpack each; median of ${opts.rounds} interleaved rounds (checksum ${keep & 0xff})`,
)
console.log(table([['case', 'implementation', 'records', 'input', 'vs naive'], ...rows]))
