/**
 * @module `sluice replay DIR`: sends the chunk files of a backup or buffer directory again with
 * the Forward protocol (PackedForward, acks required) to --host/--port, oldest first, and moves each
 * chunk's files to `DIR/replayed/` (or deletes them with --delete) only once every message of the
 * chunk was acknowledged. Progress: one line per chunk on stderr and a summary. A chunk without a
 * tag (no `.meta` and no --tag) is skipped and left in place; when the server cannot be reached the
 * run stops with exit code 1 and what was not acknowledged stays where it was. Do not point it at
 * the buffer directory of a running sluice (that daemon replays its own buffer when it restarts).
 */

import { mkdir, rename, unlink } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { parseTime, parseSize } from '../../engine/config/types.ts'
import { loadCore } from '../../wasm/load-node.ts'
import { formatOptions, integerOption, parseArgs, stringOption, UsageError, type OptionSpec, type ParsedOptions } from './args.ts'
import { processIo, type Io } from './check.ts'
import { findChunkFiles, loadChunk, type ChunkFile } from './replay-chunks.ts'
import { ReplaySender } from './replay-sender.ts'

export const REPLAY_OPTIONS: readonly OptionSpec[] = [
  { name: 'host', type: 'string', value: 'HOST', description: 'receiver address (default 127.0.0.1)' },
  { name: 'port', type: 'string', value: 'PORT', description: 'receiver port (default 24224)' },
  { name: 'tag', type: 'string', value: 'TAG', description: 'tag for chunks whose .meta has none (or that have no .meta)' },
  { name: 'delete', type: 'flag', description: 'delete each chunk once acknowledged (default: move it to DIR/replayed/)' },
  { name: 'window', type: 'string', value: 'N', description: 'most unacknowledged messages at once (default 8)' },
  {
    name: 'max-message-size',
    type: 'string',
    value: 'SIZE',
    description: "split chunks into messages of at most this many entry bytes (default 8m; keep it under the receiver's max frame size)",
  },
  { name: 'ack-timeout', type: 'string', value: 'TIME', description: 'resend on a new connection when an ack takes longer (default 60s)' },
  {
    name: 'retry-timeout',
    type: 'string',
    value: 'TIME',
    description: 'give up when the receiver cannot be reached for this long (default 60s)',
  },
  { name: 'dry-run', type: 'flag', description: 'list what would be sent, send nothing' },
  { name: 'help', short: 'h', type: 'flag', description: 'this help' },
]

export const REPLAY_HELP = `Usage: sluice replay DIR [--host HOST] [--port PORT] [options]

Sends the chunk files in DIR (backups <chunk_id>.log and file-buffer chunks buffer.[bq]<chunk_id>.log,
with their .meta for the tag) to a Forward receiver with acks, oldest first. Each chunk's files are
moved to DIR/replayed/ (or deleted with --delete) only once all its events were acknowledged.
Exit code 0 when every chunk was sent, 1 when some were skipped or the receiver could not be reached.

${formatOptions(REPLAY_OPTIONS)}
`

interface ReplayOptions {
  dir: string
  host: string
  port: number
  tag: string | null
  delete: boolean
  window: number
  maxMessageBytes: number
  ackTimeoutMs: number
  retryTimeoutMs: number
  dryRun: boolean
}

function timeOption(options: ParsedOptions, name: string, fallbackMs: number): number {
  const text = stringOption(options, name)
  if (text === undefined) return fallbackMs
  const t = parseTime(text)
  if (!t.ok || t.value <= 0) throw new UsageError(`--${name} must be a positive time such as 10s or 1m, got ${JSON.stringify(text)}`)
  return t.value * 1000
}

function readOptions(options: ParsedOptions, positionals: string[]): ReplayOptions {
  if (positionals.length !== 1)
    throw new UsageError(
      positionals.length === 0
        ? 'sluice replay needs the directory of chunk files'
        : `sluice replay takes one directory, got ${positionals.join(' ')}`,
    )
  const sizeText = stringOption(options, 'max-message-size')
  let maxMessageBytes = 8 * 1024 * 1024
  if (sizeText !== undefined) {
    const size = parseSize(sizeText)
    if (!size.ok || size.value < 1) throw new UsageError(`--max-message-size must be a size such as 8m, got ${JSON.stringify(sizeText)}`)
    maxMessageBytes = size.value
  }
  return {
    dir: positionals[0],
    host: stringOption(options, 'host') ?? '127.0.0.1',
    port: integerOption(options, 'port', 1, 65535) ?? 24224,
    tag: stringOption(options, 'tag') ?? null,
    delete: options.delete === true,
    window: integerOption(options, 'window', 1, 10_000) ?? 8,
    maxMessageBytes,
    ackTimeoutMs: timeOption(options, 'ack-timeout', 60_000),
    retryTimeoutMs: timeOption(options, 'retry-timeout', 60_000),
    dryRun: options['dry-run'] === true,
  }
}

