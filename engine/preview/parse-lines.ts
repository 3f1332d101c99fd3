/**
 * @module Raw lines through a parser, with the parser plugins' own code (engine/plugins/parser_*):
 * the designer's parse preview, a `<source>` whose `<parse>` turns sample lines into events, and
 * `sluice test` cases given as a `line`. A `<parse>` element is validated against its parser's
 * schema (as the agent validates a section), built by the plugin's `create`, and fed line by line
 * (through `newStream` for parsers that join lines: multiline, cri, docker). For the explanation,
 * the named captures of the parser's regexp params (`expression`, `format_firstline`, `formatN`)
 * are located in each line.
 */

import { ConfigError } from '../config/errors.ts'
import { createElement, getParam, type ConfigElement } from '../config/model.ts'
import { validateElement } from '../config/schema.ts'
import type { RegexpValue } from '../config/types.ts'
import { decodeRecord } from '../event-stream.ts'
import { EventTime } from '../event-time.ts'
import { createLogger } from '../log.ts'
import type { EntrySink, ParserPlugin } from '../parser/types.ts'
import type { PluginContext, PluginSectionConfig, PluginSpec } from '../plugin.ts'
import type { Core } from '../../wasm/core.ts'
import { PREVIEW_HOSTNAME, type CatalogEntry } from './types.ts'

/** Where a named capture of the parser's regexp is in the line (UTF-16 offsets). */
export interface LineCapture {
  /** The capture's name: the field it fills. */
  name: string
  start: number
  end: number
  /** Which regexp param matched (`expression`, `format_firstline` …). */
  param: string
}

export interface ParsedRecord {
  time: { sec: number; nsec: number }
  record: Record<string, unknown>
}

export interface ParsedLine {
  /** 1-based line number in the text. */
  line: number
  text: string
  /** The records this line completed (a joining parser may complete a record at a later line). */
  records: ParsedRecord[]
  /** Why the line gave no record (the parser's lastError), or null. */
  error: string | null
  /** 'unmatched' (not the parser's shape) or 'invalid' (the shape, but a value is unusable), when it failed. */
  failure: 'unmatched' | 'invalid' | null
  captures: LineCapture[]
}

export interface LineParser {
  type: string
  /** Null when the `<parse>` is invalid (see problems). */
  parser: ParserPlugin | null
  /** The `<parse>` section's errors and warnings, as `sluice check` words them. */
  problems: ConfigError[]
  /** The parser's regexps, compiled with indices, for the capture explanation. */
  highlighters: { param: string; regexp: RegExp }[]
}

/**
 * Builds the parser of a `<parse>` element (params and nested sections as written). `hostname` is
 * what the parser's context gives as the host name (the preview's stand-in unless a daemon said).
 */
export function buildLineParser(
  core: Core,
  catalog: readonly CatalogEntry[],
  element: ConfigElement,
  now: () => number,
  hostname = PREVIEW_HOSTNAME,
): LineParser {
  const type = getParam(element, '@type') ?? 'none'
  const parsers = new Map(
    catalog.filter((e) => e.kind === 'parser' && e.spec !== undefined).map((e) => [e.name, e.spec as PluginSpec<'parser'>]),
  )
  const spec = parsers.get(type)
  const at = (reason: string, hint: string, severity: 'error' | 'warning' = 'error') =>
    new ConfigError({ file: '<parse>', line: 0, reason, hint, severity })
  if (spec === undefined) {
    const known = [...parsers.keys()].sort()
    return {
      type,
      parser: null,
      problems: [at(`unknown parser plugin '${type}'`, known.length ? `available: ${known.join(', ')}` : 'no parser plugin is loaded')],
      highlighters: [],
    }
  }
  const validated = validateElement(element, spec.schema, undefined, {
    plugins: {
      schema: (kind, name) => catalog.find((e) => e.kind === kind && e.name === name)?.schema,
      names: (kind) => catalog.filter((e) => e.kind === kind).map((e) => e.name),
    },
  })
  const problems = [...validated.errors, ...validated.warnings]
  if (validated.errors.length > 0) return { type, parser: null, problems, highlighters: [] }
  const log = createLogger(() => {}, 'fatal')
  const ctx = {
    core,
    id: 'parse-preview',
    log,
    now,
    hostname,
    createParser(config: PluginSectionConfig, child?: ConfigElement) {
      const nested = parsers.get(config['@type'])
      if (nested === undefined) throw new Error(`unknown parser plugin '${config['@type']}'`)
      return nested.create(ctx as unknown as PluginContext, config, child ?? createElement('parse'))
    },
  }
  let parser: ParserPlugin | null = null
  try {
    parser = spec.create(ctx as unknown as PluginContext, validated.config, element)
  } catch (error) {
    problems.push(
      at(`cannot configure parser plugin '${type}': ${error instanceof Error ? error.message : String(error)}`, 'check the <parse> params'),
    )
  }
  return { type, parser, problems, highlighters: highlighters(validated.config as Record<string, unknown>) }
}

