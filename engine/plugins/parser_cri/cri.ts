/**
 * @module The CRI log line parser: `TIME STREAM TAG MESSAGE` (containerd, CRI-O; single spaces,
 * the message is everything after the third one, kept exactly — fluent-plugin-parser-cri's
 * whitespace split would drop a message's leading spaces). Without a nested `<parse>` the record is
 * fluent-plugin-parser-cri's `{stream, logtag, message, time}` (time kept: keep_time_key defaults
 * to true); with one, the message is parsed by it and stream/logtag are added
 * (`merge_cri_fields`).
 */

import type { EventTime } from '../../event-time.ts'
import { EventTime as Time } from '../../event-time.ts'
import { type ParserEnv, RecordFinisher, TextParser } from '../../parser/common.ts'
import { CaptureSink } from '../../parser/capture-sink.ts'
import { readValue } from '../../parser/record-reader.ts'
import { failureOf, type EntrySink, type ParserPlugin, type ParserStream } from '../../parser/types.ts'
import type { ParsedRecord } from '../../parser/values.ts'
import type { ParserCriConfig } from '../../schemas/parser_cri.ts'
import { CriStream } from './stream.ts'

/** The four parts of a CRI line, or null. */
export interface CriLine {
  time: string
  stream: string
  tag: string
  message: string
}

export function splitCriLine(text: string): CriLine | null {
  const a = text.indexOf(' ')
  if (a <= 0) return null
  const b = text.indexOf(' ', a + 1)
  if (b <= a + 1) return null
  let c = text.indexOf(' ', b + 1)
  if (c < 0) c = text.length
  if (c === b + 1) return null
  return { time: text.slice(0, a), stream: text.slice(a + 1, b), tag: text.slice(b + 1, c), message: text.slice(c + 1) }
}

/** Is this line a partial one (`P`, or a `:`-separated tag list holding `P`)? */
export function isPartial(tag: string): boolean {
  return tag === 'P' || (tag.includes(':') && tag.split(':').includes('P'))
}

const encoder = new TextEncoder()

export class CriParser extends TextParser {
  private readonly sink = new CaptureSink()

  constructor(
    private readonly config: ParserCriConfig,
    env: ParserEnv,
    private readonly sub: ParserPlugin | null,
  ) {
    super(new RecordFinisher(config), env, 'cri', config.timeout)
  }

  newStream(): ParserStream {
    return new CriStream(this, this.config.max_joined_size)
  }

  protected parseText(text: string): void {
    const line = splitCriLine(text)
    if (line === null) return this.unmatched()
    this.line(line)
  }

  /** Emits one (possibly joined) line for a stream; returns the records appended (outcome in lastError/lastFailure). */
  emitLine(line: CriLine, out: EntrySink, now: EventTime): number {
    return this.run(
      out,
      now,
      undefined,
      () => this.line(line),
      () => line.message,
    )
  }

  private line(line: CriLine): void {
    if (this.sub === null) {
      const record: ParsedRecord = new Map([
        ['stream', line.stream],
        ['logtag', line.tag],
        ['message', line.message],
      ])
      const time = this.finisher.parseTime(line.time, this.now)
      if (this.finisher.keepTimeKey && this.finisher.timeKey !== null) record.set(this.finisher.timeKey, line.time)
      this.finisher.convert(record, this.now)
      return this.emitAt(time, record)
    }
    this.sink.clear()
    const message = encoder.encode(line.message)
    const n = this.sub.parse(message, 0, message.length, this.sink, this.now, this.original)
    const failure = failureOf(this.sub, n)
    for (const r of this.sink.records) {
      const record = readValue(r.bytes, 0)[0] as ParsedRecord
      if (this.config.merge_cri_fields) {
        record.set('stream', line.stream)
        record.set('logtag', line.tag)
      }
      this.emitAt(new Time(r.sec, r.nsec), record)
    }
    if (failure !== null) {
      if (failure.kind === 'invalid') throw new Error(failure.reason)
      for (let i = 0; i < failure.count; i++) this.unmatched(failure.reason)
    }
  }
}
