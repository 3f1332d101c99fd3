/**
 * @module Suite params (Fluentd names, typed as in a .conf) → validated IngestOptions, through the
 * same schema validation the agent applies; for runners that build the app without an agent.
 */

import { validateElement, type PluginSchema } from '../../config/schema.ts'
import type { IngestParams } from './support.ts'
import type { IngestOptions } from '../options.ts'
import { ingestOptionsFromConfig, ingestParams, ingestParseSection, type IngestConfig } from '../schema.ts'
import { edgeIngestOptionsFromConfig, edgeIngestParams, type EdgeIngestConfig } from '../edge-schema.ts'

const schema: PluginSchema = { params: ingestParams, sections: [ingestParseSection] }

/** Writes params as .conf values (lists as JSON). */
export function paramsToConf(params: IngestParams): Record<string, string> {
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, Array.isArray(v) ? JSON.stringify(v) : String(v)]))
}

export function optionsFromParams(params: IngestParams): Omit<IngestOptions, 'emit'> {
  const { config, errors, warnings } = validateElement({ name: 'source', arg: '', params: paramsToConf(params), elements: [] }, schema)
  // Suite params are written by tests: an unknown one is a mistake, not a Fluentd leftover.
  if (errors.length + warnings.length > 0) throw new Error([...errors, ...warnings].map((e) => e.message).join('\n'))
  return ingestOptionsFromConfig(config as unknown as IngestConfig)
}

/** Params as written in a .conf (lists as JSON) → validated options; for suite runners. */
export function edgeOptionsFromParams(params: IngestParams): Omit<IngestOptions, 'emit'> {
  const schema: PluginSchema = { params: edgeIngestParams, sections: [ingestParseSection] }
  const { config, errors, warnings } = validateElement({ name: 'source', arg: '', params: paramsToConf(params), elements: [] }, schema)
  if (errors.length + warnings.length > 0) throw new Error([...errors, ...warnings].map((e) => e.message).join('\n'))
  return edgeIngestOptionsFromConfig(config as unknown as EdgeIngestConfig)
}
