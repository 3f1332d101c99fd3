/**
 * @module The preview state: talks to the preview Web Worker, debounces config and sample changes,
 * keeps the last summary, a cache of visible event rows, the selected event's details and the
 * impact comparison, and measures keystroke → preview latency (shown, never asserted).
 */

import type { Impact } from '../../../../engine/preview/impact.ts'
import type { SampleFormat, SampleProblem } from '../../../../engine/preview/samples.ts'
import type { Diagnostic, ElementPath, EventDetails, PreviewSummary } from '../../../../engine/preview/types.ts'
import type { EventRow, WorkerRequest, WorkerResponse } from '../preview/protocol.ts'

const SAMPLES_KEY = 'sluice.designer.samples'
/** Samples are kept across reloads only below this size (localStorage is small). */
const PERSIST_LIMIT = 1_000_000

export interface SampleInfo {
  count: number
  problems: SampleProblem[]
  problemCount: number
  bytes: number
}

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

  private exports: ((text: string) => void)[] = []

  private receive(message: WorkerResponse): void {
    switch (message.type) {
      case 'ready':
        this.ready = true
        for (const request of this.queue.splice(0)) this.worker.postMessage(request)
        return
      case 'fatal':
        this.fatal = message.message
        return
      case 'samples':
        this.sampleInfo = { count: message.count, problems: message.problems, problemCount: message.problemCount, bytes: message.bytes }
        return
      case 'result': {
        this.summary = message.summary
        this.impact = message.impact
        this.diagnostics = message.diagnostics
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
