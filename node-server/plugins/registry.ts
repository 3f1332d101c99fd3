/**
 * @module The plugins the Node daemon offers: every node and runtime-neutral plugin, by its
 * Fluentd `@type`, plus `monitor_agent` (the HTTP API as a source, node-server/ops/api).
 */

import { PluginRegistry, type PluginSpec } from '../../engine/plugin.ts'
import { filterGrep } from '../../engine/plugins/filter_grep/index.ts'
import { filterRecordTransformer } from '../../engine/plugins/filter_record_transformer/index.ts'
import { outCopy } from '../../engine/plugins/out_copy/index.ts'
import { outNull } from '../../engine/plugins/out_null/index.ts'
import { outRelabel } from '../../engine/plugins/out_relabel/index.ts'
import { monitorAgent } from '../ops/api/monitor-agent.ts'
import { inForward } from './in_forward/index.ts'
import { inHttp } from './in_http/index.ts'
import { inNats } from './in_nats/index.ts'
import { outFile } from './out_file/index.ts'
import { outForward } from './out_forward/index.ts'
import { outHttp } from './out_http/index.ts'
import { outNats } from './out_nats/index.ts'
import { outStdout } from './out_stdout/index.ts'

/** The specs registered by `nodeRegistry()`. */
export const NODE_PLUGINS: readonly PluginSpec[] = [
  // inputs
  inForward,
  inHttp,
  inNats,
  monitorAgent,
  // filters
  filterGrep,
  filterRecordTransformer,
  // outputs
  outForward,
  outHttp,
  outNats,
  outFile,
  outStdout,
  outNull,
  outCopy,
  outRelabel,
]

/**
 * A registry with every plugin sluice ships for Node, plus `extra` (e.g. `-p` plugin modules;
 * an extra spec with the same kind and name replaces the shipped one).
 *
 * @example
 * const registry = nodeRegistry()
 * registry.names('output') // ['copy', 'file', 'forward', 'http', 'nats', 'null', 'relabel', 'stdout']
 */
export function nodeRegistry(extra: readonly PluginSpec[] = []): PluginRegistry {
  return new PluginRegistry().register(...NODE_PLUGINS, ...extra)
}
