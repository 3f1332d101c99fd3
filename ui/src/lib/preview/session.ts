/**
 * @module A preview session (what the Web Worker runs; plain TS so it is tested in Node): holds the
 * samples, the Previewer of the current config and of the baseline (the running or saved config),
 * and recomputes only what changed — a new config rebuilds one Previewer and reruns it, checks it
 * as `sluice check` does and runs the kept test cases; new samples rerun everything; the baseline
 * is rebuilt only when it or the samples change. When the samples enter through a `<source>` with
 * a `<parse>` section, the sample text is read as raw lines through that parser (as in_tail would).
 * Also: pages of rows, one event's details, a test case made from an event, the parse preview, and
 * the Apply dialog's comparison of the running config with the one about to replace it.
 */

import type { Core } from '../../../../wasm/core.ts'
import { getParam, type ConfigElement, type ConfigModel } from '../../../../engine/config/model.ts'
import { printElement } from '../../../../engine/config/print.ts'
import { decodeStream } from '../../../../engine/event-stream.ts'
import { EventTime } from '../../../../engine/event-time.ts'
import type { PluginRegistry } from '../../../../engine/plugin.ts'
import { compareRuns, type Impact } from '../../../../engine/preview/impact.ts'
import { buildLineParser, parseLines, type ParsedLine } from '../../../../engine/preview/parse-lines.ts'
import { createPreviewer, type Previewer } from '../../../../engine/preview/preview.ts'
import { planReload, type ReloadPlan } from '../../../../engine/preview/reload-plan.ts'
import { parseSamples, sampleOf, type Sample, type SampleFormat, type SampleProblem } from '../../../../engine/preview/samples.ts'
import { diffText, type TextDiff } from '../../../../engine/preview/text-diff.ts'
import {
  Outcome,
  type CatalogEntry,
  type Diagnostic,
  type ElementPath,
  type EventDetails,
  type PreviewSummary,
  PREVIEW_HOSTNAME,
} from '../../../../engine/preview/types.ts'
import { validateModel } from '../../../../engine/preview/validate.ts'
import { toJsonText } from '../../../../engine/records/value-text.ts'
import { checkCases, type TestCase } from '../../../../engine/case-runner/cases.ts'
import { runCases, type CaseResult } from '../../../../engine/case-runner/run.ts'
import { parseDesign } from '../config/document.ts'
import type { ConfigState, EventRow } from './protocol.ts'

const ROW_TEXT = 400
/** Lines the parse preview shows at most. */
const PARSE_PREVIEW_LINES = 1000

export interface SampleInfo {
  count: number
  problems: SampleProblem[]
  problemCount: number
  /** The `<parse>` @type of the source the lines went through, or null for plain samples. */
  parsedBy: string | null
}

export interface SessionResult {
  run: number
  summary: PreviewSummary
  impact: Impact | null
  /** `sluice check`'s problems (no parse problems: the page has them) and the draft lint. */
  diagnostics: Diagnostic[]
  /** The kept test cases run on this config (null when there are none). */
  tests: CaseResult[] | null
  /** Set when the samples were re-read for this config (a `<parse>` source came or went). */
  samples: SampleInfo | null
  sampleCount: number
}

export class PreviewSession {
  private text = ''
  private tag = 'sample'
  private plain: { samples: Sample[]; info: SampleInfo } = {
    samples: [],
    info: { count: 0, problems: [], problemCount: 0, parsedBy: null },
  }
  private samples: Sample[] = []
  /** What the current samples were made with: '' (plain) or the `<parse>` element's text. */
  private samplesKey = ''
  private current: { previewer: Previewer; key: string } | null = null
  private baseline: { previewer: Previewer; summary: PreviewSummary; key: string; samplesVersion: number } | null = null
  private baselineConfig: ConfigState | null = null
  private samplesVersion = 0
  private lastSummary: PreviewSummary | null = null
  private lastEntry: ElementPath | null | undefined = undefined
  private lastConfig: ConfigState | null = null
  private cases: TestCase[] = []
  private runs = 0
  /** Fixed at start: samples without a time get this one, so previews repeat exactly. */
  private readonly now: number
  private checked: { text: string; diagnostics: Diagnostic[] } | null = null
  /** What `${hostname}` is: the daemon's host name when one serves the designer, else PREVIEW_HOSTNAME. */
  private hostname = PREVIEW_HOSTNAME

