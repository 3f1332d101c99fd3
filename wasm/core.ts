/**
 * @module The runtime-neutral bridge to core.wasm (undici style): one instance, typed calls with
 * numbers across the ABI, views re-made whenever `memory.buffer` changes (memory growth detaches
 * the old buffer), status codes instead of exceptions.
 *
 * Two layers:
 * - the hot path (`input`, `frameInput`, `message*` / `entry*` readers, `Packer.appendEntries`):
 *   no object per event, positions are addresses into WASM memory;
 * - the TypeScript-level adapters (`framer`, `matcher`) that return plain objects, for tests, tools
 *   and cold paths. They satisfy the same interfaces as the reference in wasm/reference/.
 *
 * Load it with wasm/load-node.ts (Node), wasm/load-browser.ts (browsers), or
 * `Core.fromModule(imported)` in workerd.
 */

import * as abi from './abi.ts'
import type { CoreExports } from './abi.ts'
import { CoreJsonTranscoder, JsonParser, type JsonParserOptions } from './json.ts'
import { compileRoutes } from './match-compiler.ts'
import {
  type Compressed,
  FrameStatus,
  Mode,
  type EntryInfo,
  type FrameOutcome,
  type Framer,
  type JsonTranscoder,
  type Matcher,
  type MessageInfo,
  type Range,
  type Route,
  type RouteRule,
  type RouteTable,
  type WalkOutcome,
} from './types.ts'

const textEncoder = new TextEncoder()
const textDecoder = new TextDecoder()

export class CoreError extends Error {}

export class Core {
  readonly exports: CoreExports
  private buffer: ArrayBuffer | null = null
  private bytes!: Uint8Array
  private words!: Int32Array
  private readonly resultWord: number
  /** The TypeScript-level framer (plain objects; for tests and cold paths). */
  readonly framer: Framer
  /** The TypeScript-level matcher. */
  readonly matcher: Matcher
  /** The TypeScript-level JSON transcoder (plain objects; for tests and cold paths). */
  readonly json: JsonTranscoder

  private constructor(instance: WebAssembly.Instance) {
    this.exports = instance.exports as unknown as CoreExports
    const version = this.exports.abiVersion()
    if (version !== abi.ABI_VERSION) {
      throw new CoreError(`core.wasm speaks ABI ${version}, this bridge ${abi.ABI_VERSION}: rebuild with npm run build:wasm`)
    }
    this.resultWord = this.exports.resultPtr() >> 2
    this.framer = new CoreFramer(this)
    this.matcher = { compile: (rules) => new CoreRouteTable(this, rules) }
    this.json = new CoreJsonTranscoder(this)
  }

  /** Instantiates a compiled module synchronously (workerd imports .wasm as a Module). */
  static fromModule(module: WebAssembly.Module): Core {
    return new Core(new WebAssembly.Instance(module, {}))
  }

  static async fromBytes(bytes: BufferSource): Promise<Core> {
    // Typed loosely: workerd's typings only declare instantiate(Module), and Workers cannot compile bytes anyway.
    const instantiate = WebAssembly.instantiate as unknown as (b: BufferSource, i: object) => Promise<{ instance: WebAssembly.Instance }>
    const { instance } = await instantiate(bytes, {})
    return new Core(instance)
  }

  static fromInstance(instance: WebAssembly.Instance): Core {
    return new Core(instance)
  }

  /** The memory as bytes; re-made when memory grew. Do not keep it across core calls. */
  u8(): Uint8Array {
    if (this.buffer !== this.exports.memory.buffer) this.refresh()
    return this.bytes
  }

  /** The memory as i32 words; re-made when memory grew. Do not keep it across core calls. */
  i32(): Int32Array {
    if (this.buffer !== this.exports.memory.buffer) this.refresh()
    return this.words
  }

  private refresh(): void {
    const buffer = this.exports.memory.buffer as ArrayBuffer
    this.buffer = buffer
    this.bytes = new Uint8Array(buffer)
    this.words = new Int32Array(buffer)
  }

  /** A word of the result block. */
  result(word: number): number {
    return this.i32()[this.resultWord + word]
  }

  /** The index of a result word in `i32()` (for loops that keep one view). */
  resultWordIndex(word: number): number {
    return this.resultWord + word
  }

  // ---- input --------------------------------------------------------------------------------

