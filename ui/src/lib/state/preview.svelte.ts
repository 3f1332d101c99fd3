/**
 * @module The preview state: talks to the preview Web Worker, debounces config and sample changes,
 * keeps the last summary, a cache of visible event rows, the selected event's details, the impact
 * comparison, `sluice check`'s verdict and the kept test cases with their results; measures
 * keystroke → preview latency (shown, never asserted). Requests with an answer (a test case from an
 * event, the parse preview, the Apply plan) are promises.
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
import type { EventRow, WorkerRequest, WorkerResponse } from '../preview/protocol.ts'
import type { SampleInfo as WorkerSampleInfo } from '../preview/session.ts'

const SAMPLES_KEY = 'sluice.designer.samples'
const TESTS_KEY = 'sluice.designer.tests'
/** Samples are kept across reloads only below this size (localStorage is small). */
const PERSIST_LIMIT = 1_000_000

export interface SampleInfo extends WorkerSampleInfo {
  bytes: number
}

export interface ParsePreview {
  type: string
  lines: ParsedLine[]
  problems: string[]
  truncated: boolean
}

export interface ApplyPlan {
  diff: TextDiff
  plan: ReloadPlan
  impact: Impact
}

type Asked = { id: number; resolve(value: never): void; reject(error: Error): void }

export class PreviewStore {
  ready = $state(false)
  fatal = $state<string | null>(null)
  samplesText = $state('')
  format = $state<SampleFormat>('auto')
  tag = $state('app.web')
  /** The source samples enter through: undefined = the first one, null = the top-level routes. */
  entry = $state<ElementPath | null | undefined>(undefined)
  sampleInfo = $state.raw<SampleInfo | null>(null)
  summary = $state.raw<PreviewSummary | null>(null)
  impact = $state.raw<Impact | null>(null)
  /** `sluice check`'s verdict on the config of the last result (engine/check, in the worker), plus the lint. */
  diagnostics = $state.raw<Diagnostic[]>([])
  /** Kept test cases ("keep as test"), and their results on the config of the last result. */
  cases = $state.raw<TestCase[]>([])
  testResults = $state.raw<CaseResult[] | null>(null)
  run = $state(0)
  /** Designer version the shown result was computed for. */
  seq = $state(0)
  /** Change → result on screen (ms), and the worker's own time. */
  latency = $state(0)
  workerMs = $state(0)
  rows = $state.raw<Map<number, EventRow>>(new Map())
  selected = $state<number | null>(null)
  details = $state.raw<EventDetails | null>(null)

  private readonly worker: Worker
  private configTimer: ReturnType<typeof setTimeout> | undefined
  private samplesTimer: ReturnType<typeof setTimeout> | undefined
  private readonly sentAt = new Map<number, number>()
  private wantedRows: [number, number] = [0, 0]
  private queue: WorkerRequest[] = []
  private nextId = 1
  private readonly asked = new Map<number, Asked>()
  private exports: ((text: string) => void)[] = []

  constructor(private readonly debounceMs = 25) {
    this.worker = new Worker(new URL('../preview/worker.ts', import.meta.url), { type: 'module' })
    this.worker.onmessage = (e: MessageEvent<WorkerResponse>) => this.receive(e.data)
    this.worker.onerror = (e) => {
      this.fatal = `the preview worker failed: ${e.message}`
    }
    const stored = readStorage(SAMPLES_KEY)
    if (stored !== null) {
      try {
        const s = JSON.parse(stored) as { text: string; tag: string; format: SampleFormat }
        this.samplesText = s.text
        this.tag = s.tag
        this.format = s.format
      } catch {
        // ignore a damaged entry
      }
    }
    try {
      const cases = readStorage(TESTS_KEY)
      if (cases !== null) this.setCases(JSON.parse(cases, withBigints) as TestCase[])
    } catch {
      // a damaged entry: no kept tests
    }
  }

  private post(request: WorkerRequest): void {
    if (!this.ready) this.queue.push(request)
    else this.worker.postMessage(request)
  }

  /** Sends the config (its text) after a short pause in typing; `changedAt` starts the latency clock. */
  requestConfig(text: string, version: number, changedAt: number): void {
    clearTimeout(this.configTimer)
    this.sentAt.set(version, changedAt)
    const send = () => this.post({ type: 'config', config: { text }, entry: $state.snapshot(this.entry), seq: version })
    this.configTimer = setTimeout(send, this.debounceMs)
  }

  /** The config to compare with (the running or saved one), or null. */
  setBaseline(text: string | null): void {
    this.post({ type: 'baseline', config: text === null ? null : { text } })
  }

  /** What `${hostname}` previews as: the daemon's host name, or null for the preview's stand-in. */
  setHostname(name: string | null): void {
    this.post({ type: 'hostname', hostname: name })
  }

  setSamples(text: string, immediate = false): void {
    this.samplesText = text
    clearTimeout(this.samplesTimer)
    const send = () => {
      this.post({ type: 'samples', text: this.samplesText, format: this.format, tag: this.tag })
      if (this.samplesText.length <= PERSIST_LIMIT)
        writeStorage(SAMPLES_KEY, JSON.stringify({ text: this.samplesText, tag: this.tag, format: this.format }))
      else removeStorage(SAMPLES_KEY)
    }
    if (immediate) send()
    else this.samplesTimer = setTimeout(send, 150)
  }

