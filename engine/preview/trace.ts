/**
 * @module The tracer: the wrapped routers, filters and outputs report to it what happens to the
 * streams the preview emits, and it works out what happened to each sample. Samples with the same
 * tag are emitted as ONE stream (one route lookup, one filter call per group, as the daemon sees a
 * chunk); the tracer follows which sample each entry of each stream is — the same stream object
 * (routers, relabel, copy), the same count (a filter that keeps every event, possibly rewritten),
 * or the kept entries found by their bytes (a filter that drops some). Anything it cannot attribute
 * (a filter that drops AND rewrites, error events, log lines) marks the group `failed`, and the
 * preview runs that group again one sample at a time, where every stream belongs to the one sample.
 */

import * as abi from '../../wasm/abi.ts'
import type { Core } from '../../wasm/core.ts'
import type { EventStream } from '../event-stream.ts'
import type { FilterExplanation } from '../plugin.ts'
import { Outcome } from './types.ts'

export type RawStep =
  | { kind: 'router'; router: number; tag: string; filters: number[]; match: number | null }
  | { kind: 'filter'; element: number; before: EventStream; after: EventStream | null; explanation: FilterExplanation | null }
  | { kind: 'output'; element: number; stream: EventStream; routing: boolean }
  | { kind: 'unmatched'; router: number; tag: string }
  | { kind: 'log'; level: string; message: string; fields: Record<string, unknown> }

interface Frame {
  router: number
  /** The samples still in the stream after the filters run so far in this router. */
  survivors: Int32Array
}

const EMPTY = new Int32Array(0)

export class Tracer {
  /** Events that reached each element (filters: in; outputs: received). */
  readonly eventsIn: Int32Array
  /** Events each filter passed on. */
  readonly eventsOut: Int32Array
  readonly routerIn: Int32Array
  readonly routerUnmatched: Int32Array
  /** Detail mode: the steps of the current sample. */
  steps: RawStep[] | null = null
  /** The current group could not be followed entry by entry (see the module doc). */
  failed = false

  // Per sample, for the current run.
  sink: Int32Array = EMPTY
  droppedBy: Int32Array = EMPTY
  unmatched: Int32Array = EMPTY
  consumedBy: Int32Array = EMPTY
  errored: Uint8Array = new Uint8Array(0)
  delivered: (Uint8Array | null)[] = []
  /** 1 when the delivered entry is byte for byte the sample (no filter rewrote it). */
  pristine: Uint8Array = new Uint8Array(0)
  extraSinks = new Map<number, number[]>()

  private lists = new WeakMap<EventStream, Int32Array>()
  /** Streams whose entries are copies of the samples' own bytes (the group, and what filters kept). */
  private unchanged = new WeakSet<EventStream>()
  private ranges = new WeakMap<EventStream, Int32Array>()
  private frames: Frame[] = []
  /** The one sample of a single-sample group: every stream belongs to it. */
  private single = -1
  private snapshot: Int32Array[] = []

  constructor(
    private readonly core: Core,
    elementCount: number,
    routerCount: number,
  ) {
    this.eventsIn = new Int32Array(elementCount)
    this.eventsOut = new Int32Array(elementCount)
    this.routerIn = new Int32Array(routerCount)
    this.routerUnmatched = new Int32Array(routerCount)
  }

  /** Starts a run over `n` samples. */
  beginRun(n: number): void {
    this.eventsIn.fill(0)
    this.eventsOut.fill(0)
    this.routerIn.fill(0)
    this.routerUnmatched.fill(0)
    this.sink = new Int32Array(n).fill(-1)
    this.droppedBy = new Int32Array(n).fill(-1)
    this.unmatched = new Int32Array(n).fill(-1)
    this.consumedBy = new Int32Array(n).fill(-1)
    this.errored = new Uint8Array(n)
    this.delivered = new Array(n).fill(null)
    this.pristine = new Uint8Array(n)
    this.extraSinks = new Map()
  }

