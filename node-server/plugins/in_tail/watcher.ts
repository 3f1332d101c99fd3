/**
 * @module One followed file (Fluentd's TailWatcher): its path and inode, its position entry, the
 * open descriptor and the bytes of its partial line, its parser stream (for parsers that join
 * lines), the last stat seen (rotation is detected by comparing stats: inode changed or size
 * shrank), its throttle counters, and the fs event watcher that asks for it to be read. What
 * happens to it — reading, rotation, detaching — is decided by the source (tail-input.ts) and
 * done one file at a time.
 */

import { type FSWatcher, watch } from 'node:fs'
import { type FileHandle, open } from 'node:fs/promises'
import type { ParserStream } from '../../../engine/parser/types.ts'
import type { GroupWatcher } from './group.ts'
import { LineBuffer } from './line-buffer.ts'
import type { PositionEntry } from './position-file.ts'

/** The previous stat, as Fluentd's RotateHandler keeps it (inode null: the file was missing). */
interface SeenStat {
  ino: bigint | null
  size: number
}

export class TailWatcher {
  /** The descriptor, while open (null: not opened yet, or closed after a truncation). */
  handle: FileHandle | null = null
  /** False until the file was first seen (Fluentd's `@io_handler.nil?`). */
  started = false
  /** Its file left the path (renamed or deleted): no writer will end its last line. */
  gone = false
  /** The bytes read and not yet consumed as lines. */
  readonly lines = new LineBuffer()
  /** Skipping a line longer than max_line_size until its newline. */
  skipping = false
  /** File offset where the skipped line started (the position stays there until it ends). */
  skipFrom = 0
  /** File offset where the held record of `stream` started (-1: nothing held). */
  heldStart = -1
  /** Time of the last line fed to `stream` (for multiline_flush_interval). */
  lastLineMs = 0
  /** The last stat (rotation detection); null once rotation checks stopped (the file is draining). */
  seen: SeenStat | null = { ino: null, size: -1 }
  /** Reached the end of the file at the last read. */
  eof = false
  /** read_bytes_limit_per_second: bytes read since `readingSinceMs`. */
  bytesRead = 0
  readingSinceMs: number | null = null
  /** In the scheduler's queue. */
  queued = false
  /** Moved aside (rotated or no longer matched): read until detached. */
  rotated = false
  /** Its position entry should be marked unwatched when it is detached. */
  unwatched = false
  /** Detach when next serviced (rotate_wait passed, or shutdown). */
  detachRequested = false
  detached = false
  /** A timer that asks for this file again (rotate_wait, or a retry after a rejected emit). */
  timer: ReturnType<typeof setTimeout> | null = null
  retryTimer: ReturnType<typeof setTimeout> | null = null
  group: GroupWatcher | null = null
  /** A failure to open it was logged already. */
  openWarned = false
  private fsWatcher: FSWatcher | null = null

  constructor(
    readonly path: string,
    /** The inode it was created for (null: the path had no file then). */
    readonly ino: bigint | null,
    public pe: PositionEntry,
    readonly tag: string,
    /** Read a file with no position from the head (files found after startup, or read_from_head). */
    readonly readFromHead: boolean,
    public stream: ParserStream | null,
  ) {}

  /**
   * Compares a stat with the previous one (Fluentd's RotateHandler#on_notify): true when the inode
   * changed or the size shrank — a rotation, a truncation, or the first sight of the file.
   */
  rotationSeen(ino: bigint | null, size: number): boolean {
    if (this.seen === null) return false
    const changed = this.seen.ino !== ino || size < this.seen.size
    this.seen = { ino, size }
    return changed
  }

  /** Asks fs events (inotify) to call `onChange` when the file changes; ignored when watching fails. */
  watchEvents(onChange: () => void, onError: (error: Error) => void): void {
    try {
      this.fsWatcher = watch(this.path, { persistent: false }, onChange)
      this.fsWatcher.on('error', (error) => {
        this.unwatchEvents()
        onError(error)
      })
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code !== 'ENOENT') onError(error as Error)
    }
  }

  get watchingEvents(): boolean {
    return this.fsWatcher !== null
  }

  unwatchEvents(): void {
    this.fsWatcher?.close()
    this.fsWatcher = null
  }

  /** Opens the file (for reading at `lines.readOffset`); null when it is missing or unreadable. */
  async open(): Promise<FileHandle> {
    this.handle = await open(this.path, 'r')
    return this.handle
  }

  async close(): Promise<void> {
    const handle = this.handle
    this.handle = null
    if (handle !== null) await handle.close().catch(() => undefined)
  }

  clearTimers(): void {
    if (this.timer !== null) clearTimeout(this.timer)
    if (this.retryTimer !== null) clearTimeout(this.retryTimer)
    this.timer = null
    this.retryTimer = null
  }
}
