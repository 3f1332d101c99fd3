/**
 * @module Runs `sluice test` cases through a config with the designer's preview agent
 * (engine/preview: the real filters, copy and relabel, a sink for every other output), so a case
 * passes in the CLI exactly when it passes in the designer. Cases are grouped by the source they
 * enter through (one preview per source); each case's events are checked against its `expect`, and
 * a failure says what happened instead — including why a filter dropped the event (its own
 * explanation) and a field-by-field diff of the record.
 */

import { createElement, getParam, type ConfigElement, type ConfigModel } from '../config/model.ts'
import { decodeStream } from '../event-stream.ts'
import { EventTime } from '../event-time.ts'
import { toJsonText } from '../records/value-text.ts'
import { sameValue } from '../preview/diff.ts'
import { describeElement } from '../preview/impact.ts'
import { buildLineParser, parseLines } from '../preview/parse-lines.ts'
import { createPreviewer, type Previewer } from '../preview/preview.ts'
import { sampleOf, type Sample } from '../preview/samples.ts'
import { Outcome, type CatalogEntry, type ElementPath, type PreviewElement, type PreviewSummary } from '../preview/types.ts'
import type { Core } from '../../wasm/core.ts'
import type { TestCase } from './cases.ts'

export interface RunOptions {
  catalog: readonly CatalogEntry[]
  /** Directives switched off (the designer's `#~` lines). */
  disabled?: ReadonlySet<ElementPath>
  /** "Now" (ms) for cases without a time and for plugins; default Date.now(). */
  now?: number
  hostname?: string
}

/** What happened to one event of a case. */
export interface ActualEvent {
  outcome: 'delivered' | 'dropped' | 'unmatched' | 'error' | 'consumed'
  /** Where it ended, in words: `<match app.**> @type forward`, `dropped by <filter app.**> @type grep`. */
  where: string
  /** The match that took it (for a `<store>` of copy, the `<match>` around it). */
  match: { pattern: string; id: string | null; label: string } | null
  /** The record as delivered (null when nothing was delivered). */
  record: Record<string, unknown> | null
  /** The dropping filter's own explanation. */
  why: string | null
}

export interface CaseResult {
  name: string
  ok: boolean
  failures: string[]
  events: ActualEvent[]
}

interface Pending {
  index: number
  samples: number[]
}

/**
 * @example
 * const results = await runCases(core, parsed.config, (await readCases(text)).tests, { catalog })
 * results.filter((r) => !r.ok).map((r) => r.name)
 */
export async function runCases(core: Core, model: ConfigModel, cases: readonly TestCase[], options: RunOptions): Promise<CaseResult[]> {
  const now = options.now ?? Date.now()
  const results: CaseResult[] = cases.map((c) => ({ name: c.name, ok: false, failures: [], events: [] }))
  const sources = sourcesOf(model, options.disabled ?? new Set())
  const groups = new Map<string, { entry: ElementPath | null | undefined; samples: Sample[]; pending: Pending[] }>()
  cases.forEach((c, index) => {
    const entry = resolveSource(c.source, sources)
    if (typeof entry === 'object' && entry !== null) {
      results[index].failures.push(entry.problem)
      return
    }
    const key = entry === undefined ? '<first>' : entry === null ? '<none>' : entry
    let group = groups.get(key)
    if (group === undefined) groups.set(key, (group = { entry, samples: [], pending: [] }))
    const made = samplesOf(
      core,
      c,
      entry === undefined ? sources[0] : entry === null ? undefined : sources.find((s) => s.path === entry),
      options,
      now,
    )
    if (typeof made === 'string') {
      results[index].failures.push(made)
      return
    }
    const first = group.samples.length
    group.samples.push(...made)
    group.pending.push({ index, samples: made.map((_, k) => first + k) })
  })
  for (const group of groups.values()) {
    const previewer = await createPreviewer(core, model, {
      catalog: options.catalog,
      disabled: options.disabled,
      entry: group.entry,
      now,
      hostname: options.hostname ?? 'sluice-test',
    })
    try {
      const summary = await previewer.run(group.samples)
      if (summary.failed !== null) {
        for (const p of group.pending) results[p.index].failures.push(`the config could not be previewed: ${summary.failed}`)
        continue
      }
      const outputs = previewer.lastOutputs
      for (const p of group.pending) {
        const result = results[p.index]
        for (const i of p.samples) {
          const actual = await actualOf(core, previewer, summary, group.samples, outputs, i)
          result.events.push(actual)
          result.failures.push(...check(cases[p.index].expect, actual, p.samples.length > 1 ? `record ${p.samples.indexOf(i) + 1}: ` : ''))
        }
      }
    } finally {
      await previewer.dispose()
    }
  }
  for (const r of results) r.ok = r.failures.length === 0
  return results
}

