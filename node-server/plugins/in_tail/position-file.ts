/**
 * @module in_tail's pos_file, byte for byte Fluentd's (in_tail/position_file.rb): one line per file,
 * `path\t%016x pos\t%016x inode\n` in lower-case hex, read back with
 * `/^([^\t]+)\t([0-9a-fA-F]+)\t([0-9a-fA-F]+)/`. An entry is updated in place (16 or 33 bytes at
 * the line's start + the path's byte length + 1); a new file is appended with zeros; an entry no
 * longer watched gets pos `ffffffffffffffff`. At startup the file is compacted: unparsable lines,
 * unwatched entries and duplicates (the last one wins) are dropped, and so are entries whose key
 * (path, or inode with follow_inodes) is not in the current expansion of `path`.
 * `compact()` (pos_file_compaction_interval) does the same but keeps entries of missing files.
 * Writes are synchronous `pwrite`s without fsync, as Fluentd's (`sync = true`): they survive a
 * crash of the process, not of the machine. Inodes are bigints (overlay and XFS inodes exceed 2^53).
 */

import { closeSync, constants, fstatSync, ftruncateSync, mkdirSync, openSync, readSync, writeSync } from 'node:fs'
import { dirname } from 'node:path'
import type { Logger } from '../../../engine/log.ts'

/** Fluentd's UNWATCHED_POSITION. */
export const UNWATCHED = 0xffff_ffff_ffff_ffffn
const ENTRY = /^([^\t]+)\t([0-9a-fA-F]+)\t([0-9a-fA-F]+)/
const ZERO_FIELDS = '0000000000000000\t0000000000000000'

/** Where a file was read up to (`pos`: the first byte not yet emitted) and which inode it was. */
export interface PositionEntry {
  readonly pos: number
  readonly ino: bigint
  update(ino: bigint, pos: number): void
  updatePos(pos: number): void
}

/** Positions kept in memory only (no pos_file, or a rotated file's own copy while it drains). */
export class MemoryPositionEntry implements PositionEntry {
  constructor(
    public pos = 0,
    public ino = 0n,
  ) {}
  update(ino: bigint, pos: number): void {
    this.ino = ino
    this.pos = pos
  }
  updatePos(pos: number): void {
    this.pos = pos
  }
}

const hex16 = (n: bigint | number): string => BigInt(n).toString(16).padStart(16, '0')

/** One line of the pos_file, written in place. */
export class FilePositionEntry implements PositionEntry {
  constructor(
    private readonly file: PositionFile,
    /** Byte offset of the pos field in the file. */
    public seek: number,
    public pos: number,
    public ino: bigint,
  ) {}

  update(ino: bigint, pos: number): void {
    this.file.write(`${hex16(pos)}\t${hex16(ino)}`, this.seek)
    this.pos = pos
    this.ino = ino
  }

  updatePos(pos: number): void {
    if (pos === this.pos) return
    this.file.write(hex16(pos), this.seek)
    this.pos = pos
  }

  /** Marks the entry unwatched (dropped at the next compaction). */
  unwatch(): void {
    this.file.write(hex16(UNWATCHED), this.seek)
  }
}

/** What a file is known as: its path and inode; `key` is the path, or the inode with follow_inodes. */
export interface TargetInfo {
  path: string
  ino: bigint
}

interface ParsedEntry {
  path: string
  pos: bigint
  ino: bigint
}

export class PositionFile {
  private readonly fd: number
  private readonly map = new Map<string, FilePositionEntry>()
  private size = 0
  private closed = false

  /**
   * Opens (creating it and its directory) and compacts the pos_file against `existing` (the current
   * expansion, keyed as `keyOf` keys), then loads it.
   */
  constructor(
    readonly path: string,
    private readonly followInodes: boolean,
    existing: ReadonlyMap<string, TargetInfo>,
    private readonly log: Logger,
    modes: { file: number; dir: number } = { file: 0o644, dir: 0o755 },
  ) {
    mkdirSync(dirname(path), { recursive: true, mode: modes.dir })
    this.fd = openSync(path, constants.O_RDWR | constants.O_CREAT, modes.file)
    const entries = this.compacted().filter((e) => existing.has(this.keyOf(e)))
    this.rewrite(entries)
  }

  /** The key of a target in this file's map. */
  keyOf(target: { path: string; ino: bigint }): string {
    return this.followInodes ? `ino:${target.ino}` : target.path
  }

