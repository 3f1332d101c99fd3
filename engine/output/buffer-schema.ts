/**
 * @module The `<buffer CHUNK_KEYS>` and `<secondary>` sections (Fluentd's buffer parameters, §5.2)
 * and `resolveBufferConfig`, which applies the defaults that depend on the buffer type (memory /
 * file) and on the chunk keys, and checks what Fluentd checks at configure time. Plugins declare
 * `bufferSection(defaults)` in their schema (defaults = Fluentd's `config_set_default` in the
 * plugin's `config_section :buffer`) and pass the validated section to createBufferedOutput.
 */

import type { ConfigElement } from '../config/model.ts'
import type { ParamSpec, SectionSpec } from '../config/schema.ts'
import type { TypedValue } from '../config/types.ts'
import { parseChunkKeys, PlaceholderConfigError, type ChunkKeys } from './placeholders.ts'
import { bufferZone } from './time-format.ts'

const MiB = 1024 * 1024
const GiB = 1024 * MiB

/** Per-type defaults Fluentd sets in buf_memory / buf_file. */
export const BUFFER_TYPE_DEFAULTS = {
  memory: { chunkLimitSize: 8 * MiB, totalLimitSize: 512 * MiB, flushAtShutdown: true },
  file: { chunkLimitSize: 256 * MiB, totalLimitSize: 64 * GiB, flushAtShutdown: false },
} as const

export const OVERFLOW_ACTIONS = ['throw_exception', 'block', 'drop_oldest_chunk'] as const
/**
 * sluice's delivery guarantee of an output (not in Fluentd): when an emit counts as accepted, i.e.
 * when an input may ack. `none`: at once, whatever happens next (a full buffer or a failed store
 * write drops the events, counted and logged); `buffered` (default, Fluentd's behaviour): once the
 * events are in the buffer (memory, or written to the chunk file); `durable`: once the chunk file
 * write is fsynced (file buffers only).
 */
export const DELIVERY_MODES = ['none', 'buffered', 'durable'] as const
export const FLUSH_MODES = ['default', 'lazy', 'interval', 'immediate'] as const

