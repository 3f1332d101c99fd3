/**
 * @module in_tail's source: which files are followed and what happens to them. At start the
 * pos_file is loaded and compacted against the expansion of `path`, then `path` is expanded every
 * refresh_interval (new files start a watcher, files no longer matched are detached after
 * rotate_wait). Each file is checked when fs events say it changed and once a second (the safety
 * net), one file at a time by a single worker: stat, rotation (Fluentd's rules: a new inode is a
 * rename — the old file is drained and kept open for rotate_wait while a new watcher reads the new
 * file from its head; the same inode with a smaller size is a truncation — read again from 0; a
 * missing file is handed over and read again once it reappears), multiline_flush_interval, then
 * the read (reader.ts). One worker means one batch in flight: with `overflow_action block` the
 * pending emit pauses all reading (memory stays bounded) instead of piling batches up.
 */

import { type FileHandle, open, stat } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { Logger } from '../../../engine/log.ts'
import { rateLimited } from '../../../engine/output/errors.ts'
import type { InputPlugin, ParserPlugin, PluginContext } from '../../../engine/plugin.ts'
import { FORMAT_MAX_NUM, type InTailConfig } from '../../../engine/schemas/in_tail.ts'
import { Groups } from './group.ts'
import { ScratchPool } from './line-buffer.ts'
import { settleOptions, type TailOptions } from './options.ts'
import { PathExpander } from './paths.ts'
import { MemoryPositionEntry, PositionFile, type TargetInfo } from './position-file.ts'
import { type ReadContext, SHARE_BYTES, emitPartialLine, flushStream, readFile, throttled } from './reader.ts'
import { RecordSink } from './records.ts'
import { TailWatcher } from './watcher.ts'

/** Fluentd's IOHandler::SHUTDOWN_TIMEOUT: how long a stop keeps reading what is left. */
const SHUTDOWN_TIMEOUT_MS = 5_000
/** How soon a file whose batch was rejected is tried again when nothing else asks for it. */
const RETRY_AFTER_MS = 1_000
const WATCH_TIMER_MS = 1_000

/** pos_files in use by running sources of this process (two sources must not share one). */
const runningPosFiles = new Map<string, string>()

export class TailInput implements InputPlugin {
  readonly options: TailOptions
  private readonly parser: ParserPlugin
  private readonly log: Logger
  private readonly expander: PathExpander
  private readonly groups: Groups | null
  private readonly sink: RecordSink
  private readonly readCtx: ReadContext
  private readonly pool = new ScratchPool()
  private pf: PositionFile | null = null
  private posFileClaim: string | null = null
  /** The watcher of each followed path. */
  private readonly watchers = new Map<string, TailWatcher>()
  /** Rotated or removed files still read until detached. */
  private readonly rotating = new Set<TailWatcher>()
  private startup = true
  private stopping = false
  private shutdownDeadline: number | undefined
  private readonly intervals: ReturnType<typeof setInterval>[] = []
  private refreshing: Promise<void> | null = null
  private queue: TailWatcher[] = []
  private head = 0
  private working: Promise<void> | null = null
  private readonly unmatchedWarnings = rateLimited()
  private readonly emitWarnings = rateLimited()
  /** Counters in the spirit of Fluentd's in_tail statistics. */
  readonly stats = { opened: 0, rotated: 0, throttled: 0 }

  constructor(
    private readonly ctx: PluginContext,
    config: InTailConfig,
  ) {
    this.log = ctx.log
    this.options = settleOptions(config, ctx.log)
    this.parser = ctx.createParser(withFlatFormats(config))
    this.expander = new PathExpander(this.options, ctx.log)
    this.groups = this.options.group === null ? null : new Groups(this.options.group, ctx.log)
    this.sink = new RecordSink(this.options.pathKey)
    this.readCtx = {
      options: this.options,
      parser: this.parser,
      singleRecordStream: config.parse['@type'].includes('multiline'),
      sink: this.sink,
      pool: this.pool,
      log: ctx.log,
      metrics: ctx.metrics,
      now: ctx.now,
      emit: (w) => this.emit(w),
      unmatchedLine: (w, line, reason) => this.unmatchedLine(w, line, reason),
      invalidLine: (w, line, reason) => this.invalidLine(w, line, reason),
    }
  }