  /** `registry`: what configs are checked with (ui/src/lib/config/catalog.ts designerCheckRegistry). */
  constructor(
    private readonly core: Core,
    private readonly catalog: readonly CatalogEntry[],
    private readonly registry: PluginRegistry,
    now = Date.now(),
  ) {
    this.now = now
  }

  /** `sluice check` on the config text (engine/check) plus the lint; cached while the text is the same. */
  check(config: ConfigState): Diagnostic[] {
    if (this.checked?.text !== config.text) {
      const parsed = parseDesign(config.text)
      const diagnostics = validateModel(this.core, parsed.doc.model, parsed.locs, this.registry, { disabled: parsed.doc.disabled })
      this.checked = { text: config.text, diagnostics }
    }
    return this.checked.diagnostics
  }

  get run(): number {
    return this.runs
  }

  setSamples(text: string, format: SampleFormat, tag: string): SampleInfo {
    this.text = text
    this.tag = tag
    const parsed = parseSamples(text, { format, tag, now: this.now })
    this.plain = {
      samples: parsed.samples,
      info: { count: parsed.samples.length, problems: parsed.problems.slice(0, 200), problemCount: parsed.problems.length, parsedBy: null },
    }
    this.samples = parsed.samples
    this.samplesKey = ''
    this.samplesVersion++
    return this.plain.info
  }

  /** The daemon's host name (null: no daemon, the preview's stand-in); true when it changed (the next preview rebuilds). */
  setHostname(name: string | null): boolean {
    const next = name === null || name === '' ? PREVIEW_HOSTNAME : name
    if (next === this.hostname) return false
    this.hostname = next
    return true
  }

  setBaseline(config: ConfigState | null): void {
    this.baselineConfig = config
  }

  /** The designer's kept test cases (checked like a case file); run with every preview. */
  setCases(cases: readonly TestCase[]): void {
    this.cases = cases.length === 0 ? [] : checkCases({ tests: cases }, 'kept tests').tests
  }

  /** Builds (when the config changed) and runs the current config; refreshes the baseline when needed. */
  async preview(config: ConfigState, entry: ElementPath | null | undefined): Promise<SessionResult> {
    const parsed = parseDesign(config.text)
    const samplesChanged = this.samplesThrough(entryOf(parsed.doc.model, parsed.doc.disabled, entry))
    const key = JSON.stringify([config.text, entry ?? '<first>', this.hostname])
    if (this.current?.key !== key) {
      const old = this.current
      this.current = { previewer: await this.build(config, entry), key }
      await old?.previewer.dispose()
    }
    const summary = await this.current.previewer.run(this.samples)
    this.lastSummary = summary
    this.lastEntry = entry
    this.lastConfig = config
    const impact = await this.compare(summary, entry)
    const tests =
      this.cases.length === 0
        ? null
        : await runCases(this.core, parsed.doc.model, this.cases, {
            catalog: this.catalog,
            disabled: parsed.doc.disabled,
            now: this.now,
            hostname: this.hostname,
          })
    return {
      run: ++this.runs,
      summary,
      impact,
      diagnostics: this.check(config),
      tests,
      samples: samplesChanged ? this.sampleInfo : null,
      sampleCount: this.samples.length,
    }
  }

  /** What the samples are now (plain, or lines through a source's parser). */
  get sampleInfo(): SampleInfo {
    return this.samplesKey === '' ? this.plain.info : this.parsedInfo
  }

  private parsedInfo: SampleInfo = { count: 0, problems: [], problemCount: 0, parsedBy: null }

  /** Reads the sample text through the entry source's `<parse>` when it has one; true when the samples changed. */
  private samplesThrough(source: ConfigElement | undefined): boolean {
    const parse = source?.elements.find((e) => e.name === 'parse')
    const key = parse === undefined ? '' : `${this.hostname}\n${printElement(parse, 0)}`
    if (key === this.samplesKey) return false
    this.samplesKey = key
    this.samplesVersion++
    if (parse === undefined) {
      this.samples = this.plain.samples
      return true
    }
    const parser = buildLineParser(this.core, this.catalog, parse, () => this.now, this.hostname)
    const problems: SampleProblem[] = parser.problems.map((p) => ({ line: 0, message: `<parse>: ${p.reason}` }))
    const samples: Sample[] = []
    for (const line of parseLines(parser, this.text, this.now)) {
      for (const r of line.records) samples.push(sampleOf(this.tag, new EventTime(r.time.sec, r.time.nsec), r.record, line.line))
      if (line.error !== null) problems.push({ line: line.line, message: `${parser.type}: ${line.error}` })
    }
    this.samples = samples
    this.parsedInfo = { count: samples.length, problems: problems.slice(0, 200), problemCount: problems.length, parsedBy: parser.type }
    return true
  }

