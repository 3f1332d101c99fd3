/**
 * @module The registry a runtime that cannot run a plugin uses to CHECK a config for another one
 * (the designer in the browser checking a config for the daemon): every descriptor of that runtime,
 * built by its runnable spec when one is given (the runtime-neutral filters, copy, relabel, parsers,
 * formatters: their `create` checks what they compile), otherwise by an inert stand-in that starts
 * nothing. The schema and the descriptor's `check` run either way (the agent runs them), so the
 * checks are those `sluice check` makes; only what a runtime-specific `create` reads from its host
 * (a TLS key file on the daemon's disk) is left to the daemon.
 */

import {
  PluginRegistry,
  type FilterPlugin,
  type InputPlugin,
  type OutputPlugin,
  type PluginDescriptor,
  type PluginSpec,
  type Runtime,
} from '../plugin.ts'

/**
 * @example
 * const registry = checkRegistry(DESCRIPTORS, runnableSpecs, 'node')
 * checkParsed(parsed, { core, registry, runtime: 'node', ... }) // what `sluice check` says
 */
export function checkRegistry(descriptors: readonly PluginDescriptor[], runnable: readonly PluginSpec[], runtime: Runtime): PluginRegistry {
  const byKey = new Map(runnable.map((s) => [`${s.kind}:${s.name}`, s]))
  const registry = new PluginRegistry()
  for (const d of descriptors) {
    if (!d.runtimes.includes(runtime)) continue
    const spec = byKey.get(`${d.kind}:${d.name}`)
    // The runnable spec's own create, but the descriptor's runtimes: it is checked as the target runtime sees it.
    registry.register(spec ? { ...spec, runtimes: d.runtimes } : inert(d))
  }
  return registry
}

/** A plugin that is only checked here: validated (schema, `check`) by the agent, built as a no-op. */
function inert(d: PluginDescriptor): PluginSpec {
  return {
    ...d,
    create() {
      switch (d.kind) {
        case 'input':
          return {} satisfies InputPlugin
        case 'filter':
          return { filter: (stream) => stream } satisfies FilterPlugin
        case 'output':
          return { emit: () => {} } satisfies OutputPlugin
        case 'parser':
          return { parse: () => 0, lastError: 'not run here' }
        default:
          return { format: () => {} }
      }
    },
  } as PluginSpec
}