const BUFFER_PARAMS: readonly ParamSpec[] = [
  {
    name: '@type',
    type: 'enum',
    values: ['memory', 'file'],
    default: 'memory',
    description: 'Where chunks are kept: memory, or files under path (survive restarts).',
  },
  {
    name: 'path',
    type: 'string',
    default: null,
    description: 'File buffer: the directory of the chunk files (buffer.b<id>.log / buffer.q<id>.log).',
  },
  {
    name: 'delivery',
    type: 'enum',
    values: DELIVERY_MODES,
    default: 'buffered',
    description:
      'When an input may ack: none (at once; full buffer drops), buffered (once in the buffer), durable (once fsynced to the file buffer).',
  },
  { name: 'chunk_limit_size', type: 'size', default: null, description: 'Most bytes per chunk (8m memory, 256m file).' },
  { name: 'chunk_limit_records', type: 'integer', default: null, description: 'Most events per chunk.' },
  {
    name: 'total_limit_size',
    type: 'size',
    default: null,
    description: 'Most bytes staged + queued (512m memory, 64g file); then overflow_action.',
  },
  {
    name: 'queue_limit_length',
    type: 'integer',
    default: null,
    description: 'Old form of total_limit_size (= chunk_limit_size × this).',
    deprecated: 'use total_limit_size',
  },
  { name: 'chunk_full_threshold', type: 'float', default: 0.95, description: 'A chunk this full (of either limit) is enqueued.' },
  {
    name: 'queued_chunks_limit_size',
    type: 'integer',
    default: null,
    description: 'Most queued chunks before interval/timekey enqueueing waits (default flush_thread_count).',
  },
  {
    name: 'queue_backpressure',
    type: 'bool',
    default: true,
    description:
      'sluice: a memory buffer with overflow_action block makes emits wait while queued_chunks_limit_size chunks wait behind the writes in flight and the destination takes them (not while retrying).',
  },
  {
    name: 'compress',
    type: 'enum',
    values: ['text', 'gzip'],
    default: 'text',
    description: 'Chunk compression (kept as text in sluice; outputs compress on write).',
  },
  {
    name: 'flush_mode',
    type: 'enum',
    values: FLUSH_MODES,
    default: 'default',
    description: 'default: lazy with a time chunk key, else interval; immediate: every write.',
  },
  {
    name: 'flush_interval',
    type: 'time',
    default: null,
    description: 'interval mode: enqueue a chunk this long after its creation (60s).',
  },
  { name: 'flush_thread_count', type: 'integer', default: 1, description: 'Concurrent chunk writes.' },
  { name: 'flush_thread_interval', type: 'time', default: 1.0, description: 'How often the flusher looks for work when idle.' },
  {
    name: 'flush_thread_burst_interval',
    type: 'time',
    default: 1.0,
    description: 'Pause between flushes while chunks are queued (sluice flushes queued chunks at once).',
  },
  { name: 'flush_at_shutdown', type: 'bool', default: null, description: 'Flush everything at shutdown (true memory, false file).' },
  { name: 'delayed_commit_timeout', type: 'time', default: 60, description: 'Most time a write may take before it counts as failed.' },
  { name: 'timekey', type: 'time', default: null, description: 'Time chunk key: the slice length.' },
  { name: 'timekey_wait', type: 'time', default: 600, description: 'lazy mode: wait this long after a slice ends before flushing it.' },
  { name: 'timekey_use_utc', type: 'bool', default: false, description: 'Align and format timekeys in UTC.' },
  {
    name: 'timekey_zone',
    type: 'string',
    default: null,
    description: 'Zone of timekeys: +0900, -07:00, UTC or an IANA name (default: local time).',
  },
  {
    name: 'overflow_action',
    type: 'enum',
    values: OVERFLOW_ACTIONS,
    default: 'throw_exception',
    description: 'At total_limit_size: fail the emit, block it until space frees, or drop the oldest queued chunk.',
  },
  {
    name: 'retry_type',
    type: 'enum',
    values: ['exponential_backoff', 'periodic'],
    default: 'exponential_backoff',
    description: 'Retry wait growth.',
  },
  { name: 'retry_wait', type: 'time', default: 1, description: 'First retry wait.' },
  { name: 'retry_exponential_backoff_base', type: 'float', default: 2, description: 'Growth factor of the retry wait.' },
  { name: 'retry_max_interval', type: 'time', default: null, description: 'Longest retry wait.' },
  { name: 'retry_randomize', type: 'bool', default: true, description: 'Randomize retry waits by ±12.5%.' },
  { name: 'retry_timeout', type: 'time', default: 72 * 3600, description: 'Give up retrying after this long.' },
  { name: 'retry_max_times', type: 'integer', default: null, description: 'Give up after this many retries.' },
  { name: 'retry_forever', type: 'bool', default: false, description: 'Never give up.' },
  {
    name: 'retry_secondary_threshold',
    type: 'float',
    default: 0.8,
    description: 'Part of the retry budget after which chunks go to <secondary>.',
  },
  {
    name: 'disable_chunk_backup',
    type: 'bool',
    default: false,
    description: 'Drop undeliverable chunks instead of keeping them in the backup directory.',
  },
]

/** Defaults a plugin sets for its `<buffer>` (Fluentd param names; `chunk_keys` for the argument). */
export type BufferDefaults = Partial<Record<string, TypedValue | null>>

/**
 * The `<buffer CHUNK_KEYS>` section spec (`init: true`: present with defaults when not written).
 *
 * @example
 * schema: { params: [...], sections: [bufferSection({ '@type': 'file', chunk_keys: ['time'], timekey: 86400 })] }
 */
export function bufferSection(defaults: BufferDefaults = {}): SectionSpec {
  const params = BUFFER_PARAMS.map((p) => (p.name in defaults ? { ...p, default: defaults[p.name] } : p))
  return {
    name: 'buffer',
    description: 'Buffering: chunk keys, limits, flushing and retries (Fluentd <buffer>).',
    init: true,
    schema: {
      params,
      argument: {
        name: 'chunk_keys',
        type: 'array',
        default: (defaults.chunk_keys as unknown[] | undefined) ?? [],
        description: 'Chunk keys: tag, time, record keys (comma-separated).',
      },
    },
  }
}

const looseSection = (name: string, multi = false): SectionSpec => ({
  name,
  multi,
  description: `<${name}> of the secondary output (checked by that plugin).`,
  schema: { params: [], additionalParams: true },
})

/**
 * The `<secondary>` section: an output element (its own `@type` and params, checked when the
 * plugin creates it with `createSecondary`). It may not hold `<buffer>` or `<secondary>`.
 */
export const secondarySection: SectionSpec = {
  name: 'secondary',
  description: 'Where chunks go when retries run out (an output, e.g. @type file).',
  schema: {
    params: [],
    additionalParams: true,
    // The sections outputs take (their content is checked by the secondary plugin's own schema).
    sections: [
      looseSection('format'),
      looseSection('inject'),
      looseSection('server', true),
      looseSection('security'),
      looseSection('transport'),
      looseSection('auth'),
      looseSection('service_discovery'),
    ],
    forbiddenSections: [
      { name: 'buffer', reason: '<secondary> section cannot have <buffer> section' },
      { name: 'secondary', reason: '<secondary> section cannot have <secondary> section' },
    ],
  },
}

