/**
 * @module The messages between the designer and its preview Web Worker. The worker keeps the
 * samples, the built preview of the current config and of the last saved one; the page sends
 * changes and asks for what it shows (a page of event rows, one event's details).
 */

import type { Impact } from '../../../../engine/preview/impact.ts'
import type { SampleFormat, SampleProblem } from '../../../../engine/preview/samples.ts'
import type { Diagnostic, ElementPath, EventDetails, PreviewSummary } from '../../../../engine/preview/types.ts'

/** A config as the designer holds it: its .conf text (disabled directives as `#~` lines); the worker parses it. */
export interface ConfigState {
  text: string
}

export type WorkerRequest =
  | { type: 'samples'; text: string; format: SampleFormat; tag: string }
  | { type: 'config'; config: ConfigState; entry: ElementPath | null | undefined; seq: number }
  | { type: 'baseline'; config: ConfigState | null }
  | { type: 'rows'; run: number; start: number; end: number }
  | { type: 'details'; run: number; index: number }
  | { type: 'export'; run: number; what: 'input' | 'output' }

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
  | { type: 'samples'; count: number; problems: SampleProblem[]; problemCount: number; bytes: number }
  | {
      type: 'result'
      run: number
      seq: number
      summary: PreviewSummary
      impact: Impact | null
      /** What `sluice check` says about the config (engine/check), plus the draft lint; parse problems excluded. */
      diagnostics: Diagnostic[]
      workerMs: number
      sampleCount: number
    }
  | { type: 'rows'; run: number; start: number; rows: EventRow[] }
  | { type: 'details'; run: number; details: EventDetails }
  | { type: 'export'; run: number; text: string }
