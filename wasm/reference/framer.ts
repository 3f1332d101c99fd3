/**
 * @module The slow, obviously-correct TypeScript framer (the test oracle): frames a Forward stream
 * into messages exactly as docs/core-abi.md §1 says, so the WebAssembly core can be compared with it
 * result for result.
 */
import {
  Compressed,
  type EntryInfo,
  type FrameOutcome,
  FrameStatus,
  type Framer,
  type MessageInfo,
  Mode,
  type OptionsInfo,
  type Range,
  type WalkOutcome,
} from '../types.ts'
import { describeEntry, describeForwardEntry, walkPacked } from './entries.ts'
import { type MsgNode, isStop, scanObject } from './msgpack-scan.ts'
import { noOptions, readOptions } from './options.ts'

const NO_LIMIT = 0xffffffff
/** `need` is an i32 across the ABI: larger lower bounds are reported as this (still a lower bound). */
const NEED_CAP = 0x7fffffff

/** A message's description, or the offset where its packed payload is broken. */
type Described = { ok: true; message: MessageInfo } | { ok: false; errorOffset: number }

const isInt = (node: MsgNode | undefined): boolean => node?.kind === 'int'
const isBytes = (node: MsgNode | undefined): boolean => node?.kind === 'str' || node?.kind === 'bin'

/** The mode of a top-level array, from its element[1] (and, for str/bin, the options). */
function modeOf(elements: MsgNode[], options: OptionsInfo): Mode {
  const second = elements[1]
  if (second?.kind === 'array') {
    const first = second.children[0]
    return isInt(first) || first?.kind === 'ext' ? Mode.MESSAGE : Mode.FORWARD
  }
  if (isBytes(second)) {
    const compressed = options.compressed === Compressed.GZIP || options.compressed === Compressed.ZSTD
    return compressed ? Mode.COMPRESSED : Mode.PACKED
  }
  return Mode.MESSAGE
}

/** A message whose top-level object is not an array (nil: HEARTBEAT). */
function notEventMessage(top: MsgNode): MessageInfo {
  return {
    start: top.start,
    end: top.end,
    mode: top.kind === 'nil' ? Mode.HEARTBEAT : Mode.NOT_ARRAY,
    tag: null,
    entries: [top.start, top.start],
    options: noOptions(),
    events: [],
  }
}

/** Describes a complete top-level object; walks a PackedForward payload for its entries. */
function describeMessage(bytes: Uint8Array, top: MsgNode): Described {
  if (top.kind !== 'array') return { ok: true, message: notEventMessage(top) }
  const elements = top.children
  const tagNode = elements[0]
  const tag: Range | null = tagNode?.kind === 'str' ? [tagNode.body, tagNode.end] : null

  // Element[1] decides; a str/bin element[1] also needs the options (element 2 outside MESSAGE mode).
  const optionsAfterEntries = readOptions(bytes, elements[2])
  const mode = modeOf(elements, optionsAfterEntries)
  const options = mode === Mode.MESSAGE ? readOptions(bytes, elements[3]) : optionsAfterEntries
  const message: MessageInfo = { start: top.start, end: top.end, mode, tag, entries: [0, 0], options, events: [] }
  const second = elements[1]

  switch (mode) {
    case Mode.MESSAGE: {
      const time = elements[1]
      const record = elements[2]
      const entry: Range = time === undefined ? [top.end, top.end] : [time.start, (record ?? time).end]
      message.entries = entry
      message.events = [describeEntry(bytes, entry, time, record, top.end)]
      break
    }
    case Mode.FORWARD:
      message.entries = [second.body, second.end]
      message.events = second.children.map((node): EntryInfo => describeForwardEntry(bytes, node))
      break
    case Mode.PACKED: {
      message.entries = [second.body, second.end]
      const walk = walkPacked(bytes, second.body, second.end)
      if (!walk.ok) return walk
      message.events = walk.events
      break
    }
    case Mode.COMPRESSED:
      message.entries = [second.body, second.end]
      break
  }
  return { ok: true, message }
}

/** Frames back-to-back top-level msgpack objects from the start of `bytes` (docs/core-abi.md §1). */
function frame(bytes: Uint8Array, maxFrame: number = NO_LIMIT): FrameOutcome {
  const messages: MessageInfo[] = []
  let start = 0
  while (start < bytes.length) {
    const top = scanObject(bytes, start, { avail: bytes.length, limit: start + maxFrame })
    if (isStop(top)) {
      switch (top.kind) {
        case 'needMore':
          return { status: FrameStatus.NEED_MORE, consumed: start, messages, need: Math.min(top.need - start, NEED_CAP), errorOffset: -1 }
        case 'tooLarge':
          return { status: FrameStatus.FRAME_TOO_LARGE, consumed: start, messages, need: 0, errorOffset: -1 }
        case 'invalid':
          return { status: FrameStatus.INVALID, consumed: start, messages, need: 0, errorOffset: top.at }
      }
    }
    const described = describeMessage(bytes, top)
    if (!described.ok) {
      return { status: FrameStatus.INVALID, consumed: start, messages, need: 0, errorOffset: described.errorOffset }
    }
    messages.push(described.message)
    start = top.end
  }
  return { status: FrameStatus.OK, consumed: start, messages, need: 0, errorOffset: -1 }
}

/** Applies the PackedForward payload rules to a whole (inflated) buffer. */
function walkEntries(bytes: Uint8Array): WalkOutcome {
  const walk = walkPacked(bytes, 0, bytes.length)
  return walk.ok
    ? { status: FrameStatus.OK, events: walk.events, errorOffset: -1 }
    : { status: FrameStatus.INVALID, events: [], errorOffset: walk.errorOffset }
}

/** The reference framer. */
export const referenceFramer: Framer = { frame, walkEntries }