/** The parser's regexp-typed params as regexps with match indices (named groups only). */
function highlighters(config: Record<string, unknown>): { param: string; regexp: RegExp }[] {
  const out: { param: string; regexp: RegExp }[] = []
  for (const [param, value] of Object.entries(config)) {
    const re = (value as RegexpValue | null)?.regexp
    if (!(re instanceof RegExp) || !/\(\?<[A-Za-z_]/.test(re.source)) continue
    try {
      out.push({ param, regexp: new RegExp(re.source, re.flags.replace(/[gyd]/g, '') + 'd') })
    } catch {
      // a pattern the indices flag cannot take: no highlight for it
    }
  }
  return out.sort((a, b) => (a.param === 'expression' ? -1 : b.param === 'expression' ? 1 : a.param.localeCompare(b.param)))
}

/** Where the first regexp that matches finds its named captures in `text`. */
export function capturesIn(parser: LineParser, text: string): LineCapture[] {
  for (const { param, regexp } of parser.highlighters) {
    const m = regexp.exec(text)
    const indices = (m as (RegExpExecArray & { indices?: { groups?: Record<string, [number, number] | undefined> } }) | null)?.indices
    if (!m || !indices?.groups) continue
    const out: LineCapture[] = []
    for (const [name, span] of Object.entries(indices.groups)) if (span) out.push({ name, start: span[0], end: span[1], param })
    return out.sort((a, b) => a.start - b.start)
  }
  return []
}

/** Collects what a parser appends, decoded. */
class Collect implements EntrySink {
  records: ParsedRecord[] = []
  append(time: EventTime, record: Record<string, unknown>): number {
    this.records.push({ time: { sec: time.sec, nsec: time.nsec }, record })
    return 0
  }
  appendEncoded(sec: number, nsec: number, bytes: Uint8Array, start: number, end: number): void {
    this.records.push({ time: { sec, nsec }, record: decodeRecord(bytes.slice(start, end)) })
  }
}

const encoder = new TextEncoder()

/**
 * Parses `text` line by line (a trailing `\r` kept, as in_tail keeps it). `now` is the time of
 * records without one. At most `limit` lines are parsed.
 *
 * @example
 * const p = buildLineParser(core, catalog, createElement('parse', '', { '@type': 'regexp', expression: '/^(?<a>\\w+)/' }), Date.now)
 * parseLines(p, 'hello world', Date.now())[0].records[0].record // { a: 'hello' }
 */
export function parseLines(parser: LineParser, text: string, nowMs: number, limit = Number.POSITIVE_INFINITY): ParsedLine[] {
  const out: ParsedLine[] = []
  const p = parser.parser
  if (p === null) return out
  const now = EventTime.fromFloat(nowMs / 1000)
  const stream = p.newStream?.() ?? null
  const sink = new Collect()
  let start = 0
  let number = 0
  while (start < text.length && out.length < limit) {
    let end = text.indexOf('\n', start)
    if (end < 0) end = text.length
    const line = text.slice(start, end)
    start = end + 1
    number++
    if (line === '' && stream === null) continue
    const bytes = encoder.encode(line)
    sink.records = []
    let error: string | null = null
    let failure: ParsedLine['failure'] = null
    if (stream !== null) {
      stream.push(bytes, 0, bytes.length, sink, now, (_text, reason) => {
        error = reason
        failure = 'unmatched'
      })
    } else {
      const appended = p.parse(bytes, 0, bytes.length, sink, now)
      if (p.lastError && (appended === 0 || (p as { lastFailure?: string | null }).lastFailure)) {
        error = p.lastError
        failure = ((p as { lastFailure?: 'unmatched' | 'invalid' | null }).lastFailure ?? 'unmatched') || 'unmatched'
      }
    }
    out.push({ line: number, text: line, records: sink.records, error, failure, captures: capturesIn(parser, line) })
  }
  if (stream !== null && out.length > 0) {
    sink.records = []
    stream.flush(sink, now, (_text, reason) => {
      out[out.length - 1].error ??= reason
    })
    out[out.length - 1].records.push(...sink.records)
  }
  return out
}