  /**
   * Starts a group: `stream` holds the samples `indices` in order (entry boundaries in `ranges`
   * when known). `detail` keeps the steps (single samples only).
   */
  beginGroup(stream: EventStream, indices: Int32Array, ranges: Int32Array | null, detail = false): void {
    this.failed = false
    this.frames.length = 0
    this.single = indices.length === 1 ? indices[0] : -1
    this.steps = detail ? [] : null
    this.lists = new WeakMap([[stream, indices]])
    this.unchanged = new WeakSet([stream])
    this.ranges = new WeakMap()
    if (ranges !== null) this.ranges.set(stream, ranges)
    this.snapshot = [this.eventsIn.slice(), this.eventsOut.slice(), this.routerIn.slice(), this.routerUnmatched.slice()]
  }

  /** Forgets what a failed group did (counters and per-sample results) before it is rerun. */
  rollbackGroup(indices: Int32Array): void {
    this.eventsIn.set(this.snapshot[0])
    this.eventsOut.set(this.snapshot[1])
    this.routerIn.set(this.snapshot[2])
    this.routerUnmatched.set(this.snapshot[3])
    for (const s of indices) {
      this.sink[s] = this.droppedBy[s] = this.unmatched[s] = this.consumedBy[s] = -1
      this.errored[s] = 0
      this.delivered[s] = null
      this.pristine[s] = 0
      this.extraSinks.delete(s)
    }
  }

  /** A sample's outcome and its target element (or router) index. */
  outcome(s: number): { outcome: Outcome; target: number } {
    if (this.sink[s] >= 0) return { outcome: Outcome.Delivered, target: this.sink[s] }
    if (this.unmatched[s] >= 0) return { outcome: Outcome.Unmatched, target: this.unmatched[s] }
    if (this.droppedBy[s] >= 0) return { outcome: this.errored[s] ? Outcome.Error : Outcome.Dropped, target: this.droppedBy[s] }
    if (this.consumedBy[s] >= 0) return { outcome: Outcome.Consumed, target: this.consumedBy[s] }
    return { outcome: this.errored[s] ? Outcome.Error : Outcome.Consumed, target: -1 }
  }

  enterRouter(router: number, stream: EventStream, filters: number[], match: number | null): void {
    this.routerIn[router] += stream.count
    this.frames.push({ router, survivors: this.listOf(stream) })
    this.steps?.push({ kind: 'router', router, tag: stream.tag, filters, match })
  }

  /** The router's emit returned; `match` null means no pattern matched the stream's tag. */
  leaveRouter(router: number, stream: EventStream, match: number | null): void {
    const frame = this.frames.pop()
    if (match !== null || frame === undefined || frame.survivors.length === 0) return
    this.routerUnmatched[router] += frame.survivors.length
    for (const s of frame.survivors) if (this.unmatched[s] < 0) this.unmatched[s] = router
    this.steps?.push({ kind: 'unmatched', router, tag: stream.tag })
  }

  /** Detail mode is on: filters are asked to explain themselves (FilterPlugin.explain). */
  get detailing(): boolean {
    return this.steps !== null
  }

  filtered(element: number, before: EventStream, after: EventStream | null, explanation: FilterExplanation | null = null): void {
    this.eventsIn[element] += before.count
    const passed = after === null ? 0 : after.count
    this.eventsOut[element] += passed
    this.steps?.push({ kind: 'filter', element, before, after, explanation })
    const input = this.listOf(before)
    const output = after === null || passed === 0 ? EMPTY : this.follow(before, input, after)
    if (output.length < input.length) {
      let o = 0
      for (const s of input) {
        if (o < output.length && output[o] === s) o++
        else if (this.droppedBy[s] < 0) this.droppedBy[s] = element
      }
    }
    const frame = this.frames[this.frames.length - 1]
    if (frame) frame.survivors = output
  }

