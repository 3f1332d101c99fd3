/**
 * @module Test helpers for parsers: build a parser from `<parse>` text through the real config
 * validation (the parser's schema, with every shipped parser registered, so nested `<parse>`
 * sections work), run it on text, read the entries back with the lossless reader (floats stay
 * `FloatValue`, maps become plain objects for comparison), and collect log warnings.
 */

import { Core } from '../../wasm/core.ts'
import { parseConfig } from '../config/parse.ts'
import { type SectionSpec, validateElement } from '../config/schema.ts'
import { EventTime } from '../event-time.ts'
import type { LogFields, Logger } from '../log.ts'
import { type ParserPlugin, type PluginContext, PluginRegistry, type PluginSectionConfig } from '../plugin.ts'
import { PARSERS } from '../plugins/parsers.ts'
import { CaptureSink } from './capture-sink.ts'
import { readValue } from './record-reader.ts'
import type { ParserStream } from './types.ts'

export { PARSERS }

export const parserRegistry = new PluginRegistry().register(...PARSERS)

const parseSection: SectionSpec = {
  name: 'parse',
  description: 'test',
  plugin: { kind: 'parser', defaultType: null },
  schema: { params: [] },
}

export interface Warning {
  message: string
  fields?: LogFields
}

/** A logger that keeps warnings (and errors) in `warnings`. */
export function testLogger(warnings: Warning[]): Logger {
  const keep = (message: string, fields?: LogFields) => warnings.push({ message, fields })
  const logger: Logger = {
    level: 'info',
    enabled: () => true,
    trace() {},
    debug() {},
    info() {},
    warn: keep,
    error: keep,
    child: () => logger,
  }
  return logger
}

let sharedCore: Core | null = null

/**
 * The core the test parsers run on (parser_json's transcoder). Runtimes that cannot read files
 * (workerd, Chromium) hand theirs over with `useTestCore` first; under Node it is compiled from
 * wasm/build/core.wasm on first use (synchronously: `buildParser` is synchronous).
 */
export function useTestCore(core: Core): void {
  sharedCore = core
}

export function testCore(): Core {
  if (sharedCore !== null) return sharedCore
  // Node only, reached without an import statement so this helper stays loadable everywhere.
  const builtin = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule
  if (typeof builtin !== 'function') throw new Error('no core for the parsers: call useTestCore(core) first')
  const fs = builtin('node:fs') as { readFileSync(path: URL): Uint8Array }
  // Typed loosely: the workerd typings (this file is type-checked there too) have neither.
  const Module = WebAssembly.Module as unknown as new (bytes: Uint8Array) => WebAssembly.Module
  const here = (import.meta as { url: string }).url
  sharedCore = Core.fromModule(new Module(fs.readFileSync(new URL('../../wasm/build/core.wasm', here))))
  return sharedCore
}

/** A parser context: createParser builds nested `<parse>` sections from the shipped parsers. */
export function parserContext(warnings: Warning[] = [], now = () => 1_700_000_000_000): PluginContext {
  const ctx = {
    log: testLogger(warnings),
    now,
    get core() {
      return testCore()
    },
    createParser: (config: PluginSectionConfig) =>
      parserRegistry.get('parser', config['@type'])!.create(ctx, config, { name: 'parse', arg: '', params: {}, elements: [] }),
  } as unknown as PluginContext
  return ctx
}

/** The validated `<parse>` config of `body` (the lines inside `<parse>`); throws on a config error. */
export function parseSectionConfig(body: string): PluginSectionConfig {
  const text = `<source>\n<parse>\n${body}\n</parse>\n</source>\n`
  const parsed = parseConfig(text, 'test.conf', { env: {}, hostname: 'h', workerId: 0 })
  const { config, errors } = validateElement(parsed.config.root.elements[0], { params: [], sections: [parseSection] }, parsed.locs, {
    plugins: parserRegistry,
  })
  if (errors.length > 0) throw new Error(errors.map((e) => `${e.line}: ${e.reason} (${e.hint})`).join('; '))
  return (config as { parse: PluginSectionConfig }).parse
}

/** Builds the parser of a `<parse>` body, e.g. `'@type json\ntime_format %iso8601'`. */
export function buildParser(body: string, warnings: Warning[] = []): ParserPlugin {
  const config = parseSectionConfig(body)
  return parserRegistry
    .get('parser', config['@type'])!
    .create(parserContext(warnings), config, { name: 'parse', arg: '', params: {}, elements: [] })
}

/** A decoded value for comparisons: Maps become plain objects (EventTime, FloatValue, RawString stay). */
export function plain(value: unknown): unknown {
  if (value instanceof Map) {
    const out: Record<string, unknown> = {}
    for (const [k, v] of value) out[String(k)] = plain(v)
    return out
  }
  if (Array.isArray(value)) return value.map(plain)
  return value
}

export interface Parsed {
  time: EventTime
  record: Record<string, unknown>
  /** The record's msgpack bytes. */
  bytes: Uint8Array
}

/** The records of a sink. */
export function records(sink: CaptureSink): Parsed[] {
  return sink.records.map((r) => ({
    time: new EventTime(r.sec, r.nsec),
    record: plain(readValue(r.bytes, 0)[0]) as Record<string, unknown>,
    bytes: r.bytes,
  }))
}

export const NOW = new EventTime(1_700_000_000, 123_000_000)

export interface Outcome {
  records: Parsed[]
  returned: number
  lastError: string
  lastFailure: 'unmatched' | 'invalid' | null | undefined
  lastUnmatched: number | undefined
}

const encoder = new TextEncoder()

/** Runs `parser.parse` on `input` (text or bytes). */
export function run(parser: ParserPlugin, input: string | Uint8Array, now = NOW, original?: EventTime): Outcome {
  const bytes = typeof input === 'string' ? encoder.encode(input) : input
  const sink = new CaptureSink()
  const returned = parser.parse(bytes, 0, bytes.length, sink, now, original)
  return {
    records: records(sink),
    returned,
    lastError: parser.lastError,
    lastFailure: parser.lastFailure,
    lastUnmatched: parser.lastUnmatched,
  }
}

/** Parses one text with the parser of a `<parse>` body. */
export function parseWith(body: string, input: string | Uint8Array, now = NOW, original?: EventTime): Outcome {
  return run(buildParser(body), input, now, original)
}

/** Feeds lines to a stream; returns the records and the unmatched texts. */
export function feed(
  stream: ParserStream,
  lines: readonly (string | Uint8Array)[],
  flush = true,
  now = NOW,
): { records: Parsed[]; unmatched: [string, string][] } {
  const sink = new CaptureSink()
  const unmatched: [string, string][] = []
  const cb = (text: Uint8Array, reason: string) => unmatched.push([new TextDecoder().decode(text), reason])
  for (const line of lines) {
    const bytes = typeof line === 'string' ? encoder.encode(line) : line
    stream.push(bytes, 0, bytes.length, sink, now, cb)
  }
  if (flush) stream.flush(sink, now, cb)
  return { records: records(sink), unmatched }
}

/** Seconds since the epoch of a UTC date. */
export const utc = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0) => Date.UTC(y, mo - 1, d, h, mi, s) / 1000
