/**
 * @module The Node buffer services handed to the agent (AgentOptions.services): `<buffer @type
 * file>` stores, and where memory buffers keep chunks they could not deliver
 * (`<root_dir or $TMPDIR/sluice>/backup/worker<N>/<plugin_id>/<chunk_id>.log` with the chunk's `.meta`
 * beside it, as the file store's backups have; Fluentd's /tmp/fluent).
 *
 * @example
 * buildAgent(model, locs, { core, registry, log, runtime: 'node', services: nodeBufferServices({ rootDir }) })
 */

import { mkdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chunkIdHex } from '../../engine/output/chunk.ts'
import type { PluginServices } from '../../engine/plugin.ts'
import { createFileStore, safeId } from './file-store.ts'
import { encodeMeta, metaFor } from './layout.ts'

export interface NodeBufferOptions {
  /** `<system> root_dir`. */
  rootDir?: string | null
  /** The worker process (0 in a single process): backups go under `backup/worker<N>/`, as Fluentd's do. */
  workerId?: number
}

export function nodeBufferServices(options: NodeBufferOptions = {}): PluginServices {
  const rootDir = options.rootDir ?? null
  return {
    bufferStore(type, storeOptions) {
      if (type !== 'file') throw new Error(`unknown buffer type ${type}`)
      return createFileStore({ ...storeOptions, rootDir })
    },
    async backupChunk(pluginId, chunk) {
      const dir = join(rootDir ?? join(tmpdir(), 'sluice'), 'backup', `worker${options.workerId ?? 0}`, safeId(pluginId))
      await mkdir(dir, { recursive: true })
      const hexId = chunkIdHex(chunk.id)
      const file = join(dir, `${hexId}.log`)
      // The .meta (tag, time key, count) lets `sluice replay` send the chunk with its own tag.
      const meta = { ...metaFor(chunk, hexId, chunk.createdAt), state: 'queued' as const, size: chunk.entries.length, count: chunk.count }
      await writeFile(file + '.meta', encodeMeta(meta))
      await writeFile(file, chunk.entries, { flag: 'a' })
      return file
    },
  }
}
