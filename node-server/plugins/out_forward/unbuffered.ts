/**
 * @module out_forward without a buffer: every emit becomes one chunk written (and acked, with
 * require_ack_response) before the emit's promise resolves — so in_forward acks its own sender
 * only after the next hop accepted the events. Used while no `<buffer>` machinery is available;
 * a failed write rejects the emit (the input does not ack and the sender resends).
 */

import type { EventStream } from '../../../engine/event-stream.ts'
import { newChunkId, type Chunk } from '../../../engine/output/chunk.ts'
import type { OutputPlugin, PluginContext } from '../../../engine/plugin.ts'
import type { ForwardWriter } from './writer.ts'

export function chunkOfStream(stream: EventStream, now: number): Chunk {
  return { tag: stream.tag, timekey: null, variables: {}, id: newChunkId(now), entries: stream.entries, count: stream.count, createdAt: now }
}

export function createUnbufferedForward(ctx: PluginContext, writer: ForwardWriter): OutputPlugin {
  return {
    start: () => writer.start(),
    shutdown: () => writer.stop(),
    emit(stream: EventStream): Promise<void> {
      ctx.metrics.emits++
      ctx.metrics.eventsIn += stream.count
      ctx.metrics.bytesIn += stream.entries.length
      ctx.metrics.writes++
      return writer.write(chunkOfStream(stream, ctx.now())).catch((err: unknown) => {
        ctx.metrics.errors++
        throw err
      })
    },
    status: () => ({ buffered: false, servers: writer.status() }),
  }
}