  /** The entry of a target, appended with zeros when it has none (Fluentd's `pf[target_info]`). */
  get(target: TargetInfo): FilePositionEntry {
    const key = this.keyOf(target)
    const found = this.map.get(key)
    if (found !== undefined) return found
    const line = `${target.path}\t${ZERO_FIELDS}\n`
    const at = this.size
    this.write(line, at)
    const entry = new FilePositionEntry(this, at + Buffer.byteLength(target.path) + 1, 0, 0n)
    this.map.set(key, entry)
    return entry
  }

  /** The entry of a target if it has one (no side effect). */
  peek(target: TargetInfo): FilePositionEntry | undefined {
    return this.map.get(this.keyOf(target))
  }

  /** Marks a target's entry unwatched and forgets it. */
  unwatch(target: TargetInfo): void {
    this.unwatchKey(this.keyOf(target))
  }

  /** follow_inodes: unwatches every entry whose key is not in `existing`. */
  unwatchRemovedTargets(existing: ReadonlyMap<string, TargetInfo>): void {
    for (const key of [...this.map.keys()]) if (!existing.has(key)) this.unwatchKey(key)
  }

  /** pos_file_compaction_interval: rewrites the file without unwatched and duplicate entries. */
  compact(): void {
    if (this.closed) return
    const entries = this.compacted()
    this.rewrite(entries)
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    closeSync(this.fd)
  }

  /** Writes `text` at `offset` (positioned write; the file's size grows when it is past the end). */
  write(text: string, offset: number): void {
    if (this.closed) return
    const bytes = Buffer.from(text)
    writeSync(this.fd, bytes, 0, bytes.length, offset)
    if (offset + bytes.length > this.size) this.size = offset + bytes.length
  }

  private unwatchKey(key: string): void {
    const entry = this.map.get(key)
    if (entry === undefined) return
    this.map.delete(key)
    entry.unwatch()
  }

  /** The file's entries without unparsable lines, unwatched entries and earlier duplicates. */
  private compacted(): ParsedEntry[] {
    const text = this.readAll()
    const byKey = new Map<string, ParsedEntry>()
    for (const line of text.split('\n')) {
      if (line === '') continue
      const m = ENTRY.exec(line)
      if (m === null) {
        this.log.warn('Unparsable line in pos_file', { pos_file: this.path, line })
        continue
      }
      const entry = { path: m[1], pos: BigInt(`0x${m[2]}`), ino: BigInt(`0x${m[3]}`) }
      if (entry.pos === UNWATCHED) continue
      const key = this.keyOf(entry)
      if (byKey.has(key)) {
        this.log.warn('pos_file entry already exists; the latest one is used', {
          pos_file: this.path,
          path: entry.path,
          inode: String(entry.ino),
        })
        byKey.delete(key)
      }
      byKey.set(key, entry)
    }
    return [...byKey.values()]
  }

  /** Rewrites the file with `entries` and points the map (existing entry objects kept) at the new lines. */
  private rewrite(entries: readonly ParsedEntry[]): void {
    let text = ''
    const seeks: number[] = []
    let at = 0
    for (const e of entries) {
      const line = `${e.path}\t${hex16(e.pos)}\t${hex16(e.ino)}\n`
      seeks.push(at + Buffer.byteLength(e.path) + 1)
      at += Buffer.byteLength(line)
      text += line
    }
    const bytes = Buffer.from(text)
    ftruncateSync(this.fd, 0)
    if (bytes.length > 0) writeSync(this.fd, bytes, 0, bytes.length, 0)
    this.size = bytes.length
    const kept = new Set<string>()
    entries.forEach((e, i) => {
      const key = this.keyOf(e)
      kept.add(key)
      const pos = e.pos > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(e.pos)
      const current = this.map.get(key)
      if (current !== undefined) current.seek = seeks[i]
      else this.map.set(key, new FilePositionEntry(this, seeks[i], pos, e.ino))
    })
    for (const key of [...this.map.keys()]) if (!kept.has(key)) this.map.delete(key)
  }

  private readAll(): string {
    const size = fstatSync(this.fd).size
    const buffer = Buffer.alloc(size)
    let read = 0
    while (read < size) {
      const n = readSync(this.fd, buffer, read, size - read, read)
      if (n === 0) break
      read += n
    }
    return buffer.toString('utf8')
  }
}
