/**
 * @module The Docker json-file line parser: one JSON object per line, `{"log","stream","time"}`;
 * the record is the object (log and stream; `time` becomes the event time, read as ISO 8601 with
 * its nanoseconds, and is removed unless keep_time_key). A line that is not a JSON object is
 * unmatched.
 */

import type { EventTime } from '../../event-time.ts'
import { BaseParser, decodeUtf8, INVALID_UTF8, type ParserEnv, RecordFinisher } from '../../parser/common.ts'
import type { EntrySink, ParserStream } from '../../parser/types.ts'
import type { ParsedRecord } from '../../parser/values.ts'
import { parseJsonRecord } from '../../records/json-reader.ts'
import type { ParserDockerConfig } from '../../schemas/parser_docker.ts'
import { DockerStream } from './stream.ts'

/** The record of one json-file line, or why it is not one. */
export function readDockerLine(bytes: Uint8Array, start: number, end: number): ParsedRecord | string {
  const text = decodeUtf8(bytes, start, end)
  if (text === null) return INVALID_UTF8
  let value: unknown
  try {
    value = parseJsonRecord(text)
  } catch (error) {
    return error instanceof Error ? error.message : String(error)
  }
  return value instanceof Map ? (value as ParsedRecord) : 'not a JSON object'
}

export class DockerParser extends BaseParser {
  constructor(
    private readonly config: ParserDockerConfig,
    env: ParserEnv,
  ) {
    super(new RecordFinisher(config), env, 'docker', config.timeout)
  }

  newStream(): ParserStream {
    return new DockerStream(this, this.config.max_joined_size)
  }

  protected parseBytes(bytes: Uint8Array, start: number, end: number): void {
    const record = readDockerLine(bytes, start, end)
    if (typeof record === 'string') return record === INVALID_UTF8 ? this.invalid(record) : this.unmatched(record)
    this.emit(record)
  }

  /** Emits one (possibly joined) record for a stream. */
  emitRecord(record: ParsedRecord, out: EntrySink, now: EventTime): number {
    return this.run(
      out,
      now,
      undefined,
      () => this.emit(record),
      () => String(record.get('log') ?? ''),
    )
  }
}
