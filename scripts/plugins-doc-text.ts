/**
 * @module The registries docs/plugins.md is rendered from (the daemon's and the edge's), shared
 * by the sync test and scripts/plugins-doc.ts.
 */
import { edgeRegistry } from '../edge/src/registry.ts'
import type { EdgePlatform } from '../edge/src/platform.ts'
import type { PluginRegistry } from '../engine/plugin.ts'
import { renderPluginsDoc } from '../engine/plugin-status-doc.ts'
import { nodeRegistry } from '../node-server/plugins/registry.ts'

/** The edge registry only binds the platform when a plugin is created: listing needs none. */
export function shippedRegistries(): PluginRegistry[] {
  return [nodeRegistry(), edgeRegistry({} as EdgePlatform)]
}

export function pluginsDocText(): string {
  return renderPluginsDoc(shippedRegistries())
}