const int = (n: number) => n.toLocaleString('en-US')

/** Runs `sluice replay`; returns the exit code. */
export async function replayCommand(argv: readonly string[], io: Io = processIo): Promise<number> {
  const { options: parsed, positionals } = parseArgs(argv, REPLAY_OPTIONS)
  if (parsed.help) {
    io.out(REPLAY_HELP)
    return 0
  }
  const o = readOptions(parsed, positionals)
  let files: ChunkFile[]
  try {
    files = await findChunkFiles(o.dir)
  } catch (error) {
    io.err(`sluice replay: cannot read ${o.dir}: ${(error as Error).message}\n`)
    return 1
  }
  const core = await loadCore()
  const target = `${o.host}:${o.port}`
  io.err(
    `sluice replay: ${files.length} chunk file${files.length === 1 ? '' : 's'} in ${o.dir}${o.dryRun ? ' (dry run)' : ` → ${target}`}\n`,
  )
  const sender = o.dryRun
    ? null
    : new ReplaySender({ host: o.host, port: o.port, window: o.window, ackTimeoutMs: o.ackTimeoutMs, retryTimeoutMs: o.retryTimeoutMs })
  const done: Promise<void>[] = []
  const totals = { chunks: 0, events: 0, skipped: 0, failed: 0, cut: 0, invalid: 0 }
  let stopped: Error | null = null
  const replayed = join(o.dir, 'replayed')
  try {
    for (const [i, file] of files.entries()) {
      const label = `[${i + 1}/${files.length}] ${basename(file.path)}`
      const tag = file.tag ?? o.tag
      if (tag === null) {
        totals.skipped++
        io.err(`${label}: skipped, no tag (no .meta with a tag): pass --tag\n`)
        continue
      }
      const chunk = await loadChunk(core, file, o.maxMessageBytes)
      const notes = [
        ...(chunk.cutBytes > 0 ? [`${int(chunk.cutBytes)} bytes at the end are not a complete entry (not sent)`] : []),
        ...(chunk.invalid > 0 ? [`${int(chunk.invalid)} invalid entries left out`] : []),
      ]
      totals.cut += chunk.cutBytes
      totals.invalid += chunk.invalid
      if (sender === null) {
        io.err(
          `${label}: tag ${tag}, ${int(chunk.count)} events in ${chunk.messages.length} message${chunk.messages.length === 1 ? '' : 's'}${notes.length ? `; ${notes.join('; ')}` : ''}\n`,
        )
        totals.chunks++
        totals.events += chunk.count
        continue
      }
      const acks: Promise<void>[] = []
      for (const m of chunk.messages) acks.push((await sender.send(tag, chunk.entries.subarray(m.start, m.end), m.count)).acked)
      done.push(
        Promise.all(acks).then(
          async () => {
            // Files with a cut tail are kept (moved), never deleted: the tail may matter to someone.
            if (o.delete && chunk.cutBytes === 0 && chunk.invalid === 0) {
              await unlink(file.path)
              if (file.metaPath) await unlink(file.metaPath).catch(() => undefined)
            } else {
              await mkdir(replayed, { recursive: true })
              await rename(file.path, join(replayed, basename(file.path)))
              if (file.metaPath) await rename(file.metaPath, join(replayed, basename(file.metaPath))).catch(() => undefined)
            }
            totals.chunks++
            totals.events += chunk.count
            io.err(
              `${label}: tag ${tag}, ${int(chunk.count)} events acknowledged; ${o.delete && chunk.cutBytes === 0 && chunk.invalid === 0 ? 'deleted' : 'moved to replayed/'}${notes.length ? `; ${notes.join('; ')}` : ''}\n`,
            )
          },
          (error: Error) => {
            totals.failed++
            stopped ??= error
            io.err(`${label}: not acknowledged (${error.message}); left in place\n`)
          },
        ),
      )
    }
  } catch (error) {
    stopped ??= error as Error
  }
  await Promise.all(done)
  sender?.close()
  const summary =
    `${int(totals.chunks)} chunk${totals.chunks === 1 ? '' : 's'}, ${int(totals.events)} events ${o.dryRun ? 'to send' : 'sent and acknowledged'}` +
    (totals.skipped ? `; ${totals.skipped} skipped (no tag)` : '') +
    (totals.failed ? `; ${totals.failed} not acknowledged` : '') +
    (sender?.reconnects ? `; ${sender.reconnects} reconnects` : '')
  io.err(`sluice replay: ${summary}${stopped ? `; stopped: ${(stopped as Error).message}` : ''}\n`)
  return stopped !== null || totals.skipped > 0 ? 1 : 0
}
