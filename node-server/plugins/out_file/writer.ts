/**
 * @module The out_file ChunkWriter: formats a chunk's events (walked with the core) into bytes —
 * events the formatter refuses go to `failed` (→ @ERROR) and the rest are written —, gzips them
 * into one member when `compress gzip`, and writes them to the chunk's path — appended, or as a new
 * `_N` file created exclusively (so two writers never share one). The write resolves once the data
 * is written (no fsync).
 */

import { appendFile, mkdir, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { promisify } from 'node:util'
import { gzip } from 'node:zlib'
import type { Core } from '../../../wasm/core.ts'
import type { Chunk, ChunkWriter } from '../../../engine/output/chunk.ts'
import { ByteBuffer } from '../../../engine/formatter/byte-buffer.ts'
import { formatEntries, type FormatFailures } from '../../../engine/formatter/format-stream.ts'
import type { FormatterPlugin } from '../../../engine/formatter/types.ts'

const gzipAsync = promisify(gzip)

export interface FileWriterOptions {
  core: Core
  formatter: FormatterPlugin
  /** Events the formatter refused (they are not written; the rest are). */
  failed: (failures: FormatFailures) => void
  /** The chunk's path, `_**` still in it unless append. */
  path: (chunk: Chunk) => string
  append: boolean
  gzip: boolean
  /** Called with each written path (tests, logs). */
  written?: (path: string) => void
}

export function createFileWriter(o: FileWriterOptions): ChunkWriter {
  /** Next `_N` to try per path template (a hint: creation is exclusive anyway). */
  const nextIndex = new Map<string, number>()
  return {
    async write(chunk) {
      const out = new ByteBuffer(Math.max(4096, chunk.entries.length * 2))
      const failures = formatEntries(o.core, o.formatter, chunk.tag, chunk.entries, out)
      // Refused events are reported once the others are written (a retried write reports nothing twice).
      if (failures !== null && failures.stream.count === chunk.count) {
        o.failed(failures)
        return
      }
      const template = o.path(chunk)
      await mkdir(dirname(template), { recursive: true })
      const data: Uint8Array = o.gzip ? await gzipAsync(out.view()) : out.view()
      if (o.append || !template.includes('_**')) {
        await appendFile(template, data)
        o.written?.(template)
      } else {
        for (let i = nextIndex.get(template) ?? 0; ; i++) {
          const path = template.replace('_**', `_${i}`)
          try {
            await writeFile(path, data, { flag: 'wx' })
          } catch (error) {
            if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue
            throw error
          }
          if (nextIndex.size > 10_000) nextIndex.clear()
          nextIndex.set(template, i + 1)
          o.written?.(path)
          break
        }
      }
      if (failures !== null) o.failed(failures)
    },
  }
}