  output(element: number, stream: EventStream, routing: boolean): void {
    this.eventsIn[element] += stream.count
    this.steps?.push({ kind: 'output', element, stream, routing })
    const list = this.listOf(stream)
    if (routing) {
      for (const s of list) if (this.consumedBy[s] < 0) this.consumedBy[s] = element
      return
    }
    const ranges = list.length === 1 ? null : this.rangesOf(stream)
    list.forEach((s, j) => {
      if (this.sink[s] < 0) {
        this.sink[s] = element
        this.pristine[s] = this.unchanged.has(stream) ? 1 : 0
        this.delivered[s] = ranges === null ? stream.entries : stream.entries.subarray(ranges[2 * j], ranges[2 * j + 1])
      } else {
        const extra = this.extraSinks.get(s)
        if (extra) extra.push(element)
        else this.extraSinks.set(s, [element])
      }
    })
  }

  log(level: string, message: string, fields: Record<string, unknown>): void {
    this.steps?.push({ kind: 'log', level, message, fields })
    if (level !== 'warn' && level !== 'error' && level !== 'fatal') return
    if (message === 'no patterns matched') return
    // A warning belongs to a sample only when one is running alone.
    if (this.single >= 0) this.errored[this.single] = 1
    else this.failed = true
  }

  /** The samples of a stream's entries, in order. */
  private listOf(stream: EventStream): Int32Array {
    const known = this.lists.get(stream)
    if (known !== undefined) return known
    if (this.single >= 0) {
      const list = new Int32Array(stream.count).fill(this.single)
      this.lists.set(stream, list)
      return list
    }
    this.failed = true
    return EMPTY
  }

  /** The samples of a filter's output: same count → same samples; fewer → the kept entries by their bytes. */
  private follow(before: EventStream, input: Int32Array, after: EventStream): Int32Array {
    const known = this.lists.get(after)
    if (known !== undefined) return known
    let list: Int32Array
    if (after.count === before.count) list = input
    else if (this.single >= 0) list = new Int32Array(after.count).fill(this.single)
    else if (after.count < before.count) {
      list = this.kept(before, input, after)
      // Kept entries were matched by their bytes: as unchanged as the input.
      if (this.unchanged.has(before)) this.unchanged.add(after)
    } else {
      this.failed = true
      list = EMPTY
    }
    this.lists.set(after, list)
    return list
  }

  /** Matches the kept entries to the input entries, in order, by their bytes. */
  private kept(before: EventStream, input: Int32Array, after: EventStream): Int32Array {
    const a = this.rangesOf(before)
    const b = this.rangesOf(after)
    if (a.length / 2 !== input.length || b.length / 2 !== after.count) {
      this.failed = true
      return EMPTY
    }
    const out = new Int32Array(after.count)
    let i = 0
    for (let j = 0; j < after.count; j++) {
      while (i < input.length && !same(before.entries, a[2 * i], a[2 * i + 1], after.entries, b[2 * j], b[2 * j + 1])) i++
      if (i === input.length) {
        this.failed = true
        return EMPTY
      }
      out[j] = input[i++]
    }
    return out
  }

  /** Entry boundaries (start, end pairs) of a stream, from the core's entry walk. */
  private rangesOf(stream: EventStream): Int32Array {
    const known = this.ranges.get(stream)
    if (known !== undefined) return known
    const core = this.core
    const base = core.aux(stream.entries)
    const status = core.exports.walkEntries(stream.entries.length)
    const n = status === abi.STATUS_OK ? core.result(abi.R_AUX_ENTRY_COUNT) : 0
    const ranges = new Int32Array(2 * n)
    for (let i = 0; i < n; i++) {
      ranges[2 * i] = core.entry(i, abi.E_ENTRY_START, true) - base
      ranges[2 * i + 1] = core.entry(i, abi.E_ENTRY_END, true) - base
    }
    this.ranges.set(stream, ranges)
    return ranges
  }
}

function same(x: Uint8Array, xs: number, xe: number, y: Uint8Array, ys: number, ye: number): boolean {
  if (xe - xs !== ye - ys) return false
  for (let k = 0; k < xe - xs; k++) if (x[xs + k] !== y[ys + k]) return false
  return true
}
