/**
 * @module The plugins the Node daemon offers: every node and runtime-neutral plugin by its
 * Fluentd `@type`. Plugins land one by one; each is added here when it is committed.
 */

import { PluginRegistry, type PluginSpec } from '../../engine/plugin.ts'

/** The specs registered by `nodeRegistry()`. */
export const NODE_PLUGINS: readonly PluginSpec[] = []

/**
 * A registry with every plugin sluice ships for Node, plus `extra` (e.g. `-p` plugin modules;
 * an extra spec with the same kind and name replaces the shipped one).
 *
 * @example
 * const registry = nodeRegistry()
 * registry.names('output') // ['copy', 'file', 'forward', 'http', 'null', 'relabel', 'stdout']
 */
export function nodeRegistry(extra: readonly PluginSpec[] = []): PluginRegistry {
  return new PluginRegistry().register(...NODE_PLUGINS, ...extra)
}
