/**
 * @module createSecondary: builds the `<secondary>` output of a buffered plugin through the
 * agent's `createOutput` (so it is validated, started and stopped like any output). As in
 * Fluentd, the secondary writes the primary's chunks: it is given a `<buffer>` with the primary's
 * chunk keys and timekey, so its placeholders (e.g. out_file's path) are checked and expanded
 * against the primary's chunks. `<buffer>` or `<secondary>` written inside `<secondary>` is a
 * config error (the section schema does not accept them).
 */

import { createElement, type ConfigElement } from '../config/model.ts'
import type { OutputPlugin, PluginContext } from '../plugin.ts'
import type { BufferConfig } from './buffer-schema.ts'

type CreateOutput = (element: ConfigElement) => OutputPlugin | null

/** The `<secondary>` element of a directive, if any. */
export function secondaryElement(element: ConfigElement): ConfigElement | undefined {
  return element.elements.find((e) => e.name === 'secondary')
}

/**
 * Creates the secondary output of `element`, or null when it has none. Throws when the agent
 * cannot create it (its own config errors are reported by the agent with file:line).
 *
 * @example
 * const secondary = createSecondary(ctx, element, buffer)
 */
export function createSecondary(ctx: PluginContext, element: ConfigElement, buffer: BufferConfig): OutputPlugin | null {
  const section = secondaryElement(element)
  if (section === undefined) return null
  const createOutput = (ctx as PluginContext & { createOutput?: CreateOutput }).createOutput
  if (createOutput === undefined) throw new Error('<secondary> is not supported here (no createOutput in the plugin context)')
  const params: Record<string, string> = {}
  if (section.params['@type'] === undefined) params['@type'] = element.params['@type'] ?? ''
  const keys = [...(buffer.chunkKeys.tag ? ['tag'] : []), ...(buffer.chunkKeys.time ? ['time'] : []), ...buffer.chunkKeys.keys]
  const bufferParams: Record<string, string> = { '@type': 'memory' }
  if (buffer.timekey !== null) bufferParams.timekey = String(buffer.timekey)
  if (buffer.timekeyUseUtc) bufferParams.timekey_use_utc = 'true'
  if (buffer.timekeyZone !== null) bufferParams.timekey_zone = buffer.timekeyZone
  // Added for the creation only: the model keeps the config as written.
  const injected = createElement('buffer', keys.join(','), bufferParams)
  const addedType = Object.keys(params).length > 0
  if (addedType) section.params['@type'] = params['@type']
  section.elements.push(injected)
  try {
    const output = createOutput(section)
    if (output === null) throw new Error('the <secondary> output could not be created (see the errors above)')
    return output
  } finally {
    section.elements.splice(section.elements.indexOf(injected), 1)
    if (addedType) delete section.params['@type']
  }
}
