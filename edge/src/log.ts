/**
 * @module The edge's logger: one JSON line per record on console (Workers Logs / `wrangler tail`
 * read them), `error` and `warn` through console.error / console.warn. Level from SLUICE_LOG_LEVEL.
 */

import { createLogger, LOG_LEVELS, type Logger, type LogLevel, type LogRecord } from '../../engine/log.ts'

export function consoleLogger(level: string | undefined, fields: Record<string, unknown> = {}): Logger {
  const l = (LOG_LEVELS as readonly string[]).includes(level ?? '') ? (level as LogLevel) : 'info'
  return createLogger(write, l, fields)
}

function write(r: LogRecord): void {
  const line = JSON.stringify(
    { time: new Date(r.time).toISOString(), level: r.level, message: r.message, ...r.fields },
    (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v),
  )
  if (r.level === 'error' || r.level === 'fatal') console.error(line)
  else if (r.level === 'warn') console.warn(line)
  else console.log(line)
}
