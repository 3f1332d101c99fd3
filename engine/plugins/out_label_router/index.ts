/**
 * @module label_router (`@type label_router`, kube-logging/fluent-plugin-label-router 0.5.0): each
 * record goes to every `<route>` whose selectors match its Kubernetes metadata (selectors.ts), into
 * the route's `@label` (or this plugin's router) under its `tag` (or the record's). A record no
 * route matches goes to `default_route` / `default_tag` when either is set, else it is dropped.
 * With `sticky_tags` (the default) the routes a tag's records went to are remembered and later
 * streams of that tag follow them without being read. `emit_mode batch` sends one stream per route.
 * `metrics true` counts routed records in `fluentd_router_records_total{flow,id,…}`.
 */

import type { EventStream } from '../../event-stream.ts'
import { walkEntryRanges } from '../../output/entries.ts'
import type { EmitResult, EmitTarget, OutputPlugin, PluginSpec } from '../../plugin.ts'
import { emitEach, singleRecord } from '../../reemit.ts'
import { EntriesWriter } from '../../records/entries-writer.ts'
import { outLabelRouterDescriptor, type OutLabelRouterConfig } from '../../schemas/out_label_router.ts'
import { compileSelector, RecordMetadata, routeMatches, type MatchConfig, type Selector } from './selectors.ts'

/** Tags remembered by sticky_tags; past this many the memory starts over (tags can be unbounded). */
export const STICKY_TAG_LIMIT = 10_000

interface Route {
  target: EmitTarget
  /** '' keeps the record's tag. */
  tag: string
  selectors: Selector[] | null
  /** Counts routed records (metrics true). */
  count(n: number): void
}

export const outLabelRouter: PluginSpec<'output', OutLabelRouterConfig> = {
  ...outLabelRouterDescriptor,
  create(ctx, config): OutputPlugin {
    const counter =
      config.metrics && ctx.prometheus
        ? ctx.prometheus.counter('fluentd_router_records_total', 'Total number of events routed for the flow')
        : null
    const makeRoute = (
      label: string | undefined,
      tag: string,
      selectors: Selector[] | null,
      metricsLabels: Record<string, unknown>,
    ): Route => {
      if ((label === undefined || label === '') && tag === '') {
        throw new Error('a <route> without @label and tag would send records back to this <match> forever: set one of them')
      }
      const labels: Record<string, string> = { flow: label ?? '', id: 'default' }
      for (const [k, v] of Object.entries(metricsLabels)) labels[k] = String(v)
      return {
        target: label === undefined || label === '' ? ctx.router : ctx.label(label),
        tag,
        selectors,
        count: counter === null ? () => {} : (n) => counter.increment(n, labels),
      }
    }
    const routes = config.route.map((r) =>
      makeRoute(
        (r as Record<string, unknown>)['@label'] as string | undefined,
        r.tag,
        (r.match as MatchConfig[]).map(compileSelector),
        r.metrics_labels,
      ),
    )
    const fallback =
      config.default_route !== '' || config.default_tag !== ''
        ? makeRoute(config.default_route, config.default_tag, null, config.default_metrics_labels)
        : null
    const batch = config.emit_mode === 'batch'
    const sticky = new Map<string, Route[]>()
    const meta = new RecordMetadata()
    const m = ctx.metrics

    const send = (route: Route, stream: EventStream): [EmitTarget, EventStream] => {
      route.count(stream.count)
      return [route.target, route.tag === '' ? stream : { ...stream, tag: route.tag }]
    }

    return {
      emit(stream: EventStream): EmitResult {
        m.emits++
        m.eventsIn += stream.count
        m.bytesIn += stream.entries.length
        const known = config.sticky_tags ? sticky.get(stream.tag) : undefined
        if (known !== undefined) {
          m.eventsOut += stream.count * known.length
          return emitEach(known.map((r) => send(r, stream)))
        }
        const perRoute = new Map<Route, EntriesWriter>()
        const singles: [EmitTarget, EventStream][] = []
        const matched = new Set<Route>()
        let dropped = 0
        const ok = walkEntryRanges(ctx.core, stream.entries, (_s, _e, sec, nsec, start, end, mem) => {
          meta.reset(mem, start)
          let orphan = true
          const deliver = (route: Route) => {
            matched.add(route)
            if (batch) {
              let w = perRoute.get(route)
              if (w === undefined) perRoute.set(route, (w = new EntriesWriter()))
              w.appendEncoded(sec, nsec, mem, start, end)
            } else singles.push(send(route, singleRecord(stream.tag, sec, nsec, mem, start, end)))
          }
          for (const route of routes) {
            if (routeMatches(route.selectors!, meta)) {
              orphan = false
              deliver(route)
            }
          }
          if (orphan) {
            if (fallback !== null) deliver(fallback)
            else dropped++
          }
        })
        if (!ok) throw new Error(`the events of ${stream.tag} are not a valid entries stream`)
        if (config.sticky_tags && matched.size > 0) {
          if (sticky.size >= STICKY_TAG_LIMIT) sticky.clear()
          sticky.set(stream.tag, [...matched])
        }
        m.dropped += dropped
        m.eventsOut += stream.count - dropped
        if (!batch) return emitEach(singles)
        return emitEach([...perRoute].map(([route, w]) => send(route, { tag: stream.tag, entries: w.bytes(), count: w.count })))
      },
    }
  },
}
