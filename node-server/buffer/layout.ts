/**
 * @module File buffer names and the `.meta` sidecar. Chunk files are Fluentd's
 * `buffer.b<32 hex id>.log` (staged) and `buffer.q<id>.log` (queued) in the buffer directory (or
 * the `path` pattern's `*` replaced by `b<id>` / `q<id>`). The sidecar `<chunk file>.meta` is JSON
 * (not Fluentd's msgpack layout: compatibility with Fluentd's own files is not a goal):
 * `{"version":1,"id","tag","timekey","variables","created","modified","state","size","count"}`;
 * `size` and `count` are final once the chunk is queued.
 */

import { basename, dirname, join } from 'node:path'
import type { ChunkMetadata } from '../../engine/output/chunk.ts'

export const META_VERSION = 1

export interface ChunkMeta {
  version: number
  id: string
  tag: string
  timekey: number | null
  variables: Record<string, string>
  /** ms since the epoch */
  created: number
  modified: number
  state: 'staged' | 'queued'
  /** Final bytes and events once queued; null while staged. */
  size: number | null
  count: number | null
}

/** Where chunk files go: a `*` template (`/dir/buffer.*.log`). */
export interface Layout {
  dir: string
  /** File name of a chunk in a state. */
  file(state: 'b' | 'q', hexId: string): string
  /** Parses a file name of this layout; null for other files. */
  parse(name: string): { state: 'b' | 'q'; id: string } | null
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/**
 * Fluentd's path rules: a directory (existing, or a path without `.*`) holds `buffer.*.log`;
 * a basename with `.*.` is a file pattern; one ending in `.*` gets `.log`.
 */
export function layoutFor(path: string, isDirectory: boolean): Layout {
  let template: string
  const base = basename(path)
  if (isDirectory || !base.includes('*')) template = join(path, 'buffer.*.log')
  else if (base.endsWith('.*')) template = path + '.log'
  else template = path
  const dir = dirname(template)
  const name = basename(template)
  const star = name.indexOf('*')
  const before = name.slice(0, star)
  const after = name.slice(star + 1)
  const pattern = new RegExp(`^${escape(before)}([bq])([0-9a-f]{32})${escape(after)}$`)
  return {
    dir,
    file: (state, id) => join(dir, `${before}${state}${id}${after}`),
    parse(n) {
      const m = pattern.exec(n)
      return m ? { state: m[1] as 'b' | 'q', id: m[2] } : null
    },
  }
}

export function encodeMeta(meta: ChunkMeta): string {
  return JSON.stringify(meta)
}

/** Reads a sidecar; throws with the reason when it is not a valid one for `id`. */
export function decodeMeta(text: string, id: string): ChunkMeta {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new Error('meta is not JSON')
  }
  const m = value as Partial<ChunkMeta>
  if (typeof m !== 'object' || m === null) throw new Error('meta is not an object')
  if (m.version !== META_VERSION) throw new Error(`meta version ${String(m.version)} is not ${META_VERSION}`)
  if (m.id !== id) throw new Error('meta is for another chunk id')
  if (typeof m.tag !== 'string') throw new Error('meta has no tag')
  if (m.timekey !== null && typeof m.timekey !== 'number') throw new Error('meta timekey is not a number')
  if (typeof m.variables !== 'object' || m.variables === null || Object.values(m.variables).some((v) => typeof v !== 'string')) {
    throw new Error('meta variables are not strings')
  }
  if (typeof m.created !== 'number' || typeof m.modified !== 'number') throw new Error('meta times are missing')
  if (m.size !== null && typeof m.size !== 'number') throw new Error('meta size is not a number')
  if (m.count !== null && typeof m.count !== 'number') throw new Error('meta count is not a number')
  return m as ChunkMeta
}

export function metaFor(metadata: ChunkMetadata, id: string, created: number): ChunkMeta {
  return {
    version: META_VERSION,
    id,
    tag: metadata.tag,
    timekey: metadata.timekey,
    variables: { ...metadata.variables },
    created,
    modified: created,
    state: 'staged',
    size: null,
    count: null,
  }
}
