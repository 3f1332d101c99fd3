/**
 * @module The messages between the designer and its preview Web Worker. The worker keeps the
 * samples, the built preview of the current config and of the baseline, the kept test cases; the
 * page sends changes and asks for what it shows (a page of event rows, one event's details, a test
 * case made from an event, the parse preview, the Apply dialog's plan).
 */

import type { ConfigElement } from '../../../../engine/config/model.ts'
import type { Impact } from '../../../../engine/preview/impact.ts'
import type { ParsedLine } from '../../../../engine/preview/parse-lines.ts'
import type { ReloadPlan } from '../../../../engine/preview/reload-plan.ts'
import type { SampleFormat } from '../../../../engine/preview/samples.ts'
import type { TextDiff } from '../../../../engine/preview/text-diff.ts'
import type { Diagnostic, ElementPath, EventDetails, PreviewSummary } from '../../../../engine/preview/types.ts'
import type { TestCase } from '../../../../engine/case-runner/cases.ts'
import type { CaseResult } from '../../../../engine/case-runner/run.ts'
import type { SampleInfo } from './session.ts'

/** A config as the designer holds it: its .conf text (disabled directives as `#~` lines); the worker parses it. */
export interface ConfigState {
  text: string
}

export type WorkerRequest =
  | { type: 'samples'; text: string; format: SampleFormat; tag: string }
  | { type: 'config'; config: ConfigState; entry: ElementPath | null | undefined; seq: number }
  | { type: 'baseline'; config: ConfigState | null }
  | { type: 'cases'; cases: TestCase[] }
  /** The daemon's host name for `${hostname}` (null: none serves the designer; the preview's stand-in). */
  | { type: 'hostname'; hostname: string | null }
  | { type: 'rows'; run: number; start: number; end: number }
  | { type: 'details'; run: number; index: number }
  | { type: 'export'; run: number; what: 'input' | 'output' }
  | { type: 'case'; id: number; index: number; name: string }
  | { type: 'parse'; id: number; element: ConfigElement; text: string }
  | { type: 'plan'; id: number; running: string; next: string }

/** One line of the events list. */
export interface EventRow {
  index: number
  tag: string
  /** Line of the samples text the event came from. */
  line: number
  outcome: number
  target: number
  changed: boolean
  /** The record as compact JSON text (64-bit integers exact), cut at 400 characters. */
  input: string
  /** The record that reached the output (null when nothing did). */
  output: string | null
}

export type WorkerResponse =
  | { type: 'ready' }
  | { type: 'fatal'; message: string }
  | ({ type: 'samples'; bytes: number } & SampleInfo)
  | {
      type: 'result'
      run: number
      seq: number
      summary: PreviewSummary
      impact: Impact | null
      /** What `sluice check` says about the config (engine/check), plus the draft lint; parse problems excluded. */
      diagnostics: Diagnostic[]
      /** The kept test cases on this config, or null when none are kept. */
      tests: CaseResult[] | null
      /** The samples as re-read for this config (a `<parse>` source), or null when unchanged. */
      samples: SampleInfo | null
      workerMs: number
      sampleCount: number
    }
  | { type: 'rows'; run: number; start: number; rows: EventRow[] }
  | { type: 'details'; run: number; details: EventDetails }
  | { type: 'export'; run: number; text: string }
  | { type: 'case'; id: number; case: TestCase | null; error: string | null }
  | { type: 'parsed'; id: number; result: { type: string; lines: ParsedLine[]; problems: string[]; truncated: boolean } }
  | { type: 'plan'; id: number; diff: TextDiff; plan: ReloadPlan; impact: Impact }
  | { type: 'failed'; id: number; message: string }
