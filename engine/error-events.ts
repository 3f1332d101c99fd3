/**
 * @module What a filter does with the records it failed on (Fluentd's `emit_error_event`): they
 * leave the stream and go to the `@ERROR` label when the config has one, else one log line says
 * what was dropped. The rest of the stream continues either way.
 */

import type { EventStream } from './event-stream.ts'
import type { PluginContext } from './plugin.ts'

/** Routes failed events to @ERROR (or logs them); never throws. `sample` is shown in the log line. */
export function emitErrorEvents(ctx: PluginContext, failed: EventStream, error: unknown, sample?: unknown): void {
  ctx.metrics.errors += failed.count
  const message = error instanceof Error ? error.message : String(error)
  const router = ctx.errorRouter
  if (router === null) {
    ctx.metrics.dropped += failed.count
    ctx.log.warn('dump an error event', {
      tag: failed.tag,
      count: failed.count,
      error: message,
      ...(sample === undefined ? {} : { record: sample }),
    })
    return
  }
  const lost = (e: unknown) => {
    ctx.metrics.dropped += failed.count
    ctx.log.error('could not emit error events to @ERROR; they are dropped', {
      tag: failed.tag,
      count: failed.count,
      error: String(e),
      cause: message,
    })
  }
  try {
    const result = router.emit(failed)
    if (result instanceof Promise) result.catch(lost)
  } catch (e) {
    lost(e)
  }
}
