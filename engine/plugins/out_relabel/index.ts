/**
 * @module out_relabel (`@type relabel`): re-emits every stream unchanged (same tag, same bytes)
 * into the router of its `@label` (`@ROOT` for the top level). The emit result is passed back, so
 * backpressure and failures of the label's outputs reach the input. `@label` is required: without
 * it Fluentd re-emits into the plugin's own router, where the same <match> catches the stream
 * again and loops forever.
 */

import type { OutputPlugin, PluginSpec } from '../../plugin.ts'
import { outRelabelDescriptor } from '../../schemas/out_relabel.ts'

export const outRelabel: PluginSpec<'output', Record<string, unknown>> = {
  ...outRelabelDescriptor,
  create(ctx, config): OutputPlugin {
    const name = config['@label']
    if (typeof name !== 'string' || name === '') {
      throw new Error('relabel needs @label (e.g. @label @NEXT): without it the events would come back to this same <match> forever')
    }
    const target = ctx.label(name)
    const metrics = ctx.metrics
    return {
      // A lent stream may pass when the label's route takes it as it is.
      lends: (tag) => target.lends?.(tag) === true,
      emit(stream) {
        // Read now: a lent stream's bytes are gone once the emit returned.
        const bytes = stream.entries.length
        metrics.emits++
        metrics.eventsIn += stream.count
        metrics.bytesIn += bytes
        const result = target.emit(stream)
        if (result instanceof Promise) {
          return result.then(() => {
            metrics.eventsOut += stream.count
            metrics.bytesOut += bytes
          })
        }
        metrics.eventsOut += stream.count
        metrics.bytesOut += bytes
      },
    }
  },
}
