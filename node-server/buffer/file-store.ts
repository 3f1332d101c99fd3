/**
 * @module The file buffer store (Fluentd's buf_file, §5.5): chunk files in the buffer directory,
 * resumed at start — `.b` files back to the stage, `.q` files to the queue (oldest first) — so a
 * restart replays everything that was accepted. A chunk whose last append was cut short keeps its
 * complete entries (the original file is copied to `corrupt/` first); a chunk without a readable
 * `.meta`, or with no complete entry, is moved to `corrupt/`; each with one log line, and startup
 * goes on. Undeliverable chunks are moved to `<root_dir or buffer dir>/backup/worker<N>/<plugin_id>/<chunk_id>.log`
 * (Fluentd's layout). Where the chunks go with several workers: `bufferPaths`.
 * With `durable` (`<buffer> delivery durable`) appends resolve after fdatasync (file-chunk.ts). A
 * `.meta` left without its chunk file (a kill between the two unlinks of a purge) is removed.
 */

import { copyFile, mkdir, readdir, readFile, rename, stat, truncate, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import type { Core } from '../../wasm/core.ts'
import type { Logger } from '../../engine/log.ts'
import type { ChunkMetadata } from '../../engine/output/chunk.ts'
import { completePrefix } from '../../engine/output/entries.ts'
import type { BufferStore, BufferStoreOptions, ResumedChunk, StoreChunk } from '../../engine/output/store.ts'
import { FileChunk, ignoreMissing } from './file-chunk.ts'
import { decodeMeta, layoutFor, type ChunkMeta, type Layout } from './layout.ts'

export interface FileStoreOptions extends BufferStoreOptions {
  /** `<system> root_dir`: buffers of outputs without `path` go to `<root_dir>/worker<N>/<plugin_id>/buffer/`. */
  rootDir?: string | null
}

/** Buffer paths in use by running stores of this process (two must not share one: Fluentd's rule). */
const inUse = new Set<string>()

export const safeId = (id: string) => id.replace(/[ "/\\:;|*<>?]/g, '_')

function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16)
  return out
}

/** Renames, or copies + unlinks across file systems. */
export async function moveFile(from: string, to: string): Promise<void> {
  try {
    await rename(from, to)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error
    await copyFile(from, to)
    await unlink(from)
  }
}

/**
 * @example
 * const store = createFileStore({ core, log, pluginId: 'out_es', path: '/var/lib/sluice/buffer/es', now: Date.now })
 */
export function createFileStore(options: FileStoreOptions): BufferStore {
  const { core, log, pluginId, now } = options
  const durable = options.durable === true
  const { path, resumeAlso } = bufferPaths(options)
  const layout = layoutFor(path, !path.includes('*'))
  const legacy = resumeAlso === null ? null : layoutFor(resumeAlso, true)
  const key = layout.file('b', '')
  const backupDir = join(options.rootDir ?? layout.dir, 'backup', `worker${options.worker?.id ?? 0}`, safeId(pluginId))
  const corruptDir = join(backupDir, 'corrupt')
  const live = new Set<FileChunk>()
  let closed = false

  const track = (chunk: FileChunk) => {
    live.add(chunk)
    return chunk
  }

  return {
    type: 'file',
    persistent: true,
    async resume() {
      // Claimed at start, not at configure: a reload builds the new agent before the old one stops.
      if (inUse.has(key)) throw new Error(`another running output already uses the buffer path ${path}: stop it first`)
      inUse.add(key)
      await mkdir(layout.dir, { recursive: true })
      const resumed = await resumeDir(layout, core, log, corruptDir, now, durable)
      // Chunks left where a single-worker config kept them: resumed in place (they stay in that directory).
      if (legacy !== null && (await isDirectory(legacy.dir)))
        resumed.push(...(await resumeDir(legacy, core, log, corruptDir, now, durable)))
      for (const r of resumed) track(r.chunk as FileChunk)
      const staged = resumed.filter((r) => r.state === 'staged').length
      if (resumed.length > 0) {
        log.info(`Resumed ${staged} staged and ${resumed.length - staged} queued buffer chunks.`, {
          dir: layout.dir,
          events: resumed.reduce((n, r) => n + r.count, 0),
        })
      }
      return resumed
    },
    create(metadata: ChunkMetadata, id: Uint8Array, createdAt: number): StoreChunk {
      return track(new FileChunk(layout, metadata, id, createdAt, now, undefined, durable))
    },
    async backup(chunk, _count) {
      const file = chunk as FileChunk
      await mkdir(backupDir, { recursive: true })
      const target = join(backupDir, `${file.hexId}.log`)
      const moved = await file.moveTo(target, moveFile)
      live.delete(file)
      return moved ? target : null
    },
    async close() {
      if (closed) return
      closed = true
      await Promise.all([...live].map((c) => c.close().catch(() => {})))
      live.clear()
      inUse.delete(key)
    },
  }
}

/**
 * Where a store keeps its chunks, by Fluentd's rules (buf_file.rb, plugin_id.rb):
 * - no `path`, `<system> root_dir`: `<root_dir>/worker<N>/<plugin_id>/buffer/` (worker 0 also
 *   resumes sluice's earlier `<root_dir>/<plugin_id>/buffer/`);
 * - a directory `path` run by several workers: `<path>/worker<N>/` (worker 0 also resumes
 *   `<path>/` itself, where a single-worker config left its chunks);
 * - a file pattern `path` (`…/buf.*.log`) run by several workers: an error, as Fluentd's
 *   multi_workers_ready? makes it (the workers would share the files);
 * - otherwise the path as written (or the plugin's default path).
 */
export function bufferPaths(options: Pick<FileStoreOptions, 'path' | 'rootDir' | 'defaultPath' | 'pluginId' | 'worker'>): {
  path: string
  resumeAlso: string | null
} {
  const { id, count } = options.worker ?? { id: 0, count: 1 }
  const written = options.path
  if (written === null || written === '') {
    if (options.rootDir) {
      const dir = safeId(options.pluginId)
      return {
        path: join(options.rootDir, `worker${id}`, dir, 'buffer'),
        resumeAlso: id === 0 ? join(options.rootDir, dir, 'buffer') : null,
      }
    }
    if (!options.defaultPath)
      throw new Error("buffer path is not configured. specify 'path' in <buffer> (or <system> root_dir with an @id)")
    return perWorker(options.defaultPath, id, count)
  }
  return perWorker(written, id, count)
}

function perWorker(path: string, id: number, count: number): { path: string; resumeAlso: string | null } {
  if (count <= 1) return { path, resumeAlso: null }
  if (path.includes('*'))
    throw new Error(
      `file buffer path ${path} is a file pattern, which ${count} workers would share: give a directory path (each worker gets <path>/worker<N>), or set <system> root_dir and an @id`,
    )
  return { path: join(path, `worker${id}`), resumeAlso: id === 0 ? path : null }
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  )
}

