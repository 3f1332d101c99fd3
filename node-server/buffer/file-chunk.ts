/**
 * @module One chunk of the file buffer: `buffer.b<id>.log` while staged (appended with
 * O_APPEND writes, one writev per emit), renamed to `buffer.q<id>.log` when enqueued, with its
 * `.meta` sidecar. Operations on a chunk run one after the other (a promise chain), so an append
 * is durable (written to the file) when its promise resolves, and a failed append is cut off again
 * (ftruncate to the last good size) before the next operation runs. With `durable` (`<buffer>
 * delivery durable`) an append resolves only after an fdatasync that covers it: appends that
 * complete while a sync is pending share it (group commit); a failed sync cuts the file back to
 * the last synced size and fails every append it covered. A new chunk's `.meta` is fsynced before
 * its rename and the directory after the data file is created. `commit` (the chunk was delivered)
 * unlinks the data file at once, synchronously — not behind the chain — so a SIGKILL after the ack
 * was processed never replays the chunk; `purge` then removes the `.meta` (an orphan `.meta` is
 * removed at resume too).
 */

import { open, readFile, rename, truncate, unlink, writeFile, type FileHandle } from 'node:fs/promises'
import { unlinkSync } from 'node:fs'
import { dirname } from 'node:path'
import type { ChunkMetadata } from '../../engine/output/chunk.ts'
import { chunkIdHex } from '../../engine/output/chunk.ts'
import type { StoreChunk } from '../../engine/output/store.ts'
import { encodeMeta, metaFor, type ChunkMeta, type Layout } from './layout.ts'

export class FileChunk implements StoreChunk {
  readonly hexId: string
  private handle: FileHandle | null = null
  private tail: Promise<unknown> = Promise.resolve()
  /** Bytes and events in the file (complete appends only). */
  size = 0
  count = 0
  state: 'b' | 'q'
  private created = false
  private meta: ChunkMeta
  /** Bytes written since the last fdatasync (durable). */
  private dirty = false
  private synced = { size: 0, count: 0 }
  /** The sync queued at the chain's tail: appends that complete before it runs share it. */
  private pendingSync: Promise<void> | null = null
  /** Delivered (`commit`): its data file is unlinked, a sync still queued has nothing to do. */
  private committed = false

  constructor(
    private readonly layout: Layout,
    readonly metadata: ChunkMetadata,
    readonly id: Uint8Array,
    readonly createdAt: number,
    private readonly now: () => number,
    resumed?: { state: 'b' | 'q'; size: number; count: number; meta: ChunkMeta },
    private readonly durable = false,
  ) {
    this.hexId = chunkIdHex(id)
    this.state = resumed?.state ?? 'b'
    this.meta = resumed?.meta ?? metaFor(metadata, this.hexId, createdAt)
    if (resumed) {
      this.created = true
      this.size = resumed.size
      this.count = resumed.count
      this.synced = { size: resumed.size, count: resumed.count }
    }
  }

  get path(): string {
    return this.layout.file(this.state, this.hexId)
  }

  get metaPath(): string {
    return this.path + '.meta'
  }

  /** Runs `op` after every earlier operation on this chunk. */
  private run<T>(op: () => Promise<T>): Promise<T> {
    const next = this.tail.then(op, op)
    this.tail = next.catch(() => {})
    return next
  }

  private async writeMeta(): Promise<void> {
    this.meta.modified = this.now()
    const tmp = this.metaPath + '.tmp'
    try {
      if (this.durable) {
        const h = await open(tmp, 'w')
        try {
          await h.writeFile(encodeMeta(this.meta))
          await h.datasync()
        } finally {
          await h.close()
        }
      } else {
        await writeFile(tmp, encodeMeta(this.meta))
      }
      await rename(tmp, this.metaPath)
    } catch (error) {
      // A full disk (ENOSPC) leaves a partial temp file: remove it, the next attempt writes it again.
      await unlink(tmp).catch(() => undefined)
      throw error
    }
  }

  private async ensureOpen(): Promise<FileHandle> {
    if (this.handle !== null) return this.handle
    const creating = !this.created
    if (creating) {
      await this.writeMeta()
      this.created = true
    }
    this.handle = await open(this.path, 'a')
    // The new names (data file, .meta) must survive a power loss too: sync the directory once.
    if (creating && this.durable) await syncDirectory(dirname(this.path))
    return this.handle
  }

