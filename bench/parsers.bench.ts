/**
 * @module Parser throughput: lines per second of each shipped parser on realistic lines (the
 * loghub logs from ../shared/data/loghub when present, else the 200-line slices in
 * test/fixtures/loghub; Docker json-file lines built from them; ~150-byte access-log JSON lines as
 * `npm run bench:tail` writes them), each written as msgpack entries into one EntriesWriter, plus
 * filter_parser over a stream of Docker records. Baselines run in the same process: `JSON.parse` +
 * @msgpack/msgpack `encode` of the same JSON lines (what a parser without its own writer would
 * do), and parser_json as it was before the core's transcoder (UTF-8 decode, JSON.parse or the
 * lossless reader into Maps, the record writer). json is measured line by line (`parse`) and in
 * batches of 1000 lines (`parseMany`, one core call each). Medians of timed rounds; nothing is
 * asserted.
 *
 * Before timing, the json variants (the JavaScript reader, `parse`, `parseMany`) are checked to
 * write the same entries byte for byte over the same lines (`ok` / `FAIL` lines above the table).
 *
 *   npm run bench:parsers -- [--time 1] [--rounds 7] [--only json]
 */

import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { encode } from '@msgpack/msgpack'
import { EventTime } from '../engine/event-time.ts'
import { streamFromEvents } from '../engine/event-stream.ts'
import { BaseParser, decodeUtf8, INVALID_UTF8, parserEnv, RecordFinisher, withDefaults } from '../engine/parser/common.ts'
import { type ParserPlugin, parseMany } from '../engine/parser/types.ts'
import { buildParser, parseSectionConfig, parserContext } from '../engine/parser/testing.ts'
import type { ParsedRecord } from '../engine/parser/values.ts'
import { parseJsonRecord } from '../engine/records/json-reader.ts'
import { parserJsonDescriptor } from '../engine/schemas/parser_json.ts'
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
const ONLY = args.includes('--only') ? args[args.indexOf('--only') + 1] : null

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
/** bench:tail's access-log lines (bench/tail/data.ts's shape): numeric `ts`, ~150 bytes. */
const METHODS = ['GET', 'GET', 'GET', 'POST', 'PUT', 'DELETE']
const PATHS = ['/api/v1/items', '/api/v1/users', '/healthz', '/static/app.js', '/api/v2/orders', '/login']
const LEVELS = ['info', 'info', 'info', 'warn', 'error', 'debug']
const accessJson = Array.from({ length: 2000 }, (_, i) => {
  const r = Math.imul(i + 1, 2654435761) >>> 0
  return JSON.stringify({
    ts: 1764720000 + (i >> 10),
    level: LEVELS[r % LEVELS.length],
    host: `web-${(r >>> 8) % 64}`,
    method: METHODS[(r >>> 4) % METHODS.length],
    path: `${PATHS[(r >>> 12) % PATHS.length]}/${r % 100000}`,
    status: [200, 200, 200, 201, 304, 404, 500][(r >>> 16) % 7],
    bytes: r % 65536,
    latency_ms: ((r >>> 3) % 100000) / 100,
    msg: 'request served',
  })
})
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
  /** Which baseline the ratio column divides by (default: the docker lines' one). */
  group?: 'docker' | 'access'
  /** This case is its group's baseline (kept when `--only` filters). */
  baseline?: boolean
  /** The entries the case writes for each of its inputs in turn (checked equal across json variants). */
  entries?: () => Uint8Array
}

/** The entries one `parse` per line writes for all of `input`. */
function entriesByLine(parser: { parse: ParserPlugin['parse'] }, input: readonly Uint8Array[]): Uint8Array {
  const out = new EntriesWriter(1 << 20)
  for (const b of input) parser.parse(b, 0, b.length, out, NOW)
  return out.bytes().slice()
}

