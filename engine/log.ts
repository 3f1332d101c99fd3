/**
 * @module The structured logger every plugin receives: leveled, message + fields. Runtimes supply
 * the sink (node-server writes lines to stderr; tests collect them).
 */

import { isoTime } from './time/iso.ts'

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]

export type LogFields = Record<string, unknown>

export interface LogRecord {
  time: number
  level: LogLevel
  message: string
  fields: LogFields
}

export interface Logger {
  readonly level: LogLevel
  enabled(level: LogLevel): boolean
  trace(message: string, fields?: LogFields): void
  debug(message: string, fields?: LogFields): void
  info(message: string, fields?: LogFields): void
  warn(message: string, fields?: LogFields): void
  error(message: string, fields?: LogFields): void
  /** A logger that adds `fields` to every record (e.g. the plugin id) and may have its own level. */
  child(fields: LogFields, level?: LogLevel): Logger
}

/** A logger over any sink. */
export function createLogger(
  sink: (record: LogRecord) => void,
  level: LogLevel = 'info',
  base: LogFields = {},
  clock: () => number = Date.now,
): Logger {
  const threshold = LOG_LEVELS.indexOf(level)
  const enabled = (l: LogLevel) => LOG_LEVELS.indexOf(l) >= threshold
  const emit =
    (l: LogLevel) =>
    (message: string, fields: LogFields = {}) => {
      if (enabled(l)) sink({ time: clock(), level: l, message, fields: { ...base, ...fields } })
    }
  return {
    level,
    enabled,
    trace: emit('trace'),
    debug: emit('debug'),
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error'),
    child: (fields, childLevel) => createLogger(sink, childLevel ?? level, { ...base, ...fields }, clock),
  }
}

/** One text line per record: `2026-11-21T06:52:00.123Z [warn] message key=value ...`. */
export function formatLogLine(r: LogRecord): string {
  const fields = Object.entries(r.fields)
    .map(([k, v]) => `${k}=${typeof v === 'string' && !/[\s"=]/.test(v) ? v : JSON.stringify(v, bigintReplacer)}`)
    .join(' ')
  return `${isoTime(r.time)} [${r.level}] ${r.message}${fields ? ' ' + fields : ''}`
}

function bigintReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value
}
