/**
 * @module A preview session (what the Web Worker runs; plain TS so it is tested in Node): holds the
 * samples, the Previewer of the current config and of the saved baseline, and recomputes only what
 * changed — a new config rebuilds one Previewer and reruns it; new samples rerun both; the
 * baseline is rebuilt only when it or the samples change. Also pages of rows and one event's details.
 */

import type { Core } from '../../../../wasm/core.ts'
import { decodeStream } from '../../../../engine/event-stream.ts'
import type { PluginRegistry } from '../../../../engine/plugin.ts'
import { validateModel } from '../../../../engine/preview/validate.ts'
import { parseDesign } from '../config/document.ts'
import { compareRuns, type Impact } from '../../../../engine/preview/impact.ts'
import { createPreviewer, type Previewer } from '../../../../engine/preview/preview.ts'
import { parseSamples, type Sample, type SampleFormat, type SampleProblem } from '../../../../engine/preview/samples.ts'
import type { CatalogEntry, Diagnostic, ElementPath, EventDetails, PreviewSummary } from '../../../../engine/preview/types.ts'
import type { ConfigState, EventRow } from './protocol.ts'
import { toJsonText } from '../../../../engine/records/value-text.ts'

const ROW_TEXT = 400

export interface SessionResult {
  run: number
  summary: PreviewSummary
  impact: Impact | null
  /** `sluice check`'s problems (no parse problems: the page has them) and the draft lint. */
  diagnostics: Diagnostic[]
  sampleCount: number
}

export class PreviewSession {
  private samples: Sample[] = []
  private current: { previewer: Previewer; key: string } | null = null
  private baseline: { previewer: Previewer; summary: PreviewSummary; key: string; samplesVersion: number } | null = null
  private baselineConfig: ConfigState | null = null
  private samplesVersion = 0
  private lastSummary: PreviewSummary | null = null
  private runs = 0
  /** Fixed at start: samples without a time get this one, so previews repeat exactly. */
  private readonly now: number
  private checked: { text: string; diagnostics: Diagnostic[] } | null = null

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

  setSamples(text: string, format: SampleFormat, tag: string): { count: number; problems: SampleProblem[]; problemCount: number } {
    const parsed = parseSamples(text, { format, tag, now: this.now })
    this.samples = parsed.samples
    this.samplesVersion++
    return { count: parsed.samples.length, problems: parsed.problems.slice(0, 200), problemCount: parsed.problems.length }
  }

  setBaseline(config: ConfigState | null): void {
    this.baselineConfig = config
  }

  /** Builds (when the config changed) and runs the current config; refreshes the baseline when needed. */
  async preview(config: ConfigState, entry: ElementPath | null | undefined): Promise<SessionResult> {
    const key = JSON.stringify([config, entry ?? '<first>'])
    if (this.current?.key !== key) {
      const old = this.current
      this.current = { previewer: await this.build(config, entry), key }
      await old?.previewer.dispose()
    }
    const summary = await this.current.previewer.run(this.samples)
    this.lastSummary = summary
    const impact = await this.compare(summary, entry)
    return { run: ++this.runs, summary, impact, diagnostics: this.check(config), sampleCount: this.samples.length }
  }

  private async compare(summary: PreviewSummary, entry: ElementPath | null | undefined): Promise<Impact | null> {
    if (this.baselineConfig === null || this.current === null) {
      await this.baseline?.previewer.dispose()
      this.baseline = null
      return null
    }
    const key = JSON.stringify([this.baselineConfig, entry ?? '<first>'])
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
      hostname: 'preview-host',
    })
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
