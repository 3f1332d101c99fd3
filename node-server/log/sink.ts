/**
 * @module The Node log sink: one line per record, as text (engine/log.ts formatLogLine:
 * `2026-11-21T06:52:00.123Z [warn] message key=value`) or as JSON (`{"time","level","message",
 * ...fields}`), written to stderr or appended to a file (`--log PATH`, reopened on SIGUSR1 for
 * logrotate). Format and level can change at reload; the destination stays.
 */

import { closeSync, openSync, writeSync } from 'node:fs'
import { createLogger, formatLogLine, type Logger, type LogLevel, type LogRecord } from '../../engine/log.ts'
import { isoTime } from '../../engine/time/iso.ts'

export type LogFormat = 'text' | 'json'
export const LOG_FORMATS: readonly LogFormat[] = ['text', 'json']

/** Where lines go: stderr by default. */
export interface LineWriter {
  write(line: string): void
}

/** Fields a JSON line keeps for itself; a field with one of these names is written as `_<name>`. */
const RESERVED_JSON_KEYS = new Set(['time', 'level', 'message'])

/** A JSON line: ISO time, level, message, then the fields (bigint as decimal strings). */
export function formatJsonLine(r: LogRecord): string {
  const out: Record<string, unknown> = { time: isoTime(r.time), level: r.level, message: r.message }
  for (const [k, v] of Object.entries(r.fields)) out[RESERVED_JSON_KEYS.has(k) ? `_${k}` : k] = v
  return JSON.stringify(out, (_k, v) => (typeof v === 'bigint' ? v.toString() : v instanceof Error ? v.message : v))
}

export function formatLine(format: LogFormat, r: LogRecord): string {
  return format === 'json' ? formatJsonLine(r) : formatLogLine(r)
}

/** Writes to process.stderr (synchronous for files, pipes and TTYs on Linux). */
export const stderrWriter: LineWriter = {
  write: (line) => {
    process.stderr.write(line)
  },
}

/** Appends to a file; `reopen()` after logrotate moved it. */
export class FileWriter implements LineWriter {
  private fd: number

  constructor(readonly path: string) {
    this.fd = openSync(path, 'a')
  }

  write(line: string): void {
    writeSync(this.fd, line)
  }

  reopen(): void {
    const old = this.fd
    this.fd = openSync(this.path, 'a')
    closeSync(old)
  }

  close(): void {
    closeSync(this.fd)
  }
}

/**
 * The process-wide sink. Loggers made by `logger()` read the format at write time, so a reload that
 * switches `<system><log> format` affects every existing logger.
 *
 * @example
 * const sink = new LogSink({ format: 'text' })
 * sink.logger('info').info('listening', { plugin_id: 'in', port: 24224 })
 */
export class LogSink {
  format: LogFormat
  writer: LineWriter

  constructor(options: { format?: LogFormat; writer?: LineWriter } = {}) {
    this.format = options.format ?? 'text'
    this.writer = options.writer ?? stderrWriter
  }

  write(record: LogRecord): void {
    this.writer.write(formatLine(this.format, record) + '\n')
  }

  /** A logger at `level` writing here. */
  logger(level: LogLevel, fields: Record<string, unknown> = {}): Logger {
    return createLogger((r) => this.write(r), level, fields)
  }

  /** Reopens a log file (SIGUSR1); a no-op on stderr. */
  reopen(): void {
    if (this.writer instanceof FileWriter) this.writer.reopen()
  }
}