/** The validated `<buffer>` section as the schema produces it (Fluentd names). */
export type BufferSectionConfig = Record<string, unknown>

export type OverflowAction = (typeof OVERFLOW_ACTIONS)[number]
export type DeliveryMode = (typeof DELIVERY_MODES)[number]

/** A resolved buffer configuration: every default applied, times in seconds, sizes in bytes. */
export interface BufferConfig {
  type: string
  path: string | null
  /** When an emit counts as accepted (see DELIVERY_MODES). */
  delivery: DeliveryMode
  chunkKeys: ChunkKeys
  chunkLimitSize: number
  chunkLimitRecords: number | null
  totalLimitSize: number
  chunkFullThreshold: number
  queuedChunksLimitSize: number
  /** Memory buffer, overflow_action block: emits wait while queuedChunksLimitSize chunks are queued and no retry runs. */
  queueBackpressure: boolean
  compress: 'text' | 'gzip'
  flushMode: 'lazy' | 'interval' | 'immediate'
  flushInterval: number
  flushThreadCount: number
  flushThreadInterval: number
  flushAtShutdown: boolean
  delayedCommitTimeout: number
  timekey: number | null
  timekeyWait: number
  timekeyUseUtc: boolean
  timekeyZone: string | null
  overflowAction: OverflowAction
  retryType: 'exponential_backoff' | 'periodic'
  retryWait: number
  retryExponentialBackoffBase: number
  retryMaxInterval: number | null
  retryRandomize: boolean
  retryTimeout: number
  retryMaxTimes: number | null
  retryForever: boolean
  retrySecondaryThreshold: number
  disableChunkBackup: boolean
}

/** Warnings found while resolving (Fluentd logs these at configure). */
export interface ResolvedBuffer {
  config: BufferConfig
  warnings: string[]
}

const fail = (message: string): never => {
  throw new PlaceholderConfigError(`<buffer>: ${message}`)
}

/**
 * Applies type- and key-dependent defaults and Fluentd's configure-time checks. Throws (with a
 * message the agent reports at the directive's file:line) when the section is inconsistent.
 *
 * @example
 * const { config } = resolveBufferConfig(pluginConfig.buffer)
 */
