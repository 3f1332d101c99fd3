/**
 * @module filter_grep (`@type grep`): keeps or drops events by regular expressions on record
 * fields, with Fluentd's semantics (see conditions.ts), reading only the fields it tests from the
 * msgpack bytes (see grep.ts). Runs on every runtime.
 */

import type { FilterPlugin, PluginSpec } from '../../plugin.ts'
import { compileConditions, GrepMatcher } from './conditions.ts'
import { filterGrepDescriptor, type GrepConfig } from '../../schemas/filter_grep.ts'
import { emitErrorEvents } from '../../error-events.ts'
import { grepStream } from './grep.ts'

export const filterGrep: PluginSpec<'filter', GrepConfig> = {
  ...filterGrepDescriptor,
  create(ctx, config): FilterPlugin {
    const conditions = compileConditions(config)
    if (config.regexp.length > 1) ctx.log.info("top level multiple <regexp> is interpreted as 'and' condition")
    if (config.exclude.length > 1) ctx.log.info("top level multiple <exclude> is interpreted as 'or' condition")
    const empty = conditions.paths.length === 0
    const matcher = new GrepMatcher(conditions)
    const metrics = ctx.metrics
    return {
      filter(stream) {
        metrics.emits++
        metrics.eventsIn += stream.count
        metrics.bytesIn += stream.entries.length
        if (empty) {
          metrics.eventsOut += stream.count
          metrics.bytesOut += stream.entries.length
          return stream
        }
        const result = grepStream(ctx.core, stream, matcher)
        if (result.failed !== null) {
          emitErrorEvents(ctx, { tag: stream.tag, entries: result.failed.entries, count: result.failed.count }, result.failed.error)
        }
        metrics.eventsOut += result.kept
        metrics.bytesOut += result.stream?.entries.length ?? 0
        metrics.dropped += stream.count - result.kept - (result.failed?.count ?? 0)
        return result.stream
      },
    }
  },
}
