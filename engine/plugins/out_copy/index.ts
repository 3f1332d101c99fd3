/**
 * @module out_copy (`@type copy`): hands every stream to each `<store>` in order (Fluentd's
 * CopyOutput). A store that fails stops the remaining ones and the error goes back to the caller
 * (so the input does not ack), unless that store is `<store ignore_error>` (logged and counted);
 * `<store ignore_if_prev_success>` is skipped when the previous store accepted the stream.
 * "Accepted" means in that store's buffer, as in Fluentd. A store whose emit returns a promise is
 * awaited before the next store runs, so the order and the success rules hold for async outputs.
 * All copy_modes pass the same stream: streams are immutable bytes, so sharing them is safe. A
 * lent stream (in_forward's input bytes, only when every store borrows) is copied once when a
 * store's emit returns a promise, before the later stores get it after this emit returned.
 */

import { getParam, type ConfigElement } from '../../config/model.ts'
import { ownedStream, type EventStream } from '../../event-stream.ts'
import { outputLends, type EmitResult, type OutputPlugin, type PluginContext, type PluginSpec } from '../../plugin.ts'
import { outCopyDescriptor, type CopyConfig } from '../../schemas/out_copy.ts'

interface Store {
  output: OutputPlugin
  id: string
  ignoreError: boolean
  ignoreIfPrevSuccess: boolean
}

type ContextWithOutputs = PluginContext & { createOutput?(element: ConfigElement): OutputPlugin | null }

export const outCopy: PluginSpec<'output', CopyConfig> = {
  ...outCopyDescriptor,
  create(ctx: ContextWithOutputs, _config, element): OutputPlugin {
    if (ctx.createOutput === undefined) throw new Error('this runtime cannot create nested outputs for <store>')
    const stores: Store[] = []
    element.elements
      .filter((e) => e.name === 'store')
      .forEach((storeElement, i) => {
        const words = storeElement.arg.split(/\s+/).filter((w) => w !== '')
        const unknown = words.filter((w) => w !== 'ignore_error' && w !== 'ignore_if_prev_success')
        if (unknown.length > 0) ctx.log.warn(`unknown <store> argument ${unknown.join(' ')} (known: ignore_error, ignore_if_prev_success)`)
        const ignoreIfPrevSuccess = words.includes('ignore_if_prev_success')
        if (i === 0 && ignoreIfPrevSuccess) throw new Error('ignore_if_prev_success must specify 2nd or later <store> directives')
        if (!getParam(storeElement, '@type')) throw new Error(`Missing '@type' parameter in <store> section (store #${i + 1})`)
        const output = ctx.createOutput!(storeElement)
        // null: the store's own config errors are already reported by the agent, which will not start.
        if (output === null) return
        stores.push({
          output,
          id: getParam(storeElement, '@id') ?? `store #${i + 1}`,
          ignoreError: words.includes('ignore_error'),
          ignoreIfPrevSuccess,
        })
      })
    if (stores.length > 0 && stores.every((s) => s.ignoreError) && !stores.some((s) => s.ignoreIfPrevSuccess)) {
      ctx.log.warn('ignore_errors are specified in all <store>, but ignore_if_prev_success is not specified. Is this intended?')
    }
    const metrics = ctx.metrics

    /** Emits to stores from `from` on; sync while the stores are, async from the first promise. */
    const run = (stream: EventStream, from: number, prevSuccess: boolean): EmitResult => {
      let success = prevSuccess
      for (let i = from; i < stores.length; i++) {
        const store = stores[i]
        if (i > 0 && success && store.ignoreIfPrevSuccess) {
          ctx.log.debug(`ignore copy because prev_success in ${store.id}`, { index: i })
          success = false
          continue
        }
        let result: EmitResult
        try {
          result = store.output.emit(stream)
        } catch (error) {
          success = failed(store, i, error)
          continue
        }
        if (result instanceof Promise) {
          // The later stores get the stream after this emit returned: a lent one is copied now.
          const kept = i + 1 < stores.length ? ownedStream(stream) : stream
          return result.then(
            () => run(kept, i + 1, true),
            (error) => run(kept, i + 1, failed(store, i, error)),
          )
        }
        success = true
      }
    }

    /** An ignored failure counts and logs; any other one aborts the copy. */
    const failed = (store: Store, index: number, error: unknown): false => {
      metrics.errors++
      if (!store.ignoreError) throw error
      ctx.log.error(`ignore emit error in ${store.id}`, { index, error: error instanceof Error ? error.message : String(error) })
      return false
    }

    return {
      // Lent streams only when every store takes them (the later stores' copy is made above).
      lends: (tag) => stores.every((s) => outputLends(s.output, tag)),
      emit(stream) {
        metrics.emits++
        metrics.eventsIn += stream.count
        metrics.bytesIn += stream.entries.length
        const result = run(stream, 0, false)
        if (result instanceof Promise) {
          return result.then(() => {
            metrics.eventsOut += stream.count
          })
        }
        metrics.eventsOut += stream.count
      },
    }
  },
}