  /** Replaces the kept test cases (kept in this browser), and runs them from now on. */
  setCases(cases: TestCase[]): void {
    this.cases = cases
    if (cases.length === 0) this.testResults = null
    writeStorage(
      TESTS_KEY,
      JSON.stringify(cases, (_k, v: unknown) => (typeof v === 'bigint' ? { $bigint: v.toString() } : v)),
    )
    this.post({ type: 'cases', cases: $state.snapshot(cases) as TestCase[] })
  }

  /** Makes sure rows [start, end) of the last run are loaded. */
  wantRows(start: number, end: number): void {
    this.wantedRows = [start, end]
    let missing = false
    for (let i = start; i < end && !missing; i++) missing = !this.rows.has(i)
    if (missing) this.post({ type: 'rows', run: this.run, start, end })
  }

  select(index: number | null): void {
    this.selected = index
    if (index === null) this.details = null
    else this.post({ type: 'details', run: this.run, index })
  }

  /** The samples (input) or what reached the outputs (output), as NDJSON `{tag, time, record}` lines. */
  exportEvents(what: 'input' | 'output'): Promise<string> {
    return new Promise((resolve) => {
      this.exports.push(resolve)
      this.post({ type: 'export', run: this.run, what })
    })
  }

  /** A test case that holds what happens to event `index` now. */
  caseOf(index: number, name: string): Promise<TestCase> {
    return this.ask<TestCase>((id) => ({ type: 'case', id, index, name }))
  }

  /** Raw lines through the parser a `<parse>` element configures, with the parser plugins' code. */
  parse(element: ConfigElement, text: string): Promise<ParsePreview> {
    return this.ask<ParsePreview>((id) => ({ type: 'parse', id, element, text }))
  }

  /** The Apply dialog's diff, reload plan and impact from `running` to `next`. */
  plan(running: string, next: string): Promise<ApplyPlan> {
    return this.ask<ApplyPlan>((id) => ({ type: 'plan', id, running, next }))
  }

  private ask<T>(request: (id: number) => WorkerRequest): Promise<T> {
    const id = this.nextId++
    return new Promise<T>((resolve, reject) => {
      this.asked.set(id, { id, resolve: resolve as (value: never) => void, reject })
      this.post(request(id))
    })
  }

  private answer(id: number, value: unknown, error: string | null): void {
    const asked = this.asked.get(id)
    if (asked === undefined) return
    this.asked.delete(id)
    if (error !== null) asked.reject(new Error(error))
    else asked.resolve(value as never)
  }

  private receive(message: WorkerResponse): void {
    switch (message.type) {
      case 'ready':
        this.ready = true
        for (const request of this.queue.splice(0)) this.worker.postMessage(request)
        return
      case 'fatal':
        this.fatal = message.message
        return
      case 'samples': {
        const { type: _type, ...info } = message
        this.sampleInfo = info
        return
      }
      case 'result': {
        this.summary = message.summary
        this.impact = message.impact
        this.diagnostics = message.diagnostics
        this.testResults = message.tests
        if (message.samples !== null) this.sampleInfo = { ...message.samples, bytes: this.samplesText.length }
        this.run = message.run
        this.seq = message.seq
        this.workerMs = message.workerMs
        const started = this.sentAt.get(message.seq)
        if (started !== undefined) this.latency = performance.now() - started
        for (const key of this.sentAt.keys()) if (key <= message.seq) this.sentAt.delete(key)
        this.rows = new Map()
        this.post({ type: 'rows', run: message.run, start: this.wantedRows[0], end: this.wantedRows[1] })
        if (this.selected !== null && this.selected < message.sampleCount)
          this.post({ type: 'details', run: message.run, index: this.selected })
        else if (message.sampleCount > 0) this.select(0)
        else this.select(null)
        return
      }
      case 'rows': {
        if (message.run !== this.run) return
        const rows = new Map(this.rows)
        for (const row of message.rows) rows.set(row.index, row)
        this.rows = rows
        return
      }
      case 'details':
        if (message.run === this.run && message.details.index === this.selected) this.details = message.details
        return
      case 'export':
        this.exports.shift()?.(message.text)
        return
      case 'case':
        this.answer(message.id, message.case, message.error)
        return
      case 'parsed':
        this.answer(message.id, message.result, null)
        return
      case 'plan':
        this.answer(message.id, { diff: message.diff, plan: message.plan, impact: message.impact }, null)
        return
      case 'failed':
        this.answer(message.id, null, message.message)
    }
  }
}

function readStorage(key: string): string | null {
  try {
    return localStorage.getItem(key)
  } catch {
    return null
  }
}

/** Kept tests hold 64-bit integers as `{"$bigint": "…"}` (JSON has no bigint): read them back exact. */
function withBigints(_key: string, value: unknown): unknown {
  const big = (value as { $bigint?: unknown } | null)?.$bigint
  return typeof big === 'string' && Object.keys(value as object).length === 1 ? BigInt(big) : value
}

function writeStorage(key: string, value: string): void {
  try {
    localStorage.setItem(key, value)
  } catch {
    // full or unavailable: samples are then not kept across reloads
  }
}

function removeStorage(key: string): void {
  try {
    localStorage.removeItem(key)
  } catch {
    // unavailable
  }
}
