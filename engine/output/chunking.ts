/**
 * @module Splits an event stream by chunk metadata (Fluentd's execute_chunking). With no chunk
 * keys or `tag` only, the stream's bytes go to one chunk as they are (no per-event work: the
 * relay path). With `time` or record keys, the stream's entry index is read (entry-view.ts: no new
 * walk when a filter or the framer made it); consecutive entries of one metadata stay one byte
 * range (a subarray, no copy); records are decoded only for record keys.
 */

import type { Core } from '../../wasm/core.ts'
import { forEachEntry } from '../entry-view.ts'
import { decodeRecord, type EventStream } from '../event-stream.ts'
import type { ChunkMetadata } from './chunk.ts'
import { walkEntryRanges } from './entries.ts'
import type { ChunkKeys } from './placeholders.ts'
import { timekeyOf, type Zone } from './time-format.ts'

/** The part of a stream that goes to one metadata's chunk. */
export interface Piece {
  key: string
  metadata: ChunkMetadata
  /** Consecutive entries, in stream order. */
  parts: Uint8Array[]
  bytes: number
  count: number
}

const EMPTY: Readonly<Record<string, string>> = Object.freeze({})
const textDecoder = new TextDecoder()

/** A record value as a chunk variable (what `${key}` becomes): strings as they are, others as text. */
export function variableText(value: unknown): string {
  if (value === undefined || value === null) return ''
  if (typeof value === 'string') return value
  if (value instanceof Uint8Array) return textDecoder.decode(value)
  if (typeof value === 'object') return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))
  return String(value)
}

type Accessor = (record: Record<string, unknown>) => unknown

function accessor(key: string): Accessor {
  if (!key.startsWith('$.')) return (record) => record[key]
  const path = key.slice(2).split('.')
  return (record) => {
    let v: unknown = record
    for (const p of path) {
      if (v === null || typeof v !== 'object') return undefined
      v = (v as Record<string, unknown>)[p]
    }
    return v
  }
}

export class Chunker {
  private readonly metadataCache = new Map<string, ChunkMetadata>()
  private readonly accessors: Accessor[]
  /** True when the stream's bytes go to one chunk as they are. */
  readonly simple: boolean
  private lastSec = -1
  private lastTimekey = 0
  /** Chunks are split by tag (a `tag` chunk key, or an output that prints each event's tag). */
  private readonly byTag: boolean

  constructor(
    private readonly core: Core,
    private readonly keys: ChunkKeys,
    private readonly timekey: number | null,
    private readonly zone: Zone,
    keepTag = false,
  ) {
    this.accessors = keys.keys.map(accessor)
    this.simple = !keys.time && keys.keys.length === 0
    this.byTag = keys.tag || keepTag
  }

  /** The metadata of a key, made once (so chunks of one metadata share the object). */
  private metadataFor(key: string, tag: string, timekey: number | null, variables: Readonly<Record<string, string>>): ChunkMetadata {
    let m = this.metadataCache.get(key)
    if (m === undefined) {
      m = Object.freeze({ tag: this.byTag ? tag : '', timekey, variables })
      if (this.metadataCache.size > 65_536) this.metadataCache.clear()
      this.metadataCache.set(key, m)
    }
    return m
  }

  /** The metadata a resumed chunk had, as this chunker would make it. */
  intern(metadata: ChunkMetadata): ChunkMetadata {
    return this.metadataFor(metadataKey(metadata), metadata.tag, metadata.timekey, metadata.variables)
  }

  split(stream: EventStream): Piece[] {
    if (this.simple) {
      const tag = this.byTag ? stream.tag : ''
      const metadata = this.metadataFor(tag, tag, null, EMPTY)
      return [{ key: tag, metadata, parts: [stream.entries], bytes: stream.entries.length, count: stream.count }]
    }
    return this.splitByEvent(stream)
  }

  private splitByEvent(stream: EventStream): Piece[] {
    interface Run extends Piece {
      runStart: number
      runEnd: number
    }
    const runs = new Map<string, Run>()
    const order: Run[] = []
    const tag = this.byTag ? stream.tag : ''
    const entries = stream.entries
    const byTimeOnly = this.accessors.length === 0
    let previous: Run | undefined
    let previousTimekey: number | null = null
    forEachEntry(this.core, stream, (sec, _nsec, rs, re, mem, start, end) => {
      let timekey: number | null = null
      if (this.keys.time) {
        if (sec !== this.lastSec) {
          this.lastSec = sec
          this.lastTimekey = timekeyOf(sec, this.timekey!, this.zone)
        }
        timekey = this.lastTimekey
      }
      if (byTimeOnly && previous !== undefined && timekey === previousTimekey && previous.runEnd === start) {
        // Same slice as the entry before: extend its run (no key, no map lookup).
        previous.runEnd = end
        previous.bytes += end - start
        previous.count++
        return
      }
      let variables = EMPTY
      let varKey = ''
      if (this.accessors.length > 0) {
        const record = decodeRecord(mem.subarray(rs, re))
        const values: Record<string, string> = {}
        for (let i = 0; i < this.accessors.length; i++) values[this.keys.keys[i]] = variableText(this.accessors[i](record))
        variables = values
        varKey = JSON.stringify(this.keys.keys.map((k) => values[k]))
      }
      const key = `${tag}\u0000${timekey ?? ''}\u0000${varKey}`
      let run = runs.get(key)
      if (run === undefined) {
        run = {
          key,
          metadata: this.metadataFor(key, tag, timekey, variables),
          parts: [],
          bytes: 0,
          count: 0,
          runStart: start,
          runEnd: start,
        }
        runs.set(key, run)
        order.push(run)
      }
      if (run.runEnd !== start) {
        if (run.runEnd > run.runStart) run.parts.push(entries.subarray(run.runStart, run.runEnd))
        run.runStart = start
      }
      run.runEnd = end
      run.bytes += end - start
      run.count++
      previous = run
      previousTimekey = timekey
    })
    for (const run of order) if (run.runEnd > run.runStart) run.parts.push(entries.subarray(run.runStart, run.runEnd))
    return order
  }
}

/** The key chunks of one metadata share (resumed chunks are matched to new ones by it). */
export function metadataKey(m: ChunkMetadata): string {
  const names = Object.keys(m.variables)
  if (names.length === 0 && m.timekey === null) return m.tag
  return `${m.tag}\u0000${m.timekey ?? ''}\u0000${names.length === 0 ? '' : JSON.stringify(names.map((k) => m.variables[k]))}`
}

/** Each entry of `parts` as its own byte range (for splitting a piece across chunks). */
export function entryViews(core: Core, parts: readonly Uint8Array[]): Uint8Array[] {
  const out: Uint8Array[] = []
  for (const part of parts) {
    const ok = walkEntryRanges(core, part, (start, end) => {
      out.push(part.subarray(start, end))
    })
    if (!ok) throw new Error('chunk piece is not a valid entries stream')
  }
  return out
}
