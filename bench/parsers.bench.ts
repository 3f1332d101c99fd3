/**
 * @module Parser throughput: lines per second of each shipped parser on realistic lines (the
 * loghub logs from ../shared/data/loghub when present, else the 200-line slices in
 * test/fixtures/loghub; Docker json-file lines built from them), each written as msgpack entries
 * into one EntriesWriter, plus filter_parser over a stream of Docker records. A baseline runs in the
 * same process: `JSON.parse` + @msgpack/msgpack `encode` of the same JSON lines (what a parser
 * without its own writer would do). Medians of timed rounds; nothing is asserted.
 *
 *   npx tsx bench/parsers.bench.ts [--time 1] [--rounds 7]
 */

import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { encode } from '@msgpack/msgpack'
import { EventTime } from '../engine/event-time.ts'
import { streamFromEvents } from '../engine/event-stream.ts'
import type { ParserPlugin } from '../engine/parser/types.ts'
import { buildParser, parseSectionConfig, parserContext } from '../engine/parser/testing.ts'
import { filterParser } from '../engine/plugins/filter_parser/index.ts'
import { EntriesWriter } from '../engine/records/entries-writer.ts'
import { loadCore } from '../wasm/load-node.ts'

const args = process.argv.slice(2)
const flag = (name: string, dflt: number) => {
  const i = args.indexOf(name)
  return i >= 0 ? Number(args[i + 1]) : dflt
}
const TIME = flag('--time', 1)
const ROUNDS = flag('--rounds', 7)

const ROOT = join(import.meta.dirname, '..')
const FULL = join(ROOT, '..', 'shared', 'data', 'loghub')
const full = existsSync(join(FULL, 'Linux_2k.log'))
function lines(name: string): string[] {
  const path = full ? join(FULL, `${name}_2k.log`) : join(ROOT, 'test', 'fixtures', 'loghub', `${name}_2k.head200.log`)
  return readFileSync(path, 'utf8')
    .split('\n')
    .map((l) => l.replace(/\r$/, ''))
    .filter((l) => l !== '')
}

const utf8 = new TextEncoder()
const NOW = new EventTime(1_700_000_000)

const linux = lines('Linux')
const apache = lines('Apache')
const docker = linux.map((l, i) =>
  JSON.stringify({
    log: `${l}\n`,
    stream: i % 3 === 0 ? 'stderr' : 'stdout',
    time: `2023-06-14T15:16:${String(i % 60).padStart(2, '0')}.${String(123456789 + i).slice(0, 9)}Z`,
  }),
)
const dockerKeyed = docker.map((l) => l.replace('{', '{"1":0,'))
const access = apache.map(
  (_, i) =>
    `192.168.0.${i % 250} - - [28/Feb/2013:12:00:${String(i % 60).padStart(2, '0')} +0900] "GET /item/${i} HTTP/1.1" 200 ${700 + i} "-" "Mozilla/5.0 (X11; Linux x86_64)"`,
)
const csv = linux.map((l, i) => `${i},"${l.slice(16).replace(/"/g, '""')}",${i % 7}`)
const ltsv = linux.map((l, i) => `host:combo\tpid:${i}\tmessage:${l.slice(16)}`)

interface Case {
  name: string
  /** Runs `n` lines; returns the bytes read. */
  run: (n: number) => number
}

function parserCase(name: string, conf: string, input: readonly string[]): Case {
  const parser: ParserPlugin = buildParser(conf)
  const encoded = input.map((l) => utf8.encode(l))
  const out = new EntriesWriter(1 << 20)
  return {
    name,
    run(n) {
      let bytes = 0
      out.truncate(0, 0)
      for (let i = 0; i < n; i++) {
        const b = encoded[i % encoded.length]
        if (out.length > 1 << 22) out.truncate(0, 0)
        parser.parse(b, 0, b.length, out, NOW)
        bytes += b.length
      }
      return bytes
    },
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]
}