  /** Copies `bytes` into the input region (at offset 0); returns its address. */
  input(bytes: Uint8Array): number {
    const ptr = this.exports.inputReserve(bytes.length)
    if (ptr === 0) throw new CoreError('core.wasm is out of memory (input region)')
    this.u8().set(bytes, ptr)
    return ptr
  }

  /** Copies consecutive reads (`total` bytes in all) into the input region, in order; returns its address. */
  inputParts(parts: readonly Uint8Array[], total: number): number {
    const ptr = this.exports.inputReserve(total)
    if (ptr === 0) throw new CoreError('core.wasm is out of memory (input region)')
    const u8 = this.u8()
    let at = ptr
    for (const part of parts) {
      u8.set(part, at)
      at += part.length
    }
    return ptr
  }

  /** Copies `bytes` into the aux region; returns its address. */
  aux(bytes: Uint8Array): number {
    const ptr = this.exports.auxReserve(bytes.length)
    if (ptr === 0) throw new CoreError('core.wasm is out of memory (aux region)')
    this.u8().set(bytes, ptr)
    return ptr
  }

  /** Copies consecutive pieces (`total` bytes in all) into the aux region, in order; returns its address. */
  auxParts(parts: readonly Uint8Array[], total: number): number {
    const ptr = this.exports.auxReserve(total)
    if (ptr === 0) throw new CoreError('core.wasm is out of memory (aux region)')
    const u8 = this.u8()
    let at = ptr
    for (const part of parts) {
      u8.set(part, at)
      at += part.length
    }
    return ptr
  }

  /** Frames input bytes `[start, len)`. Returns the status; details via `result()` and the readers below. */
  frameInput(start: number, len: number, maxFrame: number): number {
    return this.exports.frame(start, len, maxFrame >>> 0)
  }

  /** Word `field` of message `index` of the last frame call. */
  message(index: number, field: number): number {
    return this.i32()[(this.result(abi.R_MESSAGES_PTR) >> 2) + index * abi.MSG_WORDS + field]
  }

  /** Word `field` of entry `index` of the main (or aux) entry table. */
  entry(index: number, field: number, aux = false): number {
    const base = this.result(aux ? abi.R_AUX_ENTRIES_PTR : abi.R_ENTRIES_PTR) >> 2
    return this.i32()[base + index * abi.ENTRY_WORDS + field] >>> 0
  }

  // ---- packer -------------------------------------------------------------------------------

  createPacker(options: PackerOptions): Packer {
    return new Packer(this, options)
  }

  /** A JSON → msgpack parser handle (wasm/json.ts): JSON text in, PackedForward entries out. */
  createJsonParser(options: JsonParserOptions = {}): JsonParser {
    return new JsonParser(this, options)
  }

  /** Copies bytes into a fresh block (configuration-time use); the caller frees it. */
  allocBytes(bytes: Uint8Array): number {
    const ptr = this.exports.alloc(bytes.length)
    if (ptr === 0) throw new CoreError('core.wasm is out of memory')
    this.u8().set(bytes, ptr)
    return ptr
  }
}

export interface PackerOptions {
  mode: 'packed' | 'forward' | 'message'
  /** Write integer seconds instead of EventTime (for Fluentd ≤ v0.12 peers). */
  timeAsInteger?: boolean
  /** Most bytes of entries per message. */
  byteLimit: number
  /** Most entries per message. */
  entryLimit: number
}

export type AppendResult = 'ok' | 'full' | 'too-large'

const PACK_MODES = { packed: abi.PACK_PACKED, forward: abi.PACK_FORWARD, message: abi.PACK_MESSAGE } as const

/** A batch packer in WASM memory: entries in, sealed Forward messages out. */
export class Packer {
  private handle: number
  private scratch = 0
  private scratchCap = 0

  constructor(
    private readonly core: Core,
    options: PackerOptions,
  ) {
    this.handle = core.exports.packerCreate(
      PACK_MODES[options.mode],
      options.timeAsInteger ? 1 : 0,
      options.byteLimit >>> 0,
      options.entryLimit >>> 0,
    )
    if (this.handle === 0) throw new CoreError(`bad packer options: ${JSON.stringify(options)}`)
  }

  /** Sets the tag; only while the packer is empty. */
  setTag(tag: string | Uint8Array): void {
    const bytes = typeof tag === 'string' ? textEncoder.encode(tag) : tag
    const ptr = this.stage(bytes)
    this.check(this.core.exports.packerSetTag(this.handle, ptr, bytes.length), 'setTag')
  }

