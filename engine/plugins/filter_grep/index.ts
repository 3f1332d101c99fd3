/**
 * @module filter_grep (`@type grep`): keeps or drops events by regular expressions on record
 * fields, with Fluentd's semantics (see conditions.ts), reading only the fields it tests from the
 * msgpack bytes (see grep.ts). Runs on every runtime.
 */

import { eachEntry } from '../../event-stream.ts'
import type { ExplainStep, FilterExplanation, FilterPlugin, PluginSpec } from '../../plugin.ts'
import { compileConditions, GrepMatcher, type GrepCheck } from './conditions.ts'
import { filterGrepDescriptor, type GrepConfig } from '../../schemas/filter_grep.ts'
import { emitErrorEvents } from '../../error-events.ts'
import { grepStream } from './grep.ts'
import { coreProgram } from './core-program.ts'

export const filterGrep: PluginSpec<'filter', GrepConfig> = {
  ...filterGrepDescriptor,
  create(ctx, config): FilterPlugin {
    const conditions = compileConditions(config)
    if (config.regexp.length > 1) ctx.log.info("top level multiple <regexp> is interpreted as 'and' condition")
    if (config.exclude.length > 1) ctx.log.info("top level multiple <exclude> is interpreted as 'or' condition")
    const empty = conditions.paths.length === 0
    const matcher = new GrepMatcher(conditions)
    const program = coreProgram(conditions)
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
        const result = grepStream(ctx.core, stream, matcher, program)
        if (result.failed !== null) {
          emitErrorEvents(ctx, { tag: stream.tag, entries: result.failed.entries, count: result.failed.count }, result.failed.error)
        }
        metrics.eventsOut += result.kept
        metrics.bytesOut += result.stream?.entries.length ?? 0
        metrics.dropped += stream.count - result.kept - (result.failed?.count ?? 0)
        return result.stream
      },
      explain(stream) {
        let explained: FilterExplanation = { decision: 'no event', steps: [] }
        let first = true
        eachEntry(ctx.core, stream, (_sec, _nsec, start, _end, bytes) => {
          if (!first) return
          first = false
          if (empty) {
            explained = { decision: 'kept: no <regexp> or <exclude> conditions', steps: [] }
            return
          }
          const { kept, checks } = matcher.explain(bytes, start)
          explained = explainGrep(kept, checks)
        })
        return explained
      },
    }
  },
}

/** The decision in words, and which check decided it (Fluentd's order: regexp-and, regexp-or, exclude-and, exclude-or). */
function explainGrep(kept: boolean, checks: GrepCheck[]): FilterExplanation {
  const steps: ExplainStep[] = checks.map((c) => ({
    subject: `${c.section} ${c.key}`,
    rule: c.pattern,
    value: c.value,
    outcome: c.matched ? 'matched' : 'not matched',
  }))
  const mark = (i: number) => {
    if (i >= 0) steps[i].decisive = true
  }
  const value = (c: GrepCheck) => (c.value === null ? `${c.key} is missing` : `${c.key} = ${JSON.stringify(c.value)}`)
  if (kept) {
    return { decision: 'kept: every condition lets it through', steps }
  }
  const failedAnd = checks.findIndex((c) => c.section === '<regexp>' && !c.matched)
  if (failedAnd >= 0) {
    mark(failedAnd)
    const c = checks[failedAnd]
    return { decision: `dropped: <regexp> ${c.key} did not match ${c.pattern} (${value(c)})`, steps }
  }
  const ors = checks.filter((c) => c.section === '<or><regexp>')
  if (ors.length > 0 && !ors.some((c) => c.matched)) {
    checks.forEach((c, i) => c.section === '<or><regexp>' && mark(i))
    return { decision: 'dropped: none of the <or><regexp> conditions matched', steps }
  }
  const ands = checks.filter((c) => c.section === '<and><exclude>')
  if (ands.length > 0 && ands.every((c) => c.matched)) {
    checks.forEach((c, i) => c.section === '<and><exclude>' && mark(i))
    return { decision: 'dropped: every <and><exclude> condition matched', steps }
  }
  const excluded = checks.findIndex((c) => c.section === '<exclude>' && c.matched)
  mark(excluded)
  const c = checks[excluded]
  return { decision: c ? `dropped: <exclude> ${c.key} matched ${c.pattern} (${value(c)})` : 'dropped', steps }
}