interface SourceRef {
  path: ElementPath
  element: ConfigElement
}

/** The `<source>`s the preview can enter through (top level and worker 0), in config order. */
function sourcesOf(model: ConfigModel, disabled: ReadonlySet<ElementPath>): SourceRef[] {
  const out: SourceRef[] = []
  model.root.elements.forEach((e, i) => {
    const path = String(i)
    if (disabled.has(path)) return
    if (e.name === 'source') out.push({ path, element: e })
    else if (e.name === 'worker' && /^0(-\d+)?$/.test(e.arg.trim()))
      e.elements.forEach((c, j) => {
        if (c.name === 'source' && !disabled.has(`${path}/${j}`)) out.push({ path: `${path}/${j}`, element: c })
      })
  })
  return out
}

/** `@id` / `#N` / `none` → the entry (undefined: the first source; null: the top-level routes). */
function resolveSource(source: string | undefined, sources: readonly SourceRef[]): ElementPath | null | undefined | { problem: string } {
  if (source === undefined) return undefined
  if (source === 'none') return null
  const n = /^#(\d+)$/.exec(source)
  if (n) {
    const found = sources[Number(n[1]) - 1]
    return found
      ? found.path
      : { problem: `"source": "${source}": the config has ${sources.length} <source>${sources.length === 1 ? '' : 's'}` }
  }
  const found = sources.find((s) => getParam(s.element, '@id') === source)
  if (found) return found.path
  const ids = sources.map((s) => getParam(s.element, '@id')).filter((x) => x !== undefined)
  return { problem: `"source": no <source> has @id ${source}${ids.length ? ` (ids: ${ids.join(', ')})` : ''}; use an @id, "#N" or "none"` }
}

/** The case's events as samples: its record, or what the parser makes of its line. */
function samplesOf(core: Core, c: TestCase, source: SourceRef | undefined, options: RunOptions, now: number): Sample[] | string {
  const time = timeOf(c.time, now)
  if (typeof time === 'string') return time
  if (c.record !== undefined) return [sampleOf(c.tag, time, c.record, 1)]
  const parse = c.parser !== undefined ? parseElement(c.parser) : source?.element.elements.find((e) => e.name === 'parse')
  if (parse === undefined) return '"line" needs a parser: give "parser" ({"@type": …}), or enter through a <source> with a <parse> section'
  const parser = buildLineParser(core, options.catalog, parse, () => now)
  if (parser.parser === null) return `the parser cannot be built: ${parser.problems.map((p) => p.reason).join('; ')}`
  const lines = parseLines(parser, c.line ?? '', now)
  const records = lines.flatMap((l) => l.records)
  if (records.length === 0)
    return `the ${parser.type} parser made no record of the line: ${lines.find((l) => l.error)?.error ?? 'pattern not matched'}`
  return records.map((r, k) => sampleOf(c.tag, new EventTime(r.time.sec, r.time.nsec), r.record, k + 1))
}

/** A `"parser"` object as a `<parse>` element (values as written in a .conf; nested objects as JSON). */
function parseElement(parser: Record<string, unknown>): ConfigElement {
  const params: Record<string, string> = {}
  const children: ConfigElement[] = []
  for (const [key, value] of Object.entries(parser)) {
    if (key === 'parse' && typeof value === 'object' && value !== null && !Array.isArray(value)) {
      children.push(parseElement(value as Record<string, unknown>))
      continue
    }
    params[key] = typeof value === 'string' ? value : typeof value === 'bigint' ? value.toString() : JSON.stringify(value)
  }
  return createElement('parse', '', params, children)
}

function timeOf(time: TestCase['time'], now: number): EventTime | string {
  if (time === undefined) return EventTime.fromFloat(now / 1000)
  if (typeof time === 'bigint') return new EventTime(Number(time), 0)
  if (typeof time === 'number' && Number.isFinite(time) && time >= 0 && time < 2 ** 32) return EventTime.fromFloat(time)
  if (typeof time === 'string' && !Number.isNaN(Date.parse(time))) return EventTime.fromFloat(Date.parse(time) / 1000)
  return `"time": ${JSON.stringify(String(time))} is not seconds since the epoch or an ISO 8601 date`
}

const OUTCOMES: Record<number, ActualEvent['outcome']> = {
  [Outcome.Delivered]: 'delivered',
  [Outcome.Unmatched]: 'unmatched',
  [Outcome.Dropped]: 'dropped',
  [Outcome.Error]: 'error',
  [Outcome.Consumed]: 'consumed',
}

