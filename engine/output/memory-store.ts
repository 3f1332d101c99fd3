/**
 * @module The memory buffer store (Fluentd's buf_memory): chunks are lists of the emitted entry
 * byte arrays (no copy on append: event streams are immutable), joined once when read. Nothing
 * survives a restart; undeliverable chunks go to the runtime's `backupChunk` service when there is
 * one.
 */

import { concat } from '../event-stream.ts'
import type { ChunkMetadata } from './chunk.ts'
import type { BufferStore, ChunkBackup, ResumedChunk, StoreChunk } from './store.ts'

class MemoryChunk implements StoreChunk {
  private parts: Uint8Array[] = []

  constructor(
    readonly metadata: ChunkMetadata,
    readonly id: Uint8Array,
    readonly createdAt: number,
  ) {}

  append(parts: readonly Uint8Array[]): void {
    for (const p of parts) this.parts.push(p)
  }

  enqueue(): void {}

  read(): Uint8Array {
    if (this.parts.length !== 1) this.parts = [concat(this.parts.length === 0 ? [new Uint8Array(0)] : this.parts)]
    return this.parts[0]
  }

  purge(): void {
    this.parts = []
  }
}

/**
 * @example
 * const store = createMemoryStore(ctx.id, ctx.services?.backupChunk)
 */
export function createMemoryStore(pluginId: string, backupChunk?: ChunkBackup): BufferStore {
  return {
    type: 'memory',
    persistent: false,
    resume: async (): Promise<ResumedChunk[]> => [],
    create: (metadata, id, createdAt) => new MemoryChunk(metadata, id, createdAt),
    async backup(chunk, count) {
      if (backupChunk === undefined) return null
      const where = await backupChunk(pluginId, {
        ...chunk.metadata,
        id: chunk.id,
        entries: await chunk.read(),
        count,
        createdAt: chunk.createdAt,
      })
      await chunk.purge()
      return where
    },
    close: async () => {},
  }
}