  async start(): Promise<void> {
    const { options } = this
    if (options.posFile !== null) {
      const path = resolve(options.posFile)
      const owner = runningPosFiles.get(path)
      if (owner !== undefined) {
        throw new Error(`Other 'in_tail' plugin already use same pos_file path: plugin_id = ${owner}, pos_file path = ${options.posFile}`)
      }
      runningPosFiles.set(path, this.ctx.id)
      this.posFileClaim = path
      this.pf = new PositionFile(options.posFile, options.followInodes, await this.expander.expand(this.ctx.now()), this.log)
      if (options.posFileCompactionIntervalMs !== null) {
        this.every(options.posFileCompactionIntervalMs, () => {
          this.log.info('Clean up the pos file')
          this.pf?.compact()
        })
      }
    }
    if (!options.skipRefreshOnStartup) await this.refresh()
    this.every(options.refreshIntervalMs, () => void this.refresh())
    if (options.enableWatchTimer) this.every(WATCH_TIMER_MS, () => this.triggerAll())
  }

  /** Stops watching, reads what is left for at most 5 s, and records the positions. */
  async stop(): Promise<void> {
    if (this.stopping) return
    this.stopping = true
    for (const timer of this.intervals.splice(0)) clearInterval(timer)
    await this.refreshing
    this.shutdownDeadline = this.ctx.now() + SHUTDOWN_TIMEOUT_MS
    const all = [...this.watchers.values(), ...this.rotating]
    for (const w of all) {
      w.unwatchEvents()
      w.clearTimers()
      w.detachRequested = true
      this.enqueue(w)
    }
    let timer: ReturnType<typeof setTimeout> | undefined
    const deadline = new Promise<void>((done) => {
      timer = setTimeout(done, SHUTDOWN_TIMEOUT_MS + 1_000)
    })
    await Promise.race([this.working ?? Promise.resolve(), deadline])
    clearTimeout(timer)
    this.closePositions()
  }

  async shutdown(): Promise<void> {
    await this.stop()
  }

  /** The followed files (monitoring and tests). */
  files(): { path: string; open: boolean; pos: number; read: number; ino: string; rotating: boolean }[] {
    const describe = (w: TailWatcher, rotating: boolean) => ({
      path: w.path,
      // Open and positioned (its start offset decided): lines appended from now on are read.
      open: w.started && w.handle !== null,
      pos: w.pe.pos,
      read: w.lines.readOffset,
      ino: String(w.pe.ino),
      rotating,
    })
    return [...[...this.watchers.values()].map((w) => describe(w, false)), ...[...this.rotating].map((w) => describe(w, true))]
  }

  private closePositions(): void {
    this.pf?.close()
    this.pf = null
    if (this.posFileClaim !== null && runningPosFiles.get(this.posFileClaim) === this.ctx.id) runningPosFiles.delete(this.posFileClaim)
    this.posFileClaim = null
  }

  private every(ms: number, run: () => void): void {
    this.intervals.push(setInterval(run, ms))
  }

  private triggerAll(): void {
    for (const w of this.watchers.values()) this.enqueue(w)
    for (const w of this.rotating) this.enqueue(w)
  }

  // ---- the file list ----

  /** Expands `path` again: starts watchers for new files, detaches those no longer matched. */
  refresh(): Promise<void> {
    if (this.refreshing === null) {
      this.refreshing = this.refreshNow()
        .catch((error) => this.log.error('refreshing the file list failed', { error: String(error) }))
        .finally(() => {
          this.refreshing = null
        })
    }
    return this.refreshing
  }

