/**
 * @module The preview's plugin registry: the real runtime-neutral filters and the outputs that
 * route (copy, relabel, rewrite_tag_filter, label_router), each wrapped so it reports to the tracer; every other output is a sink
 * that records what reaches it; filters the preview cannot run pass events through unchanged.
 * Sources are not run: samples are emitted straight into their router.
 */

import type { EventStream } from '../event-stream.ts'
import { PluginRegistry, type FilterPlugin, type OutputPlugin, type PluginSpec } from '../plugin.ts'
import type { Tracer } from './trace.ts'
import type { CatalogEntry } from './types.ts'

/** `@type` of the sink that stands in for outputs. */
export const SINK_TYPE = '__preview_sink'
/** `@type` of the filter that stands in for filters the preview cannot run. */
export const PASSTHROUGH_TYPE = '__preview_passthrough'

/** Outputs whose job is to route events onwards: run for real in the preview. */
export const ROUTING_OUTPUTS: readonly string[] = ['copy', 'relabel', 'rewrite_tag_filter', 'label_router']

/** The element index a plugin stands for: the draft gives every plugin the `@id` `#<index>`. */
export function elementIndex(id: string): number {
  return id.startsWith('#') ? Number(id.slice(1)) : -1
}

/**
 * @example
 * const registry = previewRegistry(catalog, tracer)
 * registry.get('output', 'forward') // undefined: the draft turns it into a sink first
 */
export function previewRegistry(catalog: readonly CatalogEntry[], tracer: Tracer): PluginRegistry {
  const registry = new PluginRegistry()
  registry.register(sinkSpec(tracer), passthroughSpec(tracer))
  for (const entry of catalog) {
    const spec = entry.spec
    if (spec === undefined || !spec.runtimes.includes('browser')) continue
    if (spec.kind === 'filter') registry.register(tracedFilter(spec as PluginSpec<'filter'>, tracer))
    else if (spec.kind === 'output' && ROUTING_OUTPUTS.includes(spec.name))
      registry.register(tracedOutput(spec as PluginSpec<'output'>, tracer))
    else if (spec.kind === 'parser' || spec.kind === 'formatter') registry.register(spec)
  }
  return registry
}

/** True when the preview runs this plugin for real. */
export function runsForReal(catalog: readonly CatalogEntry[], kind: 'filter' | 'output', name: string): boolean {
  const entry = catalog.find((e) => e.kind === kind && e.name === name)
  if (entry?.spec === undefined || !entry.spec.runtimes.includes('browser')) return false
  return kind === 'filter' || ROUTING_OUTPUTS.includes(name)
}

function tracedFilter(spec: PluginSpec<'filter'>, tracer: Tracer): PluginSpec<'filter'> {
  return {
    ...spec,
    create(ctx, config, element) {
      const inner = spec.create(ctx, config, element)
      const index = elementIndex(ctx.id)
      const plugin: FilterPlugin = {
        filter(stream: EventStream) {
          const out = inner.filter(stream)
          tracer.filtered(index, stream, out)
          return out
        },
      }
      if (inner.start) plugin.start = () => inner.start!()
      if (inner.stop) plugin.stop = () => inner.stop!()
      if (inner.shutdown) plugin.shutdown = () => inner.shutdown!()
      return plugin
    },
  }
}

function tracedOutput(spec: PluginSpec<'output'>, tracer: Tracer): PluginSpec<'output'> {
  return {
    ...spec,
    create(ctx, config, element) {
      const inner = spec.create(ctx, config, element)
      const index = elementIndex(ctx.id)
      const plugin: OutputPlugin = {
        emit(stream: EventStream) {
          tracer.output(index, stream, true)
          return inner.emit(stream)
        },
      }
      if (inner.start) plugin.start = () => inner.start!()
      if (inner.stop) plugin.stop = () => inner.stop!()
      if (inner.shutdown) plugin.shutdown = () => inner.shutdown!()
      return plugin
    },
  }
}

function sinkSpec(tracer: Tracer): PluginSpec<'output'> {
  return {
    name: SINK_TYPE,
    kind: 'output',
    description: 'Preview sink: records the events that reach an output.',
    schema: { params: [] },
    runtimes: ['node', 'workers', 'browser'],
    create(ctx) {
      const index = elementIndex(ctx.id)
      return { emit: (stream: EventStream) => tracer.output(index, stream, false) }
    },
  }
}

function passthroughSpec(tracer: Tracer): PluginSpec<'filter'> {
  return {
    name: PASSTHROUGH_TYPE,
    kind: 'filter',
    description: 'Preview stand-in for a filter that cannot run here: passes events unchanged.',
    schema: { params: [] },
    runtimes: ['node', 'workers', 'browser'],
    create(ctx) {
      const index = elementIndex(ctx.id)
      return {
        filter(stream: EventStream) {
          tracer.filtered(index, stream, stream)
          return stream
        },
      }
    },
  }
}