  /** Sets the tag from bytes already in WASM memory (e.g. a framed message's tag range). */
  setTagAt(ptr: number, len: number): void {
    this.check(this.core.exports.packerSetTag(this.handle, ptr, len), 'setTag')
  }

  /** Appends one entry (the record's msgpack bytes are copied). */
  append(sec: number, nsec: number, record: Uint8Array): AppendResult {
    const ptr = this.stage(record)
    return this.appendAt(sec, nsec, ptr, record.length)
  }

  /** Appends one entry whose record bytes are already in WASM memory. */
  appendAt(sec: number, nsec: number, ptr: number, len: number): AppendResult {
    const st = this.core.exports.packerAppend(this.handle, sec >>> 0, nsec >>> 0, ptr, len)
    if (st === abi.PACK_OK) return 'ok'
    if (st === abi.PACK_FULL) return 'full'
    if (st === abi.PACK_ENTRY_TOO_LARGE) return 'too-large'
    throw new CoreError(`packer append failed (${st})`)
  }

  /**
   * Appends entries `[from, from+count)` of the last frame (or walk, with `aux`) in one call.
   * Returns how many were consumed and why it stopped.
   */
  appendEntries(from: number, count: number, nowSec: number, nowNsec: number, aux = false): { consumed: number; stop: AppendResult } {
    const consumed = this.core.exports.packerAppendEntries(this.handle, aux ? 1 : 0, from, count, nowSec >>> 0, nowNsec >>> 0)
    const st = this.core.result(abi.R_STATUS)
    if (st === abi.PACK_NO_MEMORY) throw new CoreError('core.wasm is out of memory (packer)')
    return { consumed, stop: st === abi.PACK_ENTRY_TOO_LARGE ? 'too-large' : st === abi.PACK_FULL ? 'full' : 'ok' }
  }

  get count(): number {
    return this.core.exports.packerCount(this.handle)
  }

  get bodyLength(): number {
    return this.core.exports.packerBodyLen(this.handle)
  }

  /** The entries stream so far (a view valid until the next core call). */
  bodyView(): Uint8Array {
    const ptr = this.core.exports.packerBodyPtr(this.handle)
    return this.core.u8().subarray(ptr, ptr + this.bodyLength)
  }

  /** Seals into one message and empties the packer; returns a view valid until the next call on this packer. */
  sealView(chunkId?: string): Uint8Array {
    let ptr = 0
    let len = 0
    if (chunkId !== undefined && chunkId.length > 0) {
      const bytes = textEncoder.encode(chunkId)
      ptr = this.stage(bytes)
      len = bytes.length
    }
    const n = this.core.exports.packerSeal(this.handle, ptr, len)
    this.check(n, 'seal')
    const out = this.core.result(abi.R_OUT_PTR)
    return this.core.u8().subarray(out, out + n)
  }

  /** Seals into one message and empties the packer; returns a copy. */
  seal(chunkId?: string): Uint8Array {
    return this.sealView(chunkId).slice()
  }

  reset(): void {
    this.core.exports.packerReset(this.handle)
  }

  free(): void {
    if (this.handle === 0) return
    this.core.exports.packerFree(this.handle)
    this.core.exports.free(this.scratch)
    this.handle = 0
    this.scratch = 0
  }

  /** Copies bytes into this packer's own scratch block. */
  private stage(bytes: Uint8Array): number {
    if (bytes.length > this.scratchCap) {
      this.core.exports.free(this.scratch)
      this.scratchCap = Math.max(64, bytes.length * 2)
      this.scratch = this.core.exports.alloc(this.scratchCap)
      if (this.scratch === 0) throw new CoreError('core.wasm is out of memory')
    }
    this.core.u8().set(bytes, this.scratch)
    return this.scratch
  }

  private check(code: number, what: string): void {
    if (code === abi.PACK_BAD_ARGUMENT) throw new CoreError(`packer ${what}: not allowed in this state or mode`)
    if (code === abi.PACK_NO_MEMORY) throw new CoreError('core.wasm is out of memory (packer)')
  }
}

/** The TypeScript-level framer over the core: loops over STATUS_MORE and returns plain objects. */
class CoreFramer implements Framer {
  constructor(private readonly core: Core) {}