  private async compare(summary: PreviewSummary, entry: ElementPath | null | undefined): Promise<Impact | null> {
    if (this.baselineConfig === null || this.current === null) {
      await this.baseline?.previewer.dispose()
      this.baseline = null
      return null
    }
    const key = JSON.stringify([this.baselineConfig.text, entry ?? '<first>', this.hostname])
    if (this.baseline?.key !== key || this.baseline.samplesVersion !== this.samplesVersion) {
      await this.baseline?.previewer.dispose()
      const previewer = await this.build(this.baselineConfig, entry)
      this.baseline = { previewer, summary: await previewer.run(this.samples), key, samplesVersion: this.samplesVersion }
    }
    return compareRuns(this.baseline.summary, this.baseline.previewer.lastOutputs, summary, this.current.previewer.lastOutputs)
  }

  private build(config: ConfigState, entry: ElementPath | null | undefined): Promise<Previewer> {
    const { doc } = parseDesign(config.text)
    return createPreviewer(this.core, doc.model, {
      catalog: this.catalog,
      disabled: doc.disabled,
      entry,
      now: this.now,
      hostname: this.hostname,
    })
  }

  /**
   * For the Apply dialog: the line diff, what the reload does, and the impact over the current
   * samples of going from `running` to `next`.
   */
  async plan(running: string, next: string): Promise<{ diff: TextDiff; plan: ReloadPlan; impact: Impact }> {
    const a = parseDesign(running)
    const b = parseDesign(next)
    const before = await this.build({ text: running }, this.lastEntry)
    const after = await this.build({ text: next }, this.lastEntry)
    try {
      const sa = await before.run(this.samples)
      const sb = await after.run(this.samples)
      return {
        diff: diffText(running, next),
        plan: planReload(a.doc.model, b.doc.model, this.catalog, { before: a.doc.disabled, after: b.doc.disabled }),
        impact: compareRuns(sa, before.lastOutputs, sb, after.lastOutputs),
      }
    } finally {
      await before.dispose()
      await after.dispose()
    }
  }

  /** Rows `[start, end)` of the events list for the last run. */
  rows(start: number, end: number): EventRow[] {
    const summary = this.lastSummary
    const outputs = this.current?.previewer.lastOutputs ?? []
    if (summary === null) return []
    const rows: EventRow[] = []
    for (let i = Math.max(0, start); i < Math.min(end, this.samples.length, summary.outcome.length); i++) {
      const sample = this.samples[i]
      const out = outputs[i]
      rows.push({
        index: i,
        tag: sample.tag,
        line: sample.line,
        outcome: summary.outcome[i],
        target: summary.target[i],
        changed: summary.changed[i] === 1,
        input: this.recordText(sample.entry),
        output: out === null || out === undefined ? null : out === sample.entry ? this.recordText(sample.entry) : this.recordText(out),
      })
    }
    return rows
  }

  details(index: number): Promise<EventDetails> {
    if (this.current === null || index < 0 || index >= this.samples.length) throw new Error(`no event ${index}`)
    return this.current.previewer.details(this.samples, index)
  }

  /**
   * A `sluice test` case that holds what happens to event `index` now ("keep as test"): its tag,
   * time and record (or its raw line, when a `<parse>` source read it), the source it entered
   * through, and the expectation — dropped, unmatched, or the match, label and delivered record.
   */
  caseOf(index: number, name: string): TestCase | string {
    const summary = this.lastSummary
    const sample = this.samples[index]
    if (summary === null || sample === undefined || this.lastConfig === null) return 'no such event in the last preview'
    const [input] = decodeStream(this.core, { tag: sample.tag, entries: sample.entry, count: 1 })
    const { doc } = parseDesign(this.lastConfig.text)
    const source = sourceRef(doc.model, doc.disabled, this.lastEntry)
    const outcome = summary.outcome[index]
    const target = summary.target[index]
    const sec = input.time.nsec === 0 ? input.time.sec : input.time.toFloat()
    const base = {
      name,
      tag: sample.tag,
      time: sec,
      ...(this.samplesKey !== '' ? { line: lineOf(this.text, sample.line) } : { record: input.record }),
      ...(source !== undefined ? { source } : {}),
    }
    if (outcome === Outcome.Dropped) return { ...base, expect: { dropped: true } }
    if (outcome === Outcome.Unmatched) return { ...base, expect: { unmatched: true } }
    if (outcome !== Outcome.Delivered)
      return 'only delivered, dropped and unmatched events can be kept as tests (this one failed in a filter)'
    let element = summary.elements[target]
    if (element?.kind === 'store')
      element = summary.elements.find((e) => e.path === element!.path.slice(0, element!.path.lastIndexOf('/'))) ?? element
    const delivered = this.current?.previewer.lastOutputs[index]
    const [out] = delivered ? decodeStream(this.core, { tag: sample.tag, entries: delivered, count: 1 }) : []
    return {
      ...base,
      expect: {
        match: element?.id ?? (element?.pattern || '**'),
        label: element?.router ?? '@ROOT',
        ...(out ? { record: out.record } : {}),
      },
    }
  }

