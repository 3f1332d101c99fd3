/**
 * @module The edge's HTTP output (`@type http`): each emit POSTs the stream's records (NDJSON or
 * a JSON array as Fluentd's out_http json formatter writes them, `<inject>` first, gzip optional;
 * engine/output/http/body.ts) to the endpoint while the request waits, retrying 429/5xx within
 * the budget; the request is answered after the endpoint's 2xx. No buffer: put it behind
 * `@type queue` for durability.
 *
 * @example
 * <match app.**>
 *   @type http
 *   endpoint https://logs.example.com/ingest
 *   headers {"Authorization":"Bearer xyz"}
 * </match>
 */

import type { OutputPlugin, PluginSpec } from '../../../../engine/plugin.ts'
import { gzip } from '../../gzip.ts'
import type { EdgePlatform } from '../../platform.ts'
import { splitEntries } from '../../split.ts'
import { encodeBody, JSON_LINES } from '../../../../engine/output/http/body.ts'
import { sendBody } from './client.ts'
import { outHttpEdgeDescriptor, type OutHttpConfig } from '../../../../engine/schemas/out_http_edge.ts'
import { settleHttpOptions } from './options.ts'
import { createInjector, withInject } from '../../../../engine/inject/injector.ts'
import { reportFormatFailures } from '../../../../engine/formatter/format-stream.ts'

export function httpOutput(platform: EdgePlatform): PluginSpec<'output', OutHttpConfig> {
  return {
    ...outHttpEdgeDescriptor,
    create(ctx, config): OutputPlugin {
      const o = settleHttpOptions(config)
      // Fluentd's default json formatter (Oj's bytes, one record per line), after <inject>.
      const formatter = withInject(JSON_LINES, createInjector(config.inject, ctx))
      const m = ctx.metrics
      return {
        async emit(stream) {
          m.emits++
          m.eventsIn += stream.count
          m.bytesIn += stream.entries.length
          try {
            for (const piece of splitEntries(ctx.core, stream.entries, stream.count, o.chunkLimit)) {
              const { bytes, failures } = encodeBody(ctx.core, stream.tag, piece.entries, formatter, o.jsonArray)
              if (failures === null || failures.stream.count < piece.count) {
                await sendBody(platform.fetch, o.gzip ? await gzip(bytes) : bytes, o, ctx.log)
              }
              reportFormatFailures(ctx, failures)
              m.writes++
            }
          } catch (error) {
            m.errors++
            throw error
          }
          m.eventsOut += stream.count
          m.bytesOut += stream.entries.length
        },
      }
    },
  }
}
