/**
 * @module Re-emitting records under new tags and labels (out_rewrite_tag_filter, label_router):
 * records are copied out of the stream being read into one new stream per (target, tag), kept in
 * the order each first appeared — Fluentd's `Hash.new { MultiEventStream.new }` — and emitted
 * together; the emit results are combined so backpressure and failures reach the input.
 */

import type { EventStream } from './event-stream.ts'
import type { EmitResult, EmitTarget } from './plugin.ts'
import { EntriesWriter } from './records/entries-writer.ts'

export class Regrouper {
  private readonly groups = new Map<EmitTarget, Map<string, EntriesWriter>>()

  /** Adds the record `b[start, end)` with its time to the stream of (`target`, `tag`). */
  add(target: EmitTarget, tag: string, sec: number, nsec: number, b: Uint8Array, start: number, end: number): void {
    let byTag = this.groups.get(target)
    if (byTag === undefined) {
      byTag = new Map()
      this.groups.set(target, byTag)
    }
    let writer = byTag.get(tag)
    if (writer === undefined) {
      writer = new EntriesWriter(Math.max(256, (end - start) * 4))
      byTag.set(tag, writer)
    }
    writer.appendEncoded(sec, nsec, b, start, end)
  }

  get size(): number {
    let n = 0
    for (const byTag of this.groups.values()) for (const w of byTag.values()) n += w.count
    return n
  }

  /** The groups as streams (in first-seen order), forgetting them. */
  streams(): [EmitTarget, EventStream][] {
    const streams: [EmitTarget, EventStream][] = []
    for (const [target, byTag] of this.groups) {
      for (const [tag, w] of byTag) streams.push([target, { tag, entries: w.bytes(), count: w.count }])
    }
    this.groups.clear()
    return streams
  }

  /** Emits every group (in first-seen order) and forgets them. */
  emitAll(): EmitResult {
    return emitEach(this.streams())
  }
}

/** One record as a stream of its own (`emit_mode record`). */
export function singleRecord(tag: string, sec: number, nsec: number, b: Uint8Array, start: number, end: number): EventStream {
  const w = new EntriesWriter(end - start + 16)
  w.appendEncoded(sec, nsec, b, start, end)
  return { tag, entries: w.bytes(), count: 1 }
}

/** Emits streams one after the other; returns a promise when any emit is asynchronous. */
export function emitEach(streams: readonly [EmitTarget, EventStream][]): EmitResult {
  const pending: Promise<void>[] = []
  for (const [target, stream] of streams) {
    const result = target.emit(stream)
    if (result instanceof Promise) pending.push(result)
  }
  if (pending.length === 0) return
  return Promise.all(pending).then(() => undefined)
}