  private async refreshNow(): Promise<void> {
    const { followInodes } = this.options
    const targets = await this.expander.expand(this.ctx.now())
    if (this.stopping) return
    const existing = new Map<string, TailWatcher>()
    for (const w of this.watchers.values()) existing.set(this.keyOf(w), w)
    if (followInodes) {
      // A rotated file still draining keeps its inode: it is not started a second time (fluentd#4243).
      for (const w of this.rotating) if (!w.detached) existing.set(this.keyOf(w), w)
      const inUse = new Map<string, TargetInfo>(targets)
      for (const [key, w] of existing) inUse.set(key, { path: w.path, ino: w.pe.ino })
      this.pf?.unwatchRemovedTargets(inUse)
    }
    this.log.debug('tailing paths', { target: [...targets.values()].map((t) => t.path), existing: [...this.watchers.keys()] })
    for (const [key, w] of existing) {
      if (!targets.has(key) && this.watchers.get(w.path) === w) this.stopWatcher(w, !followInodes)
    }
    for (const [key, target] of targets) {
      if (existing.has(key)) continue
      const current = this.watchers.get(target.path)
      if (current !== undefined) {
        // The path now holds another file than its watcher's: that watcher's own check sees the
        // rotation and hands over (Fluentd only warns here and may stop following, fluentd#3614).
        this.enqueue(current)
        continue
      }
      await this.constructWatcher(target)
      if (this.stopping) return
    }
    this.startup = false
  }

  private keyOf(w: TailWatcher): string {
    return this.options.followInodes ? `ino:${w.ino ?? w.pe.ino}` : w.path
  }

  private async constructWatcher(target: TargetInfo): Promise<void> {
    let ino: bigint
    try {
      ino = (await stat(target.path, { bigint: true })).ino
    } catch {
      this.log.warn(`stat() for ${target.path} failed. Continuing without tailing it.`)
      return
    }
    if (this.stopping || this.watchers.has(target.path)) return
    const pe = this.pf === null ? new MemoryPositionEntry() : this.pf.get({ path: target.path, ino })
    if (this.options.readFromHead && pe.ino === 0n) pe.update(ino, 0)
    const w = this.setupWatcher(target.path, ino, pe)
    this.watchers.set(target.path, w)
    this.enqueue(w)
  }

  private setupWatcher(path: string, ino: bigint | null, pe: TailWatcher['pe']): TailWatcher {
    const w = new TailWatcher(
      path,
      ino,
      pe,
      this.options.tagOf(path),
      !this.startup || this.options.readFromHead,
      this.parser.newStream?.() ?? null,
    )
    w.group = this.groups?.add(path) ?? null
    this.armEvents(w)
    return w
  }

  /** fs events for a watcher (not for a path with no file yet: armed again when one appears). */
  private armEvents(w: TailWatcher): void {
    if (!this.options.enableStatWatcher || w.watchingEvents || this.stopping) return
    w.watchEvents(
      () => this.enqueue(w),
      (error) => this.log.debug('fs events stopped for a file; the watch timer still checks it', { path: w.path, error: String(error) }),
    )
  }

  /** A file no longer matched by `path`: read until rotate_wait passes, then detached. */
  private stopWatcher(w: TailWatcher, unwatched: boolean): void {
    this.groups?.remove(w.path)
    w.unwatched = unwatched
    this.moveAside(w)
  }

  /** Takes a watcher out of the followed paths; it keeps reading its descriptor until detached. */
  private moveAside(w: TailWatcher): void {
    if (this.watchers.get(w.path) === w) this.watchers.delete(w.path)
    w.rotated = true
    w.seen = null
    this.rotating.add(w)
    this.detachAfterRotateWait(w)
  }

  private detachAfterRotateWait(w: TailWatcher): void {
    if (this.options.openOnEveryUpdate) return this.requestDetach(w)
    const throttling = this.options.readBytesLimitPerSecond > 0 || (w.group !== null && w.group.limit >= 0)
    const since = this.ctx.now()
    const check = () => {
      // Throttled files may not have reached their end yet: wait for it, and for rotate_wait.
      if (!throttling || (w.eof && this.ctx.now() - since >= this.options.rotateWaitMs)) this.requestDetach(w)
      else w.timer = setTimeout(check, WATCH_TIMER_MS)
    }
    w.timer = setTimeout(check, throttling ? WATCH_TIMER_MS : this.options.rotateWaitMs)
  }

  private requestDetach(w: TailWatcher): void {
    w.detachRequested = true
    this.enqueue(w)
  }

  // ---- the worker ----

  private enqueue(w: TailWatcher): void {
    if (w.queued || w.detached) return
    w.queued = true
    this.queue.push(w)
    if (this.working === null) this.working = this.work()
  }