export function resolveBufferConfig(section: BufferSectionConfig | undefined, defaults: BufferDefaults = {}): ResolvedBuffer {
  const raw: Record<string, unknown> = { ...section }
  const get = <T>(name: string): T => (raw[name] ?? defaults[name] ?? BUFFER_PARAMS.find((p) => p.name === name)?.default ?? null) as T
  const warnings: string[] = []
  const type = get<string>('@type')
  const typeDefaults = type === 'file' ? BUFFER_TYPE_DEFAULTS.file : BUFFER_TYPE_DEFAULTS.memory
  const keysList = (raw.chunk_keys ?? defaults.chunk_keys ?? []) as unknown[]
  const chunkKeys = parseChunkKeys(keysList.map(String))
  if (chunkKeys.keys.length + (chunkKeys.tag ? 1 : 0) >= 4)
    warnings.push('many chunk keys specified, and it may cause too many chunks on your system.')

  const timekey = get<number | null>('timekey')
  if (chunkKeys.time && timekey === null) fail("argument includes 'time', but timekey is not configured")
  if (timekey !== null && timekey <= 0) fail(`timekey should be greater than 0. current timekey: ${timekey}`)
  const timekeyZone = get<string | null>('timekey_zone')
  const timekeyUseUtc = get<boolean>('timekey_use_utc')
  try {
    bufferZone(timekeyUseUtc, timekeyZone)
  } catch {
    fail(`timekey_zone ${JSON.stringify(timekeyZone)} is not a zone: use +0900, -07:00, UTC or an IANA name such as Asia/Tokyo`)
  }

  const writtenMode = get<string>('flush_mode')
  const flushMode = writtenMode === 'default' ? (chunkKeys.time ? 'lazy' : 'interval') : (writtenMode as BufferConfig['flushMode'])
  const writtenInterval = raw.flush_interval ?? null
  if (flushMode !== 'interval' && writtenInterval !== null) {
    if (writtenMode !== 'default')
      fail(`'flush_interval' can't be specified when 'flush_mode' is not 'interval' explicitly: '${flushMode}'`)
    warnings.push(`'flush_interval' is ignored because default 'flush_mode' is not 'interval': '${flushMode}'`)
  }
  const flushInterval = get<number | null>('flush_interval') ?? 60
  if (flushInterval < 0) fail('flush_interval must not be negative')

  const chunkLimitSize = get<number | null>('chunk_limit_size') ?? typeDefaults.chunkLimitSize
  if (chunkLimitSize <= 0) fail('chunk_limit_size must be greater than 0')
  const queueLimitLength = get<number | null>('queue_limit_length')
  const totalLimitSize =
    get<number | null>('total_limit_size') ?? (queueLimitLength !== null ? chunkLimitSize * queueLimitLength : typeDefaults.totalLimitSize)
  if (totalLimitSize < chunkLimitSize)
    warnings.push(`total_limit_size (${totalLimitSize}) is smaller than chunk_limit_size (${chunkLimitSize})`)
  const chunkLimitRecords = get<number | null>('chunk_limit_records')
  if (chunkLimitRecords !== null && chunkLimitRecords <= 0) fail('chunk_limit_records must be greater than 0')
  const chunkFullThreshold = get<number>('chunk_full_threshold')
  if (!(chunkFullThreshold > 0 && chunkFullThreshold <= 1)) fail('chunk_full_threshold must be in (0, 1]')
  const flushThreadCount = get<number>('flush_thread_count')
  if (flushThreadCount < 1) fail('flush_thread_count must be at least 1')
  const flushThreadInterval = get<number>('flush_thread_interval')
  if (!(flushThreadInterval > 0)) fail('flush_thread_interval must be greater than 0')
  const retrySecondaryThreshold = get<number>('retry_secondary_threshold')
  if (!(retrySecondaryThreshold > 0 && retrySecondaryThreshold < 1)) fail('retry_secondary_threshold must be between 0 and 1 (exclusive)')
  const retryWait = get<number>('retry_wait')
  if (!(retryWait > 0)) fail('retry_wait must be greater than 0')
  const retryMaxTimes = get<number | null>('retry_max_times')
  if (retryMaxTimes !== null && retryMaxTimes < 0) fail('retry_max_times must not be negative')

  const delivery = get<DeliveryMode>('delivery')
  const overflowAction = get<OverflowAction>('overflow_action')
  if (delivery === 'durable' && type !== 'file') {
    fail(`delivery durable needs a file buffer (<buffer> @type file): a ${type} buffer cannot be fsynced`)
  }
  if (delivery === 'none' && overflowAction === 'block') {
    fail(
      'delivery none never makes an input wait: overflow_action block contradicts it (use throw_exception or drop_oldest_chunk, which drop at the limit)',
    )
  }

  const writtenShutdown = get<boolean | null>('flush_at_shutdown')
  if (writtenShutdown === false && type !== 'file') {
    warnings.push("'flush_at_shutdown' is false, and buffer plugin 'memory' is not persistent buffer: buffered data is lost at shutdown")
  }
  return {
    warnings,
    config: {
      type,
      path: get<string | null>('path'),
      delivery,
      chunkKeys,
      chunkLimitSize,
      chunkLimitRecords,
      totalLimitSize,
      chunkFullThreshold,
      queuedChunksLimitSize: get<number | null>('queued_chunks_limit_size') ?? flushThreadCount,
      queueBackpressure: get<boolean>('queue_backpressure'),
      compress: get<'text' | 'gzip'>('compress'),
      flushMode,
      flushInterval,
      flushThreadCount,
      flushThreadInterval,
      flushAtShutdown: writtenShutdown ?? typeDefaults.flushAtShutdown,
      delayedCommitTimeout: get<number>('delayed_commit_timeout'),
      timekey,
      timekeyWait: get<number>('timekey_wait'),
      timekeyUseUtc,
      timekeyZone,
      overflowAction,
      retryType: get<BufferConfig['retryType']>('retry_type'),
      retryWait,
      retryExponentialBackoffBase: get<number>('retry_exponential_backoff_base'),
      retryMaxInterval: get<number | null>('retry_max_interval'),
      retryRandomize: get<boolean>('retry_randomize'),
      retryTimeout: get<number>('retry_timeout'),
      retryMaxTimes,
      retryForever: get<boolean>('retry_forever'),
      retrySecondaryThreshold,
      disableChunkBackup: get<boolean>('disable_chunk_backup'),
    },
  }
}

/** Was a `<name>` section written in the element (e.g. to decide whether stdout buffers)? */
export function hasSection(element: ConfigElement, name: string): boolean {
  return element.elements.some((e) => e.name === name)
}
