/**
 * @module out_rewrite_tag_filter (`@type rewrite_tag_filter`, fluent-plugin-rewrite-tag-filter
 * v2.4.0): each record is tested against the `<rule>`s in order (rules.ts) and re-emitted under the
 * tag of the first that fires, into the rule's `label` or the plugin's own router. A record no rule
 * fires for is dropped, and so is one whose tag would not change and that has no label (it would
 * come back to this same `<match>` forever). `emit_mode batch` emits one stream per (label, tag) in
 * first-seen order; `record` emits each record alone. Runs wherever the engine runs.
 */

import type { EventStream } from '../../event-stream.ts'
import { walkEntryRanges } from '../../output/entries.ts'
import type { EmitResult, EmitTarget, OutputPlugin, PluginSpec } from '../../plugin.ts'
import { emitEach, Regrouper, singleRecord } from '../../reemit.ts'
import { outRewriteTagFilterDescriptor, type OutRewriteTagFilterConfig } from '../../schemas/out_rewrite_tag_filter.ts'
import { compileRules, placeholders, RuleSet, tagPrefixRegexp } from './rules.ts'

export const outRewriteTagFilter: PluginSpec<'output', OutRewriteTagFilterConfig> = {
  ...outRewriteTagFilterDescriptor,
  create(ctx, config, element): OutputPlugin {
    if (Object.keys(element.params).some((k) => k.startsWith('rewriterule'))) {
      throw new Error('"rewriterule<num>" support has been dropped. Use <rule> section instead.')
    }
    const rules = compileRules(config)
    for (const r of config.rule) {
      ctx.log.info(
        `adding rewrite_tag_filter rule: ${r.key} ${r.invert ? '!' : ''}/${r.pattern.source}/ ${r.tag}${r.label ? ` ${r.label}` : ''}`,
      )
    }
    const removeTag = tagPrefixRegexp(config)
    const ruleSet = new RuleSet(rules, config.capitalize_regex_backreference, ctx.log)
    const targets = new Map<string, EmitTarget>()
    const target = (label: string | null): EmitTarget => {
      if (label === null || label === '') return ctx.router
      let t = targets.get(label)
      if (t === undefined) {
        t = ctx.label(label)
        targets.set(label, t)
      }
      return t
    }
    for (const r of rules) target(r.label) // an unknown label is a config error now, not at the first event
    const batch = config.emit_mode === 'batch'
    const m = ctx.metrics
    let lastTag: string | null = null
    let places = placeholders('', removeTag, ctx.hostname)
    return {
      emit(stream: EventStream): EmitResult {
        m.emits++
        m.eventsIn += stream.count
        m.bytesIn += stream.entries.length
        if (stream.tag !== lastTag) {
          lastTag = stream.tag
          places = placeholders(stream.tag, removeTag, ctx.hostname)
        }
        const groups = new Regrouper()
        const singles: [EmitTarget, EventStream][] = []
        let dropped = 0
        const ok = walkEntryRanges(ctx.core, stream.entries, (_s, _e, sec, nsec, start, end, mem) => {
          const rewritten = ruleSet.rewrite(stream.tag, mem, start, places)
          if (rewritten === null || (rewritten.tag === stream.tag && rewritten.label === null)) {
            dropped++
            ctx.log.trace('rewrite_tag_filter: tag has not been rewritten')
            return
          }
          if (batch) groups.add(target(rewritten.label), rewritten.tag, sec, nsec, mem, start, end)
          else singles.push([target(rewritten.label), singleRecord(rewritten.tag, sec, nsec, mem, start, end)])
        })
        if (!ok) throw new Error(`the events of ${stream.tag} are not a valid entries stream`)
        m.dropped += dropped
        m.eventsOut += stream.count - dropped
        return batch ? groups.emitAll() : emitEach(singles)
      },
    }
  },
}