  private async work(): Promise<void> {
    while (this.head < this.queue.length) {
      const w = this.queue[this.head++]
      w.queued = false
      try {
        await this.service(w)
      } catch (error) {
        this.log.error('reading a file failed', { path: w.path, error: String(error) })
      }
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue = this.queue.slice(this.head)
        this.head = 0
      }
    }
    this.queue = []
    this.head = 0
    this.working = null
  }

  /** One turn for one file: Fluentd's TailWatcher#on_notify (stat, rotation, multiline flush, read). */
  private async service(w: TailWatcher): Promise<void> {
    if (w.detached) return
    if (w.detachRequested) return this.detach(w)
    let drain = false
    if (!w.rotated) {
      const st = await stat(w.path, { bigint: true }).catch(() => null)
      const size = st === null ? 0 : Number(st.size)
      if (w.rotationSeen(st?.ino ?? null, size)) {
        drain = await this.onRotate(w, st === null ? null : { ino: st.ino, size })
        if (w.detached || w.detachRequested) return
      } else if (st !== null && w.handle !== null && w.eof && size === w.lines.readOffset && !this.flushDue(w)) {
        return // nothing appended
      }
    }
    if (this.flushDue(w)) await flushStream(w, this.readCtx)
    if (!w.started) return
    if (throttled(w, this.readCtx)) {
      this.stats.throttled++
      return
    }
    const outcome = await readFile(w, this.readCtx, {
      shareBytes: drain ? Number.POSITIVE_INFINITY : SHARE_BYTES,
      deadlineMs: this.shutdownDeadline,
    })
    if (outcome === 'more') this.enqueue(w)
    else if (outcome === 'rejected') this.retryLater(w)
    else if (outcome === 'rewritten') {
      this.stats.rotated++
      this.log.info(`detected rotation of ${w.path}`)
      w.pe.updatePos(0)
      await w.close()
      this.restartAt(w, 0)
      // Sizes from now on are compared with the new content.
      if (w.seen !== null) w.seen.size = 0
      this.enqueue(w)
    } else if (outcome === 'throttled') this.stats.throttled++
  }

  private flushDue(w: TailWatcher): boolean {
    const interval = this.options.multilineFlushIntervalMs
    return interval !== null && w.stream?.pending === true && this.ctx.now() - w.lastLineMs >= interval
  }

  private retryLater(w: TailWatcher): void {
    if (w.retryTimer !== null || this.stopping) return
    w.retryTimer = setTimeout(() => {
      w.retryTimer = null
      this.enqueue(w)
    }, RETRY_AFTER_MS)
  }

  /**
   * Fluentd's TailWatcher#on_rotate. Returns true when the watcher should read its descriptor to
   * the end right away (it just became a rotated file). A file is opened as soon as it is seen, so
   * a watcher holds the very inode it decided about even if the path is rotated again at once.
   */
  private async onRotate(w: TailWatcher, st: { ino: bigint; size: number } | null): Promise<boolean> {
    if (!w.started) {
      if (st !== null) await this.firstSight(w)
      return false
    }
    const pe = w.pe
    this.stats.rotated++
    if (st === null) {
      this.updateWatcher(w, null, null)
      return true
    }
    if (st.ino === pe.ino) {
      this.log.info(`detected rotation of ${w.path}`)
      pe.updatePos(0)
      await w.close()
      this.restartAt(w, 0)
      return false
    }
    if (w.handle === null) {
      // No file was open (open_on_every_update, or it could not be opened): follow the new one from its head.
      const opened = await this.open(w)
      if (opened === null) return false
      this.log.info(`detected rotation of ${w.path}`)
      pe.update(opened.ino, 0)
      this.restartAt(w, 0)
      return false
    }
    const next = await openQuietly(w.path)
    this.updateWatcher(w, next?.ino ?? st.ino, next?.handle ?? null)
    return true
  }

  /** The first time the path has a file: decide where to start (Fluentd's first on_rotate). */
  private async firstSight(w: TailWatcher): Promise<void> {
    const opened = await this.open(w)
    if (opened === null) {
      w.seen = { ino: null, size: -1 }
      return
    }
    const { ino, size } = opened
    const pe = w.pe
    if (ino === pe.ino) {
      // Same file as recorded: resume, unless it shrank meanwhile (truncated while stopped).
      if (size < pe.pos) pe.update(ino, 0)
    } else if (pe.ino !== 0n) {
      // Another file than recorded (rotated while stopped): the new one from its head.
      pe.update(ino, 0)
    } else {
      // Never seen: from the head for read_from_head and files found after startup, else the end.
      pe.update(ino, w.readFromHead ? 0 : size)
    }
    w.seen = { ino, size }
    w.started = true
    this.log.info(`following tail of ${w.path}`)
    w.lines.reset(pe.pos, this.pool)
    this.armEvents(w)
    this.stats.opened++
  }

  /** Opens the watcher's path (unless it holds a descriptor) and returns the inode and size of what it holds. */
  private async open(w: TailWatcher): Promise<{ ino: bigint; size: number } | null> {
    try {
      const handle = w.handle ?? (await w.open())
      const st = await handle.stat({ bigint: true })
      return { ino: st.ino, size: Number(st.size) }
    } catch (error) {
      await w.close()
      const code = (error as NodeJS.ErrnoException).code
      // Tried again at every check: warned once per file.
      if (code !== 'ENOENT' && !w.openWarned) this.log.warn(`cannot open ${w.path}`, { error: String(error) })
      w.openWarned = true
      return null
    }
  }

  private restartAt(w: TailWatcher, offset: number): void {
    this.armEvents(w)
    w.skipping = false
    w.heldStart = -1
    w.eof = false
    w.lines.reset(offset, this.pool)
  }

  /**
   * The path holds another file (or none): this watcher keeps reading its descriptor for
   * rotate_wait, and a new watcher follows the path — from the head of the new file, or, when the
   * path is empty, once a file appears there (Fluentd's update_watcher).
   */
  private updateWatcher(old: TailWatcher, newIno: bigint | null, handle: FileHandle | null): void {
    old.gone = true
    let next: TailWatcher | null = null
    if (this.options.followInodes && newIno === null) {
      if (this.watchers.get(old.path) === old) this.watchers.delete(old.path)
    } else {
      next = this.handOver(old, newIno)
    }
    if (next !== null) next.handle = handle
    else void handle?.close().catch(() => undefined)
    this.moveAside(old)
  }

  private handOver(old: TailWatcher, newIno: bigint | null): TailWatcher | null {
    this.log.info(`detected rotation of ${old.path}; waiting ${this.options.rotateWaitMs / 1000} seconds`)
    if (this.pf !== null && this.pf.peek({ path: old.path, ino: old.pe.ino }) !== old.pe) {
      this.log.warn('Skip update_watcher because watcher has been already updated by other inotify event', {
        path: old.path,
        inode: String(old.pe.ino),
      })
      return null
    }
    let pe: TailWatcher['pe']
    if (this.options.followInodes) {
      const entry = this.pf!.get({ path: old.path, ino: newIno! })
      if (entry.ino !== 0n) {
        // The new file already has its own entry (and watcher, or one at the next refresh).
        if (this.watchers.get(old.path) === old) this.watchers.delete(old.path)
        return null
      }
      pe = entry
    } else {
      // The pos_file entry goes on with the path; the rotated file drains with a copy in memory.
      pe = old.pe
      old.pe = new MemoryPositionEntry(pe.pos, pe.ino)
    }
    const next = this.setupWatcher(old.path, newIno, pe)
    this.watchers.set(old.path, next)
    this.enqueue(next)
    return next
  }

  /** Final read, held record, close; the pos entry is marked unwatched when the file left `path`. */
  private async detach(w: TailWatcher): Promise<void> {
    w.detached = true
    this.rotating.delete(w)
    if (this.watchers.get(w.path) === w) this.watchers.delete(w.path)
    w.unwatchEvents()
    w.clearTimers()
    if (w.started) {
      await readFile(w, this.readCtx, { shareBytes: Number.POSITIVE_INFINITY, deadlineMs: this.shutdownDeadline })
      if (!this.stopping) {
        // A file rotated away gets no more lines: its unterminated last line is complete.
        if (w.gone || (await this.leftPath(w))) await emitPartialLine(w, this.readCtx)
        await flushStream(w, this.readCtx)
      }
    }
    await w.close()
    w.lines.reset(0, this.pool)
    if (this.pf !== null && w.unwatched && !this.watchers.has(w.path)) this.pf.unwatch({ path: w.path, ino: w.pe.ino })
  }

  /** Is the file this watcher reads no longer at its path? */
  private async leftPath(w: TailWatcher): Promise<boolean> {
    const st = await stat(w.path, { bigint: true }).catch(() => null)
    return st === null || st.ino !== w.pe.ino
  }

  // ---- emitting ----

  private async emit(w: TailWatcher): Promise<boolean> {
    const { entries, count } = this.sink.take()
    try {
      const result = this.ctx.router.emit({ tag: w.tag, entries, count })
      if (result instanceof Promise) await result
    } catch (error) {
      this.ctx.metrics.errors++
      const n = this.emitWarnings()
      if (n !== null) {
        this.log.warn('emit was not accepted; the lines are read again from the last position', {
          path: w.path,
          error: String(error),
          occurrences: n,
        })
      }
      return false
    }
    this.ctx.metrics.eventsIn += count
    this.ctx.metrics.bytesIn += entries.length
    this.ctx.metrics.emits++
    return true
  }

  private unmatchedLine(w: TailWatcher, line: Uint8Array, reason: string): void {
    const n = this.unmatchedWarnings()
    if (n === null) return
    this.log.warn(`pattern not matched: ${JSON.stringify(lineText(line))}`, { path: w.path, reason, occurrences: n })
  }

  private invalidLine(w: TailWatcher, line: Uint8Array, reason: string): void {
    this.ctx.metrics.dropped++
    const n = this.unmatchedWarnings()
    if (n === null) return
    this.log.warn('invalid line found', { file: w.path, line: lineText(line), error: reason, occurrences: n })
  }
}

