/**
 * @module in_tail's config turned into settled options, with Fluentd's configure-time checks
 * (each thrown as an Error the agent reports at the directive's line): the path list, the tag's
 * `*`, the watchers (at least one of the timer and fs events), read_bytes_limit_per_second (at
 * least 8192, needs the timer), follow_inodes (needs pos_file), encodings, `<group>`.
 */

import type { Logger } from '../../../engine/log.ts'
import { parseRegexp } from '../../../engine/config/types.ts'
import { LOCAL, parseZone, type Zone } from '../../../engine/time/zone.ts'
import type { InTailConfig } from '../../../engine/schemas/in_tail.ts'
import { lineTranscoder, type LineTranscoder } from './encoding.ts'
import type { GroupOptions } from './group.ts'
import type { GlobPolicy } from './paths.ts'
import { tagFunction, type TagOf } from './tag.ts'

/** Fluentd's IOHandler::BYTES_TO_READ floor for read_bytes_limit_per_second. */
export const MIN_BYTES_PER_SECOND = 8192
/** Bytes asked of the first read of a turn (Fluentd master reads 64 KiB too). */
export const READ_CHUNK_BYTES = 64 * 1024
/** With a backlog (reads that fill their buffer), reads grow up to this size: fewer round trips to the thread pool. */
export const MAX_READ_BYTES = 1024 * 1024
/** The longest line kept when max_line_size is unset (sluice's limit; Fluentd has none). */
export const DEFAULT_MAX_LINE_SIZE = 16 * 1024 * 1024

export interface TailOptions {
  paths: string[]
  excludePaths: string[]
  globPolicy: GlobPolicy
  tagOf: TagOf
  rotateWaitMs: number
  posFile: string | null
  posFileCompactionIntervalMs: number | null
  readFromHead: boolean
  refreshIntervalMs: number
  readLinesLimit: number
  /** -1: no limit. */
  readBytesLimitPerSecond: number
  multilineFlushIntervalMs: number | null
  emitUnmatchedLines: boolean
  enableWatchTimer: boolean
  enableStatWatcher: boolean
  transcode: LineTranscoder | null
  pathKey: string | null
  openOnEveryUpdate: boolean
  limitRecentlyModifiedMs: number | null
  skipRefreshOnStartup: boolean
  ignoreRepeatedPermissionError: boolean
  zone: Zone
  followInodes: boolean
  /** Lines longer than this, newline included, are dropped. */
  maxLineSize: number
  group: GroupOptions | null
}

const RESERVED_DELIMITERS = ['/', '*', '%']

export function settleOptions(config: InTailConfig, log: Logger): TailOptions {
  if (!config.enable_watch_timer && !config.enable_stat_watcher) {
    throw new Error('either of enable_watch_timer or enable_stat_watcher must be true')
  }
  const delimiter = config.path_delimiter
  if (config.glob_policy === 'always' && delimiter === ',') {
    throw new Error('cannot use glob_policy as always with the default path_delimiter: `,"')
  }
  if (config.glob_policy === 'extended' && /\{.*,.*\}/.test(config.path) && /[*?]|\[.*\]/.test(config.path)) {
    throw new Error(`cannot include curly braces with glob patterns in \`${config.path}". Use glob_policy always instead.`)
  }
  if (RESERVED_DELIMITERS.includes(delimiter)) throw new Error(`${RESERVED_DELIMITERS.join(', ')} are reserved words: ${delimiter}`)
  const paths = [...new Set(config.path.split(delimiter).map((p) => p.trim()))].filter((p) => p !== '')
  if (paths.length === 0) throw new Error("tail: 'path' parameter is required on tail input")

  let zone = LOCAL
  if (config.path_timezone !== null) {
    const parsed = parseZone(config.path_timezone)
    if (parsed === null) throw new Error(`invalid path_timezone ${JSON.stringify(config.path_timezone)}`)
    zone = parsed
  }
  if (config.pos_file === null) {
    if (config.follow_inodes) throw new Error("Can't follow inodes without pos_file configuration parameter")
    log.warn("'pos_file PATH' parameter is not set to a 'tail' source.")
    log.warn('this parameter is highly recommended to save the position to resume tailing.')
  }
  if (!Number.isInteger(config.read_lines_limit) || config.read_lines_limit < 1) {
    throw new Error(`read_lines_limit must be 1 or more (got ${config.read_lines_limit})`)
  }
  let bytesLimit = config.read_bytes_limit_per_second
  if (bytesLimit > 0) {
    if (!config.enable_watch_timer) throw new Error('Need to enable watch timer when using log throttling feature')
    if (bytesLimit < MIN_BYTES_PER_SECOND) {
      log.warn(`Should specify greater equal than ${MIN_BYTES_PER_SECOND}. Use ${MIN_BYTES_PER_SECOND} for read_bytes_limit_per_second`)
      bytesLimit = MIN_BYTES_PER_SECOND
    }
  } else bytesLimit = -1
  if (config.max_line_size !== null && config.max_line_size < 1) throw new Error('max_line_size must be 1 or more')

  const excludePaths = (config.exclude_path as unknown[]).map(String)
  const ms = (seconds: number | null) => (seconds === null ? null : Math.round(seconds * 1000))
  return {
    paths,
    excludePaths,
    globPolicy: config.glob_policy,
    tagOf: tagFunction(config.tag),
    rotateWaitMs: Math.round(config.rotate_wait * 1000),
    posFile: config.pos_file,
    posFileCompactionIntervalMs: ms(config.pos_file_compaction_interval),
    readFromHead: config.read_from_head,
    refreshIntervalMs: Math.max(1, Math.round(config.refresh_interval * 1000)),
    readLinesLimit: config.read_lines_limit,
    readBytesLimitPerSecond: bytesLimit,
    multilineFlushIntervalMs: ms(config.multiline_flush_interval),
    emitUnmatchedLines: config.emit_unmatched_lines,
    enableWatchTimer: config.enable_watch_timer,
    enableStatWatcher: config.enable_stat_watcher,
    transcode: lineTranscoder(config.encoding, config.from_encoding, (m) => log.warn(m)),
    pathKey: config.path_key,
    openOnEveryUpdate: config.open_on_every_update,
    limitRecentlyModifiedMs: ms(config.limit_recently_modified),
    skipRefreshOnStartup: config.skip_refresh_on_startup,
    ignoreRepeatedPermissionError: config.ignore_repeated_permission_error,
    zone,
    followInodes: config.follow_inodes,
    maxLineSize: config.max_line_size ?? DEFAULT_MAX_LINE_SIZE,
    group: config.group === undefined ? null : settleGroup(config.group),
  }
}

function settleGroup(group: NonNullable<InTailConfig['group']>): GroupOptions {
  return {
    pattern: group.pattern.regexp,
    ratePeriodMs: Math.round(group.rate_period * 1000),
    rules: group.rule.map((rule) => {
      const match: Record<string, string> = {}
      for (const [name, value] of Object.entries(rule.match)) {
        const parsed = parseRegexp(String(value))
        if (!parsed.ok) throw new Error(`<group> <rule> match ${name}: ${parsed.reason}`)
        match[name] = parsed.value.regexp.source
      }
      return { match, limit: rule.limit }
    }),
  }
}
