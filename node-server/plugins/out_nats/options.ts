/**
 * @module out_nats's settled options: the subject template checked against the chunk keys (a
 * placeholder needs its chunk key; a subject needs no placeholder), the stream to create and its
 * settings in JetStream's units, the message limits, and the combinations that make no sense
 * (create_stream without a stream, gzip with <format>, a stream for core NATS).
 */

import type { ChunkKeys } from '../../../engine/output/placeholders.ts'
import { PlaceholderConfigError, templateKeys, templateTagParts, templateTimeUnit } from '../../../engine/output/placeholders.ts'
import type { OutNatsConfig } from '../../../engine/schemas/out_nats.ts'

/** The stream out_nats creates when `create_stream` is on (JetStream's names; times in seconds). */
export interface StreamSettings {
  name: string
  subjects: string[]
  retention: 'limits' | 'interest' | 'workqueue'
  storage: 'file' | 'memory'
  replicas: number
  maxBytes: number
  maxMsgs: number
  /** Seconds; 0: no limit. */
  maxAge: number
  discard: 'old' | 'new'
  /** Seconds. */
  duplicateWindow: number
}

export interface OutNatsOptions {
  subject: string
  jetstream: boolean
  /** The stream every publish must land in (Nats-Expected-Stream), when written. */
  stream: string | null
  /** The stream to create when absent, when `create_stream` is on. */
  create: StreamSettings | null
  publishTimeoutMs: number
  maxMessageBytes: number
  maxEventsPerMessage: number
  maxPendingAcks: number
  gzip: boolean
  /** Formatted lines instead of Forward msgpack (`<format>` written). */
  formatted: boolean
}

/** The largest message a NATS server can take (its max_payload is at most 64 MiB). */
const MAX_PAYLOAD_LIMIT = 64 * 1024 * 1024
const NO_LIMIT = 0x7fff_ffff

/** Placeholders in `subject` that the chunk keys cannot fill (the reverse is fine: a subject needs none). */
export function subjectProblems(subject: string, keys: ChunkKeys, timekey: number | null): string[] {
  const problems: string[] = []
  const param = `Parameter 'subject: ${subject}'`
  if (templateTagParts(subject).length > 0 && !keys.tag)
    problems.push(`${param} has tag placeholders, but chunk key 'tag' is not configured`)
  const extra = templateKeys(subject).filter((k) => !keys.keys.includes(k))
  if (extra.length > 0) problems.push(`${param} has placeholders, but chunk keys doesn't have keys ${[...new Set(extra)].join(',')}`)
  const unit = templateTimeUnit(subject)
  if (unit !== null && (!keys.time || timekey === null))
    problems.push(`${param} has timestamp placeholders, but chunk key 'time' is not configured`)
  return problems
}

/**
 * The subjects a created stream takes when stream_subjects is not written: the subject's tokens up
 * to the first one with a placeholder, then `>` (`logs.${tag}` → `logs.>`); the subject itself when
 * it has none. Null when the first token already has one (a stream on `>` would take every subject).
 */
export function defaultStreamSubjects(subject: string): string[] | null {
  const tokens = subject.split('.')
  const first = tokens.findIndex((t) => t.includes('${') || t.includes('%'))
  if (first === -1) return [subject]
  if (first === 0) return null
  return [`${tokens.slice(0, first).join('.')}.>`]
}

/** A NATS subject to publish on: tokens of visible characters, no empty token, no wildcard. */
export function subjectError(subject: string): string | null {
  if (subject === '') return 'the subject is empty'
  if (/[\s\0]/.test(subject)) return 'a subject cannot contain white space'
  for (const token of subject.split('.')) {
    if (token === '') return 'a subject cannot have an empty token (.. or a leading or trailing dot)'
    if (token === '*' || token === '>') return 'wildcards (* and >) are for subscriptions, not for publishing'
  }
  return null
}

export function settleOutNats(config: OutNatsConfig, keys: ChunkKeys, timekey: number | null, formatted: boolean): OutNatsOptions {
  const problems = subjectProblems(config.subject, keys, timekey)
  if (problems.length > 0) throw new PlaceholderConfigError(problems.join('; '))
  if (!config.subject.includes('${') && !config.subject.includes('%')) {
    const bad = subjectError(config.subject)
    if (bad !== null) throw new Error(`subject ${JSON.stringify(config.subject)}: ${bad}`)
  }
  if (config.max_message_bytes < 1024) throw new Error('max_message_bytes must be at least 1k')
  if (config.max_message_bytes > MAX_PAYLOAD_LIMIT)
    throw new Error('max_message_bytes cannot be more than 64m (the most a NATS server allows)')
  if (config.max_events_per_message !== null && config.max_events_per_message < 1)
    throw new Error('max_events_per_message must be 1 or more')
  if (config.max_pending_acks < 1) throw new Error('max_pending_acks must be 1 or more')
  if (config.publish_timeout <= 0) throw new Error('publish_timeout must be more than 0')
  if (config.compress === 'gzip' && formatted) {
    throw new Error('compress gzip applies to the Forward msgpack messages: remove it, or remove <format>')
  }
  if (!config.jetstream && (config.create_stream || config.stream !== null)) {
    throw new Error('jetstream false publishes on core NATS, which has no streams: remove stream / create_stream, or set jetstream true')
  }
  let create: StreamSettings | null = null
  if (config.create_stream) {
    if (config.stream === null) throw new Error('create_stream true needs the stream name: add `stream NAME`')
    if (!/^[^\s.*>/\\]+$/.test(config.stream))
      throw new Error(`stream ${JSON.stringify(config.stream)}: a stream name cannot contain white space, . * > / or \\`)
    const subjects =
      config.stream_subjects === null ? defaultStreamSubjects(config.subject) : (config.stream_subjects as unknown[]).map(String)
    if (subjects === null || subjects.length === 0) {
      throw new Error(
        `create_stream: the stream's subjects cannot be derived from subject ${config.subject}: write stream_subjects (e.g. logs.>)`,
      )
    }
    if (config.stream_replicas < 1 || config.stream_replicas > 5) throw new Error('stream_replicas must be 1..5')
    if (config.stream_duplicate_window <= 0)
      throw new Error('stream_duplicate_window must be more than 0 (it is what makes a retried chunk not stored twice)')
    create = {
      name: config.stream,
      subjects,
      retention: config.stream_retention,
      storage: config.stream_storage,
      replicas: config.stream_replicas,
      maxBytes: config.stream_max_bytes ?? -1,
      maxMsgs: config.stream_max_msgs ?? -1,
      maxAge: config.stream_max_age ?? 0,
      discard: config.stream_discard,
      duplicateWindow: config.stream_duplicate_window,
    }
  }
  return {
    subject: config.subject,
    jetstream: config.jetstream,
    stream: config.jetstream ? config.stream : null,
    create,
    publishTimeoutMs: Math.round(config.publish_timeout * 1000),
    maxMessageBytes: config.max_message_bytes,
    maxEventsPerMessage: config.max_events_per_message ?? (formatted ? 1 : NO_LIMIT),
    maxPendingAcks: config.max_pending_acks,
    gzip: config.compress === 'gzip',
    formatted,
  }
}