  frame(bytes: Uint8Array, maxFrame = 0xffffffff): FrameOutcome {
    const core = this.core
    const base = core.input(bytes)
    const messages: MessageInfo[] = []
    let start = 0
    for (;;) {
      const st = core.frameInput(start, bytes.length, maxFrame)
      const count = core.result(abi.R_MESSAGE_COUNT)
      for (let i = 0; i < count; i++) messages.push(this.readMessage(i, base))
      const consumed = core.result(abi.R_CONSUMED)
      if (st === abi.STATUS_MORE) {
        start = consumed
        continue
      }
      if (st === abi.STATUS_NO_MEMORY) throw new CoreError('core.wasm is out of memory (entry table)')
      return {
        status: st as FrameStatus,
        consumed,
        messages,
        need: st === abi.STATUS_NEED_MORE ? core.result(abi.R_NEED) : 0,
        errorOffset: st === abi.STATUS_INVALID ? core.result(abi.R_ERROR_OFFSET) : -1,
      }
    }
  }

  walkEntries(bytes: Uint8Array): WalkOutcome {
    const core = this.core
    const base = core.aux(bytes)
    const st = core.exports.walkEntries(bytes.length)
    if (st === abi.STATUS_NO_MEMORY) throw new CoreError('core.wasm is out of memory (entry table)')
    const events: EntryInfo[] = []
    if (st === abi.STATUS_OK) {
      const n = core.result(abi.R_AUX_ENTRY_COUNT)
      for (let i = 0; i < n; i++) events.push(readEntry(core, i, base, true))
    }
    return {
      status: st === abi.STATUS_OK ? FrameStatus.OK : FrameStatus.INVALID,
      events,
      errorOffset: st === abi.STATUS_INVALID ? core.result(abi.R_ERROR_OFFSET) : -1,
    }
  }

  private readMessage(i: number, base: number): MessageInfo {
    const core = this.core
    const m = (field: number) => core.message(i, field)
    const flags = m(abi.M_FLAGS)
    const mode = m(abi.M_MODE) as Mode
    const first = m(abi.M_FIRST_ENTRY)
    const count = m(abi.M_ENTRY_COUNT)
    const events: EntryInfo[] = []
    for (let k = 0; k < count; k++) events.push(readEntry(core, first + k, base, false))
    const hasEntries = mode !== Mode.HEARTBEAT && mode !== Mode.NOT_ARRAY
    const start = m(abi.M_START) - base
    return {
      start,
      end: m(abi.M_END) - base,
      mode,
      tag: flags & abi.MSG_TAG_VALID ? [m(abi.M_TAG_START) - base, m(abi.M_TAG_END) - base] : null,
      entries: hasEntries ? [m(abi.M_ENTRIES_START) - base, m(abi.M_ENTRIES_END) - base] : [start, start],
      options: {
        present: (flags & abi.MSG_HAS_OPTIONS) !== 0,
        invalid: (flags & abi.MSG_OPTIONS_INVALID) !== 0,
        size: flags & abi.MSG_HAS_SIZE ? m(abi.M_SIZE) >>> 0 : null,
        chunk: flags & abi.MSG_HAS_CHUNK ? [m(abi.M_CHUNK_START) - base, m(abi.M_CHUNK_END) - base] : null,
        compressed: m(abi.M_COMPRESSED) as Compressed,
        fluentSignal: m(abi.M_FLUENT_SIGNAL),
      },
      events,
    }
  }
}

function readEntry(core: Core, index: number, base: number, aux: boolean): EntryInfo {
  const e = (field: number) => core.entry(index, field, aux)
  const record: Range = [e(abi.E_RECORD_START) - base, e(abi.E_RECORD_END) - base]
  return {
    sec: e(abi.E_SEC),
    nsec: e(abi.E_NSEC),
    record,
    entry: [e(abi.E_ENTRY_START) - base, e(abi.E_ENTRY_END) - base],
    flags: e(abi.E_FLAGS),
  }
}

interface HeldTable {
  exports: CoreExports
  handle: number
  blocks: number[]
}

const tableReclaimer = new FinalizationRegistry<HeldTable>((held) => {
  held.exports.routesFree(held.handle)
  for (const block of held.blocks) held.exports.free(block)
})

