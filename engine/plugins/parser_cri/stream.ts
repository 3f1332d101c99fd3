/**
 * @module CRI lines for one file: partial lines (`P`) are held per stream (stdout, stderr) and
 * joined with no separator until the line that ends them (`F`), as containerd split them; the
 * record has the first part's time and logtag `F`. `flush` emits what is held, with logtag `P`
 * (the end never came). A join beyond `max_joined_size` bytes is emitted as it is and the next
 * parts start a new record.
 */

import type { EventTime } from '../../event-time.ts'
import { decodeUtf8, INVALID_UTF8 } from '../../parser/common.ts'
import type { EntrySink, ParserStream, Unmatched } from '../../parser/types.ts'
import { type CriLine, type CriParser, isPartial, splitCriLine } from './cri.ts'

interface Held {
  first: CriLine
  parts: string[]
  bytes: number
}

const utf8 = new TextEncoder()

export class CriStream implements ParserStream {
  private readonly held = new Map<string, Held>()

  constructor(
    private readonly parser: CriParser,
    private readonly limit: number,
  ) {}

  get pending(): boolean {
    return this.held.size > 0
  }

  push(bytes: Uint8Array, start: number, end: number, out: EntrySink, now: EventTime, unmatched: Unmatched): number {
    const text = decodeUtf8(bytes, start, end)
    if (text === null) {
      unmatched(bytes.slice(start, end), INVALID_UTF8)
      return 0
    }
    const line = splitCriLine(text)
    if (line === null) {
      unmatched(bytes.slice(start, end), 'pattern not matched')
      return 0
    }
    const held = this.held.get(line.stream)
    if (isPartial(line.tag)) {
      if (held === undefined) {
        this.held.set(line.stream, { first: line, parts: [line.message], bytes: end - start })
        return 0
      }
      held.parts.push(line.message)
      held.bytes += end - start
      if (held.bytes <= this.limit) return 0
      this.held.delete(line.stream)
      return this.emit({ ...held.first, tag: 'F', message: held.parts.join('') }, out, now, unmatched)
    }
    if (held === undefined) return this.emit(line, out, now, unmatched)
    this.held.delete(line.stream)
    held.parts.push(line.message)
    return this.emit({ ...held.first, tag: line.tag, message: held.parts.join('') }, out, now, unmatched)
  }

  flush(out: EntrySink, now: EventTime, unmatched: Unmatched): number {
    let n = 0
    for (const held of this.held.values()) n += this.emit({ ...held.first, message: held.parts.join('') }, out, now, unmatched)
    this.held.clear()
    return n
  }

  private emit(line: CriLine, out: EntrySink, now: EventTime, unmatched: Unmatched): number {
    const n = this.parser.emitLine(line, out, now)
    if (this.parser.lastFailure !== null) {
      unmatched(utf8.encode(`${line.time} ${line.stream} ${line.tag} ${line.message}`), this.parser.lastError)
    }
    return n
  }
}