async function resumeDir(
  layout: Layout,
  core: Core,
  log: Logger,
  corruptDir: string,
  now: () => number,
  durable: boolean,
): Promise<ResumedChunk[]> {
  const names = await readdir(layout.dir)
  const out: ResumedChunk[] = []
  const moveAside = async (files: string[], reason: string, id: string) => {
    await mkdir(corruptDir, { recursive: true })
    const moved: string[] = []
    for (const f of files) {
      const target = join(corruptDir, f.slice(layout.dir.length + 1))
      await moveFile(f, target).then(() => moved.push(target), ignoreMissing)
    }
    log.error(`Found a broken buffer chunk; moved it aside: ${reason}.`, { chunk_id: id, files: moved })
  }
  for (const name of names) {
    const parsed = layout.parse(name)
    if (parsed === null) {
      if (name.endsWith('.meta.tmp')) await unlink(join(layout.dir, name)).catch(() => {})
      else if (name.endsWith('.meta')) await removeOrphanMeta(layout, names, name)
      continue
    }
    const { state, id } = parsed
    const dataPath = layout.file(state, id)
    const metaPath = [dataPath + '.meta', layout.file(state === 'b' ? 'q' : 'b', id) + '.meta'].find((p) =>
      names.includes(p.slice(layout.dir.length + 1)),
    )
    let meta: ChunkMeta
    try {
      if (metaPath === undefined) throw new Error('no .meta file')
      meta = decodeMeta(await readFile(metaPath, 'utf8'), id)
    } catch (error) {
      await moveAside([dataPath, ...(metaPath ? [metaPath] : [])], `${(error as Error).message} (${name})`, id)
      continue
    }
    try {
      const info = await stat(dataPath)
      let size = meta.size
      let count = meta.count
      if (state === 'b' || size === null || count === null || size !== info.size) {
        const bytes = new Uint8Array(await readFile(dataPath))
        const prefix = completePrefix(core, bytes)
        if (prefix.bytes === 0 && bytes.length > 0) {
          await moveAside([dataPath, metaPath!], `no complete entry in ${bytes.length} bytes (${name})`, id)
          continue
        }
        if (prefix.bytes < bytes.length) {
          await mkdir(corruptDir, { recursive: true })
          const copy = join(corruptDir, name)
          await copyFile(dataPath, copy)
          await truncate(dataPath, prefix.bytes)
          log.error('Found a truncated buffer chunk; resumed its complete entries.', {
            chunk_id: id,
            kept_bytes: prefix.bytes,
            cut_bytes: bytes.length - prefix.bytes,
            events: prefix.count,
            original: copy,
          })
        }
        size = prefix.bytes
        count = prefix.count
      }
      if (count === 0) {
        await unlink(dataPath).catch(ignoreMissing)
        await unlink(metaPath!).catch(ignoreMissing)
        continue
      }
      if (metaPath !== dataPath + '.meta') await rename(metaPath!, dataPath + '.meta')
      const metadata: ChunkMetadata = { tag: meta.tag, timekey: meta.timekey, variables: meta.variables }
      const chunk = new FileChunk(layout, metadata, hexToBytes(id), meta.created, now, { state, size, count, meta }, durable)
      out.push({ chunk, state: state === 'b' ? 'staged' : 'queued', bytes: size, count, modifiedAt: Math.max(meta.modified, info.mtimeMs) })
    } catch (error) {
      log.error('Cannot resume a buffer chunk; leaving it in place.', { chunk_id: id, path: dataPath, error: String(error) })
    }
  }
  return out
}

/** A `.meta` whose chunk file is gone (the process died between the two unlinks of a purge). */
async function removeOrphanMeta(layout: Layout, names: readonly string[], name: string): Promise<void> {
  const parsed = layout.parse(name.slice(0, -'.meta'.length))
  if (parsed === null) return
  const data = ['b', 'q'].map((state) => layout.file(state as 'b' | 'q', parsed.id).slice(layout.dir.length + 1))
  if (data.some((d) => names.includes(d))) return
  await unlink(join(layout.dir, name)).catch(() => {})
}