  append(parts: readonly Uint8Array[], bytes: number, count: number): Promise<void> {
    const written = this.writeEntries(parts, bytes, count)
    return this.durable ? written.then(() => this.syncSoon()) : written
  }

  /** One fdatasync at the chain's tail for every append written before it runs. */
  private syncSoon(): Promise<void> {
    this.pendingSync ??= this.run(async () => {
      this.pendingSync = null
      await this.syncData()
    })
    return this.pendingSync
  }

  private async syncData(): Promise<void> {
    // A committed chunk was delivered: its data file is gone and nothing about it needs the disk.
    if (!this.dirty || !this.created || this.committed) return
    try {
      if (this.handle !== null) await this.handle.datasync()
      else {
        // The handle was closed meanwhile (enqueued): any descriptor of the file syncs its data.
        const h = await open(this.path, 'r')
        try {
          await h.datasync()
        } finally {
          await h.close()
        }
      }
    } catch (error) {
      // Delivered while this sync ran (the file was unlinked under it): nothing is lost.
      if (this.committed) return
      // Unknown what reached the disk: cut back to what is known synced; the covered appends fail.
      await truncate(this.path, this.synced.size).catch(() => {})
      this.size = this.synced.size
      this.count = this.synced.count
      this.dirty = false
      throw error
    }
    this.dirty = false
    this.synced = { size: this.size, count: this.count }
  }

  private writeEntries(parts: readonly Uint8Array[], bytes: number, count: number): Promise<void> {
    return this.run(async () => {
      const handle = await this.ensureOpen()
      try {
        let written = (await handle.writev(parts as Uint8Array[])).bytesWritten
        while (written < bytes) {
          // A short write (rare on files): write what is left, part by part.
          let skip = written
          const rest: Uint8Array[] = []
          for (const p of parts) {
            if (skip >= p.length) skip -= p.length
            else {
              rest.push(skip > 0 ? p.subarray(skip) : p)
              skip = 0
            }
          }
          const n = (await handle.writev(rest)).bytesWritten
          if (n === 0) throw new Error('short write to a buffer chunk file')
          written += n
        }
      } catch (error) {
        await handle.truncate(this.size).catch(() => truncate(this.path, this.size).catch(() => {}))
        throw error
      }
      this.size += bytes
      this.count += count
      this.dirty = true
    })
  }

  enqueue(): Promise<void> {
    return this.run(async () => {
      if (!this.created) {
        this.state = 'q'
        return
      }
      await this.closeHandle()
      this.meta.state = 'queued'
      this.meta.size = this.size
      this.meta.count = this.count
      await this.writeMeta()
      const fromData = this.path
      const fromMeta = this.metaPath
      this.state = 'q'
      await rename(fromData, this.path)
      await rename(fromMeta, this.metaPath)
    })
  }

  read(): Promise<Uint8Array> {
    return this.run(async () => (this.created ? new Uint8Array(await readFile(this.path)) : new Uint8Array(0)))
  }

  /**
   * Delivered: the data file goes now (one unlink syscall per chunk, on the calling thread, so no
   * queued file operation can delay it). Called after the chunk was read for its write, so its
   * enqueue rename is done and no append is pending; an open handle is closed by `purge`.
   */
  commit(): void {
    if (!this.created) return
    this.committed = true
    try {
      unlinkSync(this.path)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    }
  }

  purge(): Promise<void> {
    return this.run(async () => {
      await this.closeHandle()
      if (!this.created) return
      await unlink(this.path).catch(ignoreMissing)
      await unlink(this.metaPath).catch(ignoreMissing)
      this.created = false
    })
  }

  /** Moves the files to `target` (and `target.meta`): for backups. */
  moveTo(target: string, move: (from: string, to: string) => Promise<void>): Promise<boolean> {
    return this.run(async () => {
      await this.closeHandle()
      if (!this.created) return false
      await move(this.path, target)
      await move(this.metaPath, target + '.meta').catch(ignoreMissing)
      this.created = false
      return true
    })
  }

  /** Closes the file (the store is closing); the chunk stays on disk for the next run. */
  close(): Promise<void> {
    return this.run(() => this.closeHandle())
  }

  private async closeHandle(): Promise<void> {
    const h = this.handle
    this.handle = null
    await h?.close()
  }
}

/** fsync of a directory: makes the names created or renamed in it durable. */
export async function syncDirectory(dir: string): Promise<void> {
  const h = await open(dir, 'r')
  try {
    await h.sync()
  } finally {
    await h.close()
  }
}

export function ignoreMissing(error: unknown): void {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
}