function measure(c: Case): { name: string; linesPerSec: number; mbPerSec: number } {
  let n = 1000
  const warm = performance.now()
  while (performance.now() - warm < 300) c.run(n)
  // size a round to about TIME / ROUNDS seconds
  for (;;) {
    const t = performance.now()
    c.run(n)
    const ms = performance.now() - t
    if (ms > (TIME * 1000) / ROUNDS / 2 || n > 1e7) break
    n *= 2
  }
  const rates: number[] = []
  const mbs: number[] = []
  for (let r = 0; r < ROUNDS; r++) {
    const t = performance.now()
    const bytes = c.run(n)
    const s = (performance.now() - t) / 1000
    rates.push(n / s)
    mbs.push(bytes / s / 1e6)
  }
  return { name: c.name, linesPerSec: median(rates), mbPerSec: median(mbs) }
}

const core = await loadCore()
const filterCase = (name: string, conf: string): Case => {
  const ctx = {
    ...parserContext(),
    core,
    id: 'bench',
    metrics: { emits: 0, eventsIn: 0, eventsOut: 0, bytesIn: 0, bytesOut: 0, errors: 0, dropped: 0 },
    errorRouter: null,
  }
  const filter = filterParser.create(ctx as never, { key_name: 'log', reserve_data: true, parse: parseSectionConfig(conf) } as never, {
    name: 'filter',
    arg: '',
    params: {},
    elements: [],
  })
  const records = linux.slice(0, 1000).map((l, i) => ({
    time: NOW,
    record: {
      log: JSON.stringify({ level: 'info', msg: l.slice(16), n: i }),
      stream: 'stdout',
      kubernetes: { pod_name: `web-${i % 10}`, namespace_name: 'default', labels: { app: 'web' } },
    },
  }))
  const stream = streamFromEvents('kube.web', records)
  return {
    name,
    run(n) {
      let bytes = 0
      for (let done = 0; done < n; done += records.length) {
        filter.filter(stream)
        bytes += stream.entries.length
      }
      return bytes
    },
  }
}

const cases: Case[] = [
  {
    name: 'baseline: JSON.parse + @msgpack/msgpack encode (docker lines)',
    run(n) {
      let bytes = 0
      for (let i = 0; i < n; i++) {
        const l = docker[i % docker.length]
        encode(JSON.parse(l))
        bytes += l.length
      }
      return bytes
    },
  },
  parserCase('json (docker lines, time %iso8601)', '@type json\ntime_format %iso8601', docker),
  parserCase('json (docker lines, default time: date string read as a date)', '@type json', docker),
  parserCase('json (integer-like key: the lossless reader)', '@type json\ntime_format %iso8601', dockerKeyed),
  parserCase('docker', '@type docker', docker),
  parserCase('syslog rfc3164, regexp engine (Linux)', '@type syslog', linux),
  parserCase('syslog rfc3164, string engine (Linux)', '@type syslog\nparser_engine string', linux),
  parserCase('apache_error (Apache, guessed time)', '@type apache_error', apache),
  parserCase('apache2 (access lines)', '@type apache2', access),
  parserCase(
    'nginx (access lines, as strings)',
    '@type nginx',
    access.map((l) => l.replace(' - - ', ' host - ')),
  ),
  parserCase(
    'regexp + types (Linux)',
    '@type regexp\nexpression /^(?<time>\\w+ +\\d+ [\\d:]+) (?<host>\\S+) (?<ident>[^\\[:]+)(?:\\[(?<pid>\\d+)\\])?: (?<message>.*)$/\ntime_format %b %d %H:%M:%S\ntypes pid:integer',
    linux,
  ),
  parserCase('csv (normal)', '@type csv\nkeys id,message,n', csv),
  parserCase('ltsv', '@type ltsv', ltsv),
  parserCase('none', '@type none', linux),
  parserCase(
    'cri',
    '@type cri',
    linux.map((l, i) => `2023-06-14T15:16:${String(i % 60).padStart(2, '0')}.123456789Z stdout F ${l}`),
  ),
  filterCase('filter_parser json, reserve_data (k8s-like records)', '@type json'),
]

const rows = cases.map((c) => {
  process.stderr.write(`${c.name}…\n`)
  return measure(c)
})
const base = rows[0].linesPerSec
console.log(`parsers (${full ? 'loghub full files' : 'loghub slices'}; median of ${ROUNDS} rounds, ~${TIME}s per case)`)
for (const r of rows) {
  console.log(
    `${r.name.padEnd(66)} ${Math.round(r.linesPerSec).toLocaleString('en-US').padStart(12)} lines/s ${r.mbPerSec.toFixed(1).padStart(7)} MB/s  ${(r.linesPerSec / base).toFixed(2)}× baseline`,
  )
}