  /** The parse preview: `text` line by line through the parser a `<parse>` element configures. */
  parsePreview(element: ConfigElement, text: string): { type: string; lines: ParsedLine[]; problems: string[]; truncated: boolean } {
    const parser = buildLineParser(this.core, this.catalog, element, () => this.now, this.hostname)
    const lines = parseLines(parser, text, this.now, PARSE_PREVIEW_LINES)
    return {
      type: parser.type,
      lines,
      problems: parser.problems.map((p) => `${p.severity === 'warning' ? 'warning: ' : ''}${p.reason}${p.hint ? ` — ${p.hint}` : ''}`),
      truncated: lines.length >= PARSE_PREVIEW_LINES,
    }
  }

  /** The samples (input) or what reached the outputs (output) as NDJSON `{tag, time, record}` lines. */
  exportNdjson(what: 'input' | 'output'): string {
    const outputs = this.current?.previewer.lastOutputs ?? []
    const lines: string[] = []
    this.samples.forEach((sample, i) => {
      const entries = what === 'input' ? sample.entry : outputs[i]
      if (!entries) return
      for (const event of decodeStream(this.core, { tag: sample.tag, entries, count: 1 })) {
        lines.push(toJsonText({ tag: sample.tag, time: event.time.toFloat(), record: event.record }))
      }
    })
    return lines.join('\n') + (lines.length > 0 ? '\n' : '')
  }

  private recordText(entries: Uint8Array): string {
    const events = decodeStream(this.core, { tag: '', entries, count: 1 })
    return events.length === 0 ? '' : toJsonText(events[0].record, ROW_TEXT)
  }
}

/** The `<source>`s samples can enter through, in config order (top level and worker 0). */
function sourcesOf(model: ConfigModel, disabled: ReadonlySet<ElementPath>): { path: ElementPath; element: ConfigElement }[] {
  const out: { path: ElementPath; element: ConfigElement }[] = []
  model.root.elements.forEach((e, i) => {
    if (disabled.has(String(i))) return
    if (e.name === 'source') out.push({ path: String(i), element: e })
    else if (e.name === 'worker' && /^0(-\d+)?$/.test(e.arg.trim()))
      e.elements.forEach((c, j) => {
        if (c.name === 'source' && !disabled.has(`${i}/${j}`)) out.push({ path: `${i}/${j}`, element: c })
      })
  })
  return out
}

/** The entry `<source>` element (undefined: the first; null: none). */
function entryOf(model: ConfigModel, disabled: ReadonlySet<ElementPath>, entry: ElementPath | null | undefined): ConfigElement | undefined {
  if (entry === null) return undefined
  const sources = sourcesOf(model, disabled)
  return entry === undefined ? sources[0]?.element : sources.find((s) => s.path === entry)?.element
}

/** How a test case names the entry: omitted (the first source), `none`, the source's `@id`, or `#N`. */
function sourceRef(model: ConfigModel, disabled: ReadonlySet<ElementPath>, entry: ElementPath | null | undefined): string | undefined {
  if (entry === undefined) return undefined
  if (entry === null) return 'none'
  const sources = sourcesOf(model, disabled)
  const i = sources.findIndex((s) => s.path === entry)
  if (i < 0) return undefined
  return getParam(sources[i].element, '@id') ?? `#${i + 1}`
}

/** Line `n` (1-based) of a text. */
function lineOf(text: string, n: number): string {
  let start = 0
  for (let k = 1; k < n; k++) {
    const next = text.indexOf('\n', start)
    if (next < 0) return ''
    start = next + 1
  }
  const end = text.indexOf('\n', start)
  return text.slice(start, end < 0 ? text.length : end)
}
