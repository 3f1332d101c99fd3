/**
 * @module One request's events into the emit target, with the accounting both answer styles
 * (Fluentd's and the edge's) share: metrics in and out, and whether a refusal was backpressure
 * (a full or closing buffer: answer 503 with Retry-After) or a failure (500).
 */

import type { EventStream } from '../event-stream.ts'
import type { ResolvedIngestOptions } from './options.ts'

export type EmitOutcome = { ok: true } | { ok: false; backpressure: boolean; message: string }

export async function emitRequest(o: ResolvedIngestOptions, stream: EventStream): Promise<EmitOutcome> {
  if (o.metrics) {
    o.metrics.emits++
    o.metrics.eventsIn += stream.count
  }
  try {
    await o.emit(stream)
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    if (o.metrics) {
      o.metrics.errors++
      o.metrics.dropped += stream.count
    }
    const backpressure = o.isBackpressure(error)
    if (backpressure) o.log?.warn('emit refused for backpressure; answering 503', { tag: stream.tag, count: stream.count, error: message })
    return { ok: false, backpressure, message }
  }
  if (o.metrics) {
    o.metrics.eventsOut += stream.count
    o.metrics.bytesOut += stream.entries.length
  }
  return { ok: true }
}
