/**
 * @module The stream out_nats publishes into, made sure of before the first publish on each
 * connection: with `create_stream` it is created when absent (several agents starting at once may
 * race: "already in use" means another one won, which is fine); an existing stream is kept as it
 * is (its settings are not changed) and its duplicate window is logged, since that window is what
 * makes a chunk written again not stored twice.
 */

import type { NatsConnection } from '@nats-io/transport-node'
import type { StreamConfig } from '@nats-io/jetstream'
import type { Logger } from '../../../engine/log.ts'
import type { StreamSettings } from './options.ts'
import { loadNats, nats } from '../../nats/client.ts'

const NANOS = 1_000_000_000
/** "stream name already in use" (a stream with that name and other settings exists). */
const STREAM_NAME_IN_USE = 10058

export function streamConfig(s: StreamSettings): Partial<StreamConfig> & { name: string } {
  return {
    name: s.name,
    subjects: s.subjects,
    retention: s.retention,
    storage: s.storage,
    num_replicas: s.replicas,
    max_bytes: s.maxBytes,
    max_msgs: s.maxMsgs,
    max_age: Math.round(s.maxAge * NANOS),
    discard: s.discard,
    duplicate_window: Math.round(s.duplicateWindow * NANOS),
  }
}

export class StreamKeeper {
  /** The connection the stream was made sure of on (a new connection checks again). */
  private checkedOn: NatsConnection | null = null
  private pending: Promise<void> | null = null

  constructor(
    private readonly settings: StreamSettings | null,
    private readonly timeoutMs: number,
    private readonly log: Logger,
  ) {}

  /** Resolves once the stream exists (at once without create_stream); rejects when it cannot be created. */
  ensure(nc: NatsConnection): Promise<void> {
    if (this.settings === null || this.checkedOn === nc) return Promise.resolve()
    this.pending ??= this.check(nc, this.settings).finally(() => {
      this.pending = null
    })
    return this.pending
  }

  /** Checks again before the next publish (a publish found no stream: it may have been deleted). */
  forget(): void {
    this.checkedOn = null
  }

  private async check(nc: NatsConnection, s: StreamSettings): Promise<void> {
    const jsm = await (await loadNats()).jetstream.jetstreamManager(nc, { timeout: this.timeoutMs, checkAPI: false })
    try {
      const info = await jsm.streams.info(s.name)
      this.log.info('Publishing into an existing JetStream stream (its settings are left as they are).', {
        stream: s.name,
        subjects: info.config.subjects,
        replicas: info.config.num_replicas,
        duplicate_window_s: info.config.duplicate_window / NANOS,
      })
    } catch (error) {
      if (!(error instanceof nats().jetstream.JetStreamApiError) || error.code !== nats().jetstream.JetStreamApiCodes.StreamNotFound)
        throw describe(error, s)
      try {
        await jsm.streams.add(streamConfig(s))
        this.log.info('Created the JetStream stream.', {
          stream: s.name,
          subjects: s.subjects,
          retention: s.retention,
          storage: s.storage,
          replicas: s.replicas,
          duplicate_window_s: s.duplicateWindow,
        })
      } catch (addError) {
        if (!(addError instanceof nats().jetstream.JetStreamApiError) || addError.code !== STREAM_NAME_IN_USE) throw describe(addError, s)
      }
    }
    this.checkedOn = nc
  }
}

function describe(error: unknown, s: StreamSettings): Error {
  const message = error instanceof Error ? error.message : String(error)
  return new Error(`cannot make sure of JetStream stream ${s.name}: ${message}`)
}
