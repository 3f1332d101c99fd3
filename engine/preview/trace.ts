/**
 * @module The tracer: the preview emits one sample at a time, and the wrapped routers, filters and
 * outputs report to it what happened to that sample. In count mode it keeps only the outcome and
 * the per-element counters (no copies, no decoding); in detail mode it also keeps every step's
 * stream for one sample, decoded afterwards.
 */

import type { EventStream } from '../event-stream.ts'
import { Outcome } from './types.ts'

export type RawStep =
  | { kind: 'router'; router: number; tag: string; filters: number[]; match: number | null }
  | { kind: 'filter'; element: number; before: EventStream; after: EventStream | null }
  | { kind: 'output'; element: number; stream: EventStream; routing: boolean }
  | { kind: 'unmatched'; router: number; tag: string }
  | { kind: 'log'; level: string; message: string; fields: Record<string, unknown> }

interface Frame {
  router: number
  dropped: boolean
}

export class Tracer {
  /** Events that reached each element (filters: in; outputs: received). */
  eventsIn: Int32Array
  /** Events each filter passed on. */
  eventsOut: Int32Array
  routerIn: Int32Array
  routerUnmatched: Int32Array
  /** Detail mode: the steps of the current sample. */
  steps: RawStep[] | null = null

  // The current sample.
  sinks: number[] = []
  delivered: EventStream | null = null
  droppedBy = -1
  unmatchedRouter = -1
  consumedBy = -1
  hadError = false
  private frames: Frame[] = []

  constructor(elementCount: number, routerCount: number) {
    this.eventsIn = new Int32Array(elementCount)
    this.eventsOut = new Int32Array(elementCount)
    this.routerIn = new Int32Array(routerCount)
    this.routerUnmatched = new Int32Array(routerCount)
  }

  resetCounters(): void {
    this.eventsIn.fill(0)
    this.eventsOut.fill(0)
    this.routerIn.fill(0)
    this.routerUnmatched.fill(0)
  }

  /** Starts a sample; `detail` keeps its steps. */
  begin(detail: boolean): void {
    this.sinks = []
    this.delivered = null
    this.droppedBy = -1
    this.unmatchedRouter = -1
    this.consumedBy = -1
    this.hadError = false
    this.frames.length = 0
    this.steps = detail ? [] : null
  }

  /** The sample's outcome and its target element (or router) index. */
  outcome(): { outcome: Outcome; target: number } {
    if (this.sinks.length > 0) return { outcome: Outcome.Delivered, target: this.sinks[0] }
    if (this.unmatchedRouter >= 0) return { outcome: Outcome.Unmatched, target: this.unmatchedRouter }
    if (this.droppedBy >= 0) return { outcome: this.hadError ? Outcome.Error : Outcome.Dropped, target: this.droppedBy }
    if (this.consumedBy >= 0) return { outcome: Outcome.Consumed, target: this.consumedBy }
    return { outcome: this.hadError ? Outcome.Error : Outcome.Consumed, target: -1 }
  }

  enterRouter(router: number, tag: string, filters: number[], match: number | null, count: number): void {
    this.routerIn[router] += count
    this.frames.push({ router, dropped: false })
    this.steps?.push({ kind: 'router', router, tag, filters, match })
  }

  /** Called when the router's emit returned; `match` null means no pattern matched its tag. */
  leaveRouter(router: number, tag: string, match: number | null, count: number): void {
    const frame = this.frames.pop()
    if (match !== null || frame?.dropped) return
    this.routerUnmatched[router] += count
    if (this.unmatchedRouter < 0) this.unmatchedRouter = router
    this.steps?.push({ kind: 'unmatched', router, tag })
  }

  filtered(element: number, before: EventStream, after: EventStream | null): void {
    this.eventsIn[element] += before.count
    const passed = after === null ? 0 : after.count
    this.eventsOut[element] += passed
    if (passed === 0) {
      const frame = this.frames[this.frames.length - 1]
      if (frame) frame.dropped = true
      if (this.droppedBy < 0) this.droppedBy = element
    }
    this.steps?.push({ kind: 'filter', element, before, after })
  }

  output(element: number, stream: EventStream, routing: boolean): void {
    this.eventsIn[element] += stream.count
    if (routing) {
      if (this.consumedBy < 0) this.consumedBy = element
    } else {
      this.sinks.push(element)
      this.delivered ??= stream
    }
    this.steps?.push({ kind: 'output', element, stream, routing })
  }

  log(level: string, message: string, fields: Record<string, unknown>): void {
    if (level === 'warn' || level === 'error' || level === 'fatal') {
      if (message !== 'no patterns matched') this.hadError = true
    }
    this.steps?.push({ kind: 'log', level, message, fields })
  }
}