/** The case of a parser fed one line per `parse` call (`n` lines a run, the output reused). */
function lineCase(name: string, parser: ParserPlugin, input: readonly string[]): Case {
  const encoded = input.map((l) => utf8.encode(l))
  const out = new EntriesWriter(1 << 20)
  return {
    name,
    entries: () => entriesByLine(parser, encoded),
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

function parserCase(name: string, conf: string, input: readonly string[]): Case {
  const parser: ParserPlugin = buildParser(conf)
  return lineCase(name, parser, input)
}

/** parseMany over batches of `batch` lines of one buffer (what in_tail hands over per read). */
function batchCase(name: string, conf: string, input: readonly string[], batch = 1000): Case {
  const parser: ParserPlugin = buildParser(conf)
  const buffers: { bytes: Uint8Array; ranges: Int32Array; count: number }[] = []
  for (let at = 0; at < input.length; at += batch) {
    const lines = input.slice(at, at + batch)
    const bytes = utf8.encode(`${lines.join('\n')}\n`)
    const ranges = new Int32Array(lines.length * 2)
    let p = 0
    lines.forEach((_, i) => {
      const nl = bytes.indexOf(0x0a, p)
      ranges[2 * i] = p
      ranges[2 * i + 1] = nl
      p = nl + 1
    })
    buffers.push({ bytes, ranges, count: lines.length })
  }
  const out = new EntriesWriter(1 << 20)
  const failed = () => {}
  return {
    name,
    entries() {
      const all = new EntriesWriter(1 << 20)
      for (const b of buffers) parseMany(parser, b.bytes, b.ranges, b.count, all, NOW, failed)
      return all.bytes().slice()
    },
    run(n) {
      let bytes = 0
      out.truncate(0, 0)
      for (let done = 0, k = 0; done < n; k++) {
        const b = buffers[k % buffers.length]
        if (out.length > 1 << 22) out.truncate(0, 0)
        parseMany(parser, b.bytes, b.ranges, b.count, out, NOW, failed)
        done += b.count
        bytes += b.bytes.length
      }
      return bytes
    },
  }
}

/** parser_json before the core's transcoder (its JavaScript reading step), as a baseline. */
class JsReaderJsonParser extends BaseParser {
  protected parseBytes(bytes: Uint8Array, start: number, end: number): void {
    const text = decodeUtf8(bytes, start, end)
    if (text === null) return this.unmatched(INVALID_UTF8)
    let value: unknown
    try {
      value = parseJsonRecord(text)
    } catch (error) {
      return this.unmatched(String(error))
    }
    if (value instanceof Map) return this.emit(value as ParsedRecord)
    if (!Array.isArray(value)) return this.unmatched('not a JSON object')
    for (const item of value) {
      if (item instanceof Map) this.emit(item as ParsedRecord)
      else this.unmatched('an element of the JSON array is not an object')
    }
  }
}

function jsReaderCase(name: string, conf: string, input: readonly string[]): Case {
  const config = withDefaults(parserJsonDescriptor.schema, parseSectionConfig(conf)) as never as Parameters<
    typeof parserJsonDescriptor.schema.params.map
  >[0] &
    Record<string, never>
  const c = config as unknown as { time_format: string | null; timeout: number | null } & ConstructorParameters<typeof RecordFinisher>[0]
  const parser = new JsReaderJsonParser(
    new RecordFinisher(c, { defaultTimeType: c.time_format === null ? 'float' : 'string' }),
    parserEnv(parserContext()),
    'json',
    c.timeout,
  )
  return lineCase(name, parser, input)
}

function jsonBaseline(name: string, input: readonly string[], group: Case['group']): Case {
  return {
    name,
    group,
    baseline: true,
    run(n) {
      let bytes = 0
      for (let i = 0; i < n; i++) {
        const l = input[i % input.length]
        encode(JSON.parse(l))
        bytes += l.length
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

const ISO = '@type json\ntime_format %iso8601'
const TS = '@type json\ntime_key ts'
/** The json variants over the same lines: checked to write the same entries before timing. */
const dockerJson: Case[] = [
  jsReaderCase('json before the core: the JavaScript reader (docker, %iso8601)', ISO, docker),
  parserCase('json (docker lines, time %iso8601)', ISO, docker),
  batchCase('json parseMany ×1000 (docker lines, time %iso8601)', ISO, docker),
]
const accessJsonCases: Case[] = [
  jsReaderCase('json before the core: the JavaScript reader (access, ts)', TS, accessJson),
  parserCase('json (access lines, numeric ts)', TS, accessJson),
  batchCase('json parseMany ×1000 (access lines, numeric ts)', TS, accessJson),
].map((c) => ({ ...c, group: 'access' as const }))
const cases: Case[] = [
  jsonBaseline('baseline: JSON.parse + @msgpack/msgpack encode (docker lines)', docker, 'docker'),
  ...dockerJson,
  parserCase('json (docker lines, default time: date string read as a date)', '@type json', docker),
  jsonBaseline('baseline: JSON.parse + @msgpack/msgpack encode (access lines)', accessJson, 'access'),
  ...accessJsonCases,
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

// Checks before timing: the json variants over the same lines (the JavaScript reader, one parse
// per line, parseMany) must write the same entries byte for byte.
const checks: string[] = []
for (const [variants, what] of [
  [dockerJson, 'docker lines, %iso8601'],
  [accessJsonCases, 'access lines, numeric ts'],
] as const) {
  const [first, ...rest] = variants.map((c) => ({ name: c.name, bytes: c.entries!() }))
  if (first.bytes.length === 0) checks.push(`FAIL ${what}: ${first.name} wrote no entries`)
  for (const other of rest) {
    const same = other.bytes.length === first.bytes.length && other.bytes.every((b, i) => b === first.bytes[i])
    checks.push(`${same ? 'ok  ' : 'FAIL'} ${what}: ${other.name} writes the same ${first.bytes.length} bytes as ${first.name}`)
  }
}

const chosen = ONLY === null ? cases : cases.filter((c) => c.baseline || c.name.includes(ONLY))
const rows = chosen.map((c) => {
  process.stderr.write(`${c.name}…\n`)
  return { ...measure(c), group: c.group ?? 'docker' }
})
const baseOf = (group: string) => rows.find((r) => r.group === group && chosen.find((c) => c.name === r.name)?.baseline)!.linesPerSec
console.log(`parsers (${full ? 'loghub full files' : 'loghub slices'}; median of ${ROUNDS} rounds, ~${TIME}s per case)`)
for (const c of checks) console.log(c)
for (const r of rows) {
  console.log(
    `${r.name.padEnd(66)} ${Math.round(r.linesPerSec).toLocaleString('en-US').padStart(12)} lines/s ${r.mbPerSec.toFixed(1).padStart(7)} MB/s  ${(r.linesPerSec / baseOf(r.group)).toFixed(2)}× ${r.group} baseline`,
  )
}