async function actualOf(
  core: Core,
  previewer: Previewer,
  summary: PreviewSummary,
  samples: readonly Sample[],
  outputs: readonly (Uint8Array | null)[],
  i: number,
): Promise<ActualEvent> {
  const outcome = summary.outcome[i]
  const target = summary.target[i]
  const element = target >= 0 ? summary.elements[target] : undefined
  const delivered = outputs[i]
  const record = delivered ? (decodeStream(core, { tag: samples[i].tag, entries: delivered, count: 1 })[0]?.record ?? null) : null
  const match = outcome === Outcome.Delivered ? matchOf(summary, element) : null
  let where: string
  let why: string | null = null
  switch (outcome) {
    case Outcome.Delivered:
      where = `${describeElement(match?.element ?? element)}`
      break
    case Outcome.Unmatched:
      where = `no <match> caught the tag in ${summary.routers[target] ?? '?'}`
      break
    case Outcome.Dropped:
    case Outcome.Error: {
      where = `${outcome === Outcome.Dropped ? 'dropped by' : 'error in'} ${describeElement(element)}`
      const details = await previewer.details(samples, i)
      const step = details.steps.find((s) => s.kind === 'filter' && s.element === target)
      if (step?.kind === 'filter' && step.explanation) why = step.explanation.decision
      const log = details.steps.find((s) => s.kind === 'log' && (s.level === 'warn' || s.level === 'error'))
      if (why === null && log?.kind === 'log') why = log.message
      break
    }
    default:
      where = element ? `consumed by ${describeElement(element)}` : 'not delivered'
  }
  return {
    outcome: OUTCOMES[outcome] ?? 'consumed',
    where,
    match: match ? { pattern: match.element.pattern, id: match.element.id, label: match.element.router } : null,
    record,
    why,
  }
}

/** The `<match>` behind the output that took an event (a copy `<store>` belongs to its match). */
function matchOf(summary: PreviewSummary, element: PreviewElement | undefined): { element: PreviewElement } | null {
  if (element === undefined) return null
  if (element.kind !== 'store') return { element }
  const parent = element.path.slice(0, element.path.lastIndexOf('/'))
  const match = summary.elements.find((e) => e.path === parent)
  return match ? { element: match } : { element }
}

/** The expectation's failures for one event (empty when it holds). */
function check(expect: TestCase['expect'], actual: ActualEvent, prefix: string): string[] {
  const out: string[] = []
  const happened = `${actual.where}${actual.why ? ` — ${actual.why}` : ''}`
  if (expect.dropped) {
    if (actual.outcome !== 'dropped') out.push(`${prefix}expected the event to be dropped by a filter; it was ${describeOutcome(actual)}`)
    return out
  }
  if (expect.unmatched) {
    if (actual.outcome !== 'unmatched') out.push(`${prefix}expected no <match> to catch the event; it was ${describeOutcome(actual)}`)
    return out
  }
  if (actual.outcome !== 'delivered' || actual.match === null) {
    const wanted = expect.match ? `<match ${expect.match}>` : 'a <match>'
    out.push(`${prefix}expected the event to reach ${wanted}${expect.label ? ` in ${expect.label}` : ''}; it was ${happened}`)
    return out
  }
  const m = actual.match
  if (expect.match !== undefined && normalize(expect.match) !== normalize(m.pattern || '**') && expect.match !== m.id)
    out.push(
      `${prefix}expected <match ${expect.match}>; it reached <match ${m.pattern || '**'}>${m.id ? ` (@id ${m.id})` : ''} in ${m.label}`,
    )
  if (expect.label !== undefined && expect.label !== m.label)
    out.push(`${prefix}expected the match in ${expect.label}; it reached <match ${m.pattern || '**'}> in ${m.label}`)
  const record = actual.record ?? {}
  for (const [key, want] of Object.entries(expect.record ?? {})) {
    if (!Object.hasOwn(record, key)) out.push(`${prefix}record.${key}: expected ${toJsonText(want)}, the field is missing`)
    else if (!sameValue(record[key], want)) out.push(`${prefix}record.${key}: expected ${toJsonText(want)}, got ${toJsonText(record[key])}`)
  }
  for (const key of expect.absent ?? [])
    if (Object.hasOwn(record, key)) out.push(`${prefix}record.${key}: expected no such field, got ${toJsonText(record[key])}`)
  return out
}

function describeOutcome(actual: ActualEvent): string {
  if (actual.outcome === 'delivered')
    return `delivered to ${actual.where}${actual.match && actual.match.label !== '@ROOT' ? ` in ${actual.match.label}` : ''}`
  return `${actual.where}${actual.why ? ` — ${actual.why}` : ''}`
}

/** Patterns compare with their whitespace collapsed. */
function normalize(pattern: string): string {
  return pattern.trim().split(/\s+/).join(' ')
}