/** The start of a line for a log message (at most 512 bytes). */
function lineText(line: Uint8Array): string {
  return Buffer.from(line.buffer, line.byteOffset, Math.min(line.byteLength, 512)).toString('utf8')
}

/** Opens `path` and returns the descriptor with its inode; null when it cannot be opened. */
async function openQuietly(path: string): Promise<{ handle: FileHandle; ino: bigint } | null> {
  let handle: FileHandle | null = null
  try {
    handle = await open(path, 'r')
    return { handle, ino: (await handle.stat({ bigint: true })).ino }
  } catch {
    await handle?.close().catch(() => undefined)
    return null
  }
}

/**
 * The `<parse>` config as Fluentd's in_tail hands it over: the `format1` … `format20` written in
 * `<source>` copied in, and `unmatched_lines` set from emit_unmatched_lines (parser_multiline reads it).
 */
function withFlatFormats(config: InTailConfig): InTailConfig['parse'] {
  const parse: InTailConfig['parse'] = { ...config.parse, unmatched_lines: config.emit_unmatched_lines }
  for (let n = 1; n <= FORMAT_MAX_NUM; n++) {
    const value = config[`format${n}`]
    if (value !== null && value !== undefined) parse[`format${n}`] = value
  }
  return parse
}

/** Fails a config where two in_tail sources share a pos_file (checked within one configuration). */
export function checkPosFileUnique(ctx: PluginContext, posFile: string | null): void {
  if (posFile === null) return
  let used = posFilesByConfig.get(ctx.core)
  if (used === undefined) {
    used = new Map()
    posFilesByConfig.set(ctx.core, used)
  }
  const path = resolve(posFile)
  const owner = used.get(path)
  if (owner !== undefined) {
    throw new Error(`Other 'in_tail' plugin already use same pos_file path: plugin_id = ${owner}, pos_file path = ${posFile}`)
  }
  used.set(path, ctx.id)
}

/** Per configuration (each agent is built on its own core instance). */
const posFilesByConfig = new WeakMap<object, Map<string, string>>()

/** Builds the source (index.ts). */
export function createTailInput(ctx: PluginContext, config: InTailConfig): TailInput {
  checkPosFileUnique(ctx, config.pos_file)
  return new TailInput(ctx, config)
}