/** A route table in the core, with the regex alternatives evaluated here. */
export class CoreRouteTable implements RouteTable {
  private handle: number
  private readonly regexes: RegExp[]
  private bits = 0
  private tagScratch = 0
  private tagScratchCap = 0
  private readonly routes: Route[] = []
  private readonly held: HeldTable

  constructor(
    private readonly core: Core,
    rules: readonly RouteRule[],
  ) {
    const compiled = compileRoutes(rules)
    this.regexes = compiled.regexes
    const blob = new Uint8Array(compiled.words.buffer, compiled.words.byteOffset, compiled.words.byteLength)
    const ptr = core.allocBytes(blob)
    this.handle = core.exports.routesLoad(ptr, compiled.words.length)
    core.exports.free(ptr)
    if (this.handle < 0) throw new CoreError(`route table rejected by the core (${this.handle})`)
    if (this.regexes.length > 0) {
      this.bits = core.exports.alloc(this.regexes.length)
      if (this.bits === 0) throw new CoreError('core.wasm is out of memory')
    }
    // A table dropped without free() gives its memory back when it is collected.
    this.held = { exports: core.exports, handle: this.handle, blocks: [this.bits, 0] }
    tableReclaimer.register(this, this.held, this)
  }

  /** Route id for a tag already in WASM memory (hot path). */
  lookupAt(ptr: number, len: number): number {
    const id = this.core.exports.routesLookup(this.handle, ptr, len)
    if (id !== abi.ROUTE_NEED_REGEX) return this.checked(id)
    const tag = textDecoder.decode(this.core.u8().subarray(ptr, ptr + len))
    const u8 = this.core.u8()
    this.regexes.forEach((re, i) => {
      u8[this.bits + i] = re.test(tag) ? 1 : 0
    })
    return this.checked(this.core.exports.routesLookupWithRegex(this.handle, ptr, len, this.bits))
  }

  /**
   * The most states this table's DFA may hold (default abi.DFA_DEFAULT_STATES); 0 turns the DFA
   * off so every cache miss runs the NFA. Empties the DFA; returns the limit in force.
   */
  setDfaLimit(states: number): number {
    return this.core.exports.routesSetDfaLimit(this.handle, states)
  }

  /** The DFA's size: states held, resets so far, byte classes, state limit, bytes held by states. */
  dfaStats(): { states: number; resets: number; classes: number; limit: number; bytes: number } {
    const stat = (which: number) => this.core.exports.routesDfaStat(this.handle, which)
    return {
      states: stat(abi.DFA_STAT_STATES),
      resets: stat(abi.DFA_STAT_RESETS),
      classes: stat(abi.DFA_STAT_CLASSES),
      limit: stat(abi.DFA_STAT_LIMIT),
      bytes: stat(abi.DFA_STAT_BYTES),
    }
  }

  /** The route behind an id (memoized: ids are stable for the table's life). */
  route(id: number): Route {
    let route = this.routes[id]
    if (route === undefined) {
      const ex = this.core.exports
      const filters: number[] = []
      const n = ex.routeFilterCount(this.handle, id)
      for (let i = 0; i < n; i++) filters.push(ex.routeFilter(this.handle, id, i))
      route = { match: ex.routeMatch(this.handle, id), filters }
      this.routes[id] = route
    }
    return route
  }

  lookup(tag: Uint8Array | string): Route {
    return this.route(this.lookupBytes(typeof tag === 'string' ? textEncoder.encode(tag) : tag))
  }

  /** Route id for tag bytes held in JS (copied into the core's scratch). */
  lookupBytes(bytes: Uint8Array): number {
    if (bytes.length > this.tagScratchCap) {
      this.core.exports.free(this.tagScratch)
      this.tagScratchCap = Math.max(128, bytes.length)
      this.tagScratch = this.core.exports.alloc(this.tagScratchCap)
      this.held.blocks[1] = this.tagScratch
      if (this.tagScratch === 0) throw new CoreError('core.wasm is out of memory')
    }
    this.core.u8().set(bytes, this.tagScratch)
    return this.lookupAt(this.tagScratch, bytes.length)
  }

  free(): void {
    if (this.handle <= 0) return
    tableReclaimer.unregister(this)
    this.core.exports.routesFree(this.handle)
    this.core.exports.free(this.bits)
    this.core.exports.free(this.tagScratch)
    this.handle = 0
  }

  private checked(id: number): number {
    if (id < 0) throw new CoreError(`route lookup failed (${id})`)
    return id
  }
}
