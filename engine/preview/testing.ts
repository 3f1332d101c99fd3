/**
 * @module Test helpers for the preview: a catalog with the runtime-neutral plugins (filter_grep,
 * filter_record_transformer, copy, relabel) plus schema-only stand-ins for a few node outputs
 * and inputs, and a one-call preview of config text over sample text.
 */

import { checkRegistry } from '../check/registry.ts'
import { parseConfig } from '../config/parse.ts'
import type { PluginRegistry } from '../plugin.ts'
import { DESCRIPTORS } from '../schemas/index.ts'
import type { Core } from '../../wasm/core.ts'
import { filterGrep } from '../plugins/filter_grep/index.ts'
import { filterRecordTransformer } from '../plugins/filter_record_transformer/index.ts'
import { outCopy } from '../plugins/out_copy/index.ts'
import { outRelabel } from '../plugins/out_relabel/index.ts'
import { catalogFromSpecs, mergeCatalogs, schemaEntry } from './catalog.ts'
import { previewConfig, type PreviewOptions } from './preview.ts'
import { parseSamples, type SampleOptions } from './samples.ts'
import type { CatalogEntry } from './types.ts'

export const ENGINE_PLUGINS = [filterGrep, filterRecordTransformer, outCopy, outRelabel]

/** The engine's runnable plugins plus `stdout`, `null`, `file` outputs and a `forward` input by schema. */
export function testCatalog(): CatalogEntry[] {
  return mergeCatalogs(catalogFromSpecs(ENGINE_PLUGINS), [
    schemaEntry('output', 'stdout', { params: [] }, 'test'),
    schemaEntry('output', 'null', { params: [] }, 'test'),
    schemaEntry('output', 'file', { params: [{ name: 'path', type: 'string', required: true, description: 'path' }] }, 'test'),
    schemaEntry(
      'input',
      'forward',
      {
        params: [
          { name: 'port', type: 'integer', default: 24224, description: 'port' },
          { name: 'tag', type: 'string', default: null, description: 'tag' },
          { name: 'add_tag_prefix', type: 'string', default: null, description: 'prefix' },
        ],
      },
      'test',
    ),
  ])
}

/** What the designer checks with: every daemon descriptor, the engine's plugins runnable. */
export function testCheckRegistry(): PluginRegistry {
  return checkRegistry(DESCRIPTORS, ENGINE_PLUGINS, 'node')
}

/** Parses config and sample text and runs the preview, checked as `sluice check` would (the caller disposes). */
export async function previewText(core: Core, conf: string, samples: string, options: Partial<PreviewOptions> & SampleOptions = {}) {
  const parsed = parseConfig(conf, 'fluent.conf')
  if (parsed.errors.length > 0) throw new Error(parsed.errors.map((e) => e.message).join('\n'))
  const { samples: list, problems } = parseSamples(samples, {
    tag: options.tag,
    format: options.format,
    now: options.now ?? 1_700_000_000_000,
  })
  if (problems.length > 0) throw new Error(problems.map((p) => `${p.line}: ${p.message}`).join('\n'))
  const preview = await previewConfig(core, parsed.config, list, {
    catalog: testCatalog(),
    check: testCheckRegistry(),
    now: 1_700_000_000_000,
    ...options,
  })
  return { ...preview, samples: list, parsed }
}
