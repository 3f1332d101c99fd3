/**
 * @module The chunk files `sluice replay` finds in a directory (not its subdirectories): backups
 * (`<32 hex id>.log`, from the retry limit or an unrecoverable error) and file-buffer chunks
 * (`buffer.b<id>.log` / `buffer.q<id>.log`), each with its `.meta` when there is one (the tag comes
 * from it, else from --tag). A chunk's bytes are checked with the core: only complete, valid
 * entries are sent (a cut-off tail is reported), split into messages of at most
 * `maxMessageBytes` entries bytes at entry boundaries.
 */

import { readdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { Core } from '../../wasm/core.ts'
import { completePrefix, walkEntryRanges } from '../../engine/output/entries.ts'

/** A chunk file name: a backup, or a file-buffer chunk in Fluentd's default layout. */
const CHUNK_NAME = /^(?:buffer\.[bq])?([0-9a-f]{32})\.log$/

export interface ChunkFile {
  /** The data file. */
  path: string
  /** Its `.meta` sidecar, when there is one. */
  metaPath: string | null
  id: string
  /** From the `.meta`; null when there is none (or it has no usable tag). */
  tag: string | null
  /** Replay order: the chunk's creation time (or the file's mtime). */
  createdAt: number
}

export interface LoadedChunk {
  entries: Uint8Array
  /** Valid entries in `entries`. */
  count: number
  /** Bytes at the end that are not a complete entry (not sent). */
  cutBytes: number
  /** Invalid entries (bad time or record) inside the complete part: not sent. */
  invalid: number
  /** `[start, end)` of each message's entries and its event count. */
  messages: { start: number; end: number; count: number }[]
}

/** The chunk files of `dir`, oldest first. */
export async function findChunkFiles(dir: string): Promise<ChunkFile[]> {
  const names = await readdir(dir)
  const out: ChunkFile[] = []
  for (const name of names) {
    const m = CHUNK_NAME.exec(name)
    if (m === null) continue
    const path = join(dir, name)
    const info = await stat(path)
    if (!info.isFile()) continue
    const id = m[1]
    // A queued chunk's .meta may still carry the staged name (a kill between the two renames).
    const metaName = [`${name}.meta`, ...(name.startsWith('buffer.') ? [`buffer.${name[7] === 'b' ? 'q' : 'b'}${id}.log.meta`] : [])].find(
      (n) => names.includes(n),
    )
    let tag: string | null = null
    let createdAt = info.mtimeMs
    if (metaName !== undefined) {
      try {
        const meta = JSON.parse(await readFile(join(dir, metaName), 'utf8')) as { tag?: unknown; created?: unknown }
        if (typeof meta.tag === 'string' && meta.tag !== '') tag = meta.tag
        if (typeof meta.created === 'number') createdAt = meta.created
      } catch {
        // An unreadable .meta: the chunk needs --tag.
      }
    }
    out.push({ path, metaPath: metaName === undefined ? null : join(dir, metaName), id, tag, createdAt })
  }
  return out.sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id))
}

/** Reads a chunk file and plans its messages. */
export async function loadChunk(core: Core, file: ChunkFile, maxMessageBytes: number): Promise<LoadedChunk> {
  const bytes = new Uint8Array(await readFile(file.path))
  const prefix = completePrefix(core, bytes)
  let entries = bytes.subarray(0, prefix.bytes)
  if (prefix.invalid > 0) {
    // Invalid entries (bad time or record) are left out: the valid ones are copied into a fresh stream.
    const valid: Uint8Array[] = []
    walkEntryRanges(core, entries, (s, e) => {
      valid.push(entries.slice(s, e))
    })
    const joined = new Uint8Array(valid.reduce((n, v) => n + v.length, 0))
    let at = 0
    for (const v of valid) {
      joined.set(v, at)
      at += v.length
    }
    entries = joined
  }
  return {
    entries,
    count: prefix.count,
    cutBytes: bytes.length - prefix.bytes,
    invalid: prefix.invalid,
    messages: plan(core, entries, maxMessageBytes),
  }
}

/** Splits entries into runs of at most `maxMessageBytes` (a single larger entry is a message of its own). */
function plan(core: Core, entries: Uint8Array, maxMessageBytes: number): LoadedChunk['messages'] {
  const messages: LoadedChunk['messages'] = []
  let start = 0
  let end = 0
  let count = 0
  walkEntryRanges(core, entries, (s, e) => {
    if (count > 0 && e - start > maxMessageBytes) {
      messages.push({ start, end, count })
      start = s
      count = 0
    }
    end = e
    count++
  })
  if (count > 0) messages.push({ start, end, count })
  return messages
}
