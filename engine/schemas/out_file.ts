/**
 * @module The schema of out_file (`@type file`), Fluentd's parameters and defaults: `path`,
 * `add_path_suffix` / `path_suffix` (.log), `append` (false: a new `_N` file per chunk),
 * `compress` (text, gz, gzip), `<format>` (default out_file), `<inject>`, and a `<buffer>` that defaults to a
 * file buffer with the `time` chunk key and a 1-day timekey.
 */

import type { PluginDescriptor, PluginSectionConfig } from '../plugin.ts'
import type { PluginSchema } from '../config/schema.ts'
import { bufferSection, secondarySection } from '../output/buffer-schema.ts'
import { formatSection } from './sections/format.ts'
import { injectSection, type InjectConfig } from './sections/inject.ts'

export const DEFAULT_TIMEKEY = 86400

export const bufferDefaults = { '@type': 'file', chunk_keys: ['time'], timekey: DEFAULT_TIMEKEY }

export const outFileSchema: PluginSchema = {
  params: [
    {
      name: 'path',
      type: 'string',
      required: true,
      description: 'The file path (placeholders ${tag}, ${key}, strftime; * for the time slice).',
    },
    { name: 'add_path_suffix', type: 'bool', default: true, description: 'Add path_suffix to a path without *.' },
    { name: 'path_suffix', type: 'string', default: '.log', description: 'The suffix added to the path.' },
    {
      name: 'append',
      type: 'bool',
      default: false,
      description: 'Append each chunk to one file per path (false: a new path_N file per chunk).',
    },
    {
      name: 'compress',
      type: 'enum',
      values: ['text', 'gz', 'gzip'],
      default: 'text',
      description: 'gzip the written files (.gz suffix).',
    },
    { name: 'recompress', type: 'bool', default: false, description: 'Accepted for compatibility (sluice buffers are never compressed).' },
    { name: 'symlink_path', type: 'string', default: null, description: 'Not supported by sluice.' },
  ],
  sections: [bufferSection(bufferDefaults), formatSection('out_file'), injectSection(), secondarySection],
  compat: { convert: ['formatter', 'buffer', 'inject'], defaultChunkKey: 'time' },
}

export interface OutFileConfig {
  path: string
  add_path_suffix: boolean
  path_suffix: string
  append: boolean
  compress: 'text' | 'gz' | 'gzip'
  recompress: boolean
  symlink_path: string | null
  buffer: Record<string, unknown>
  format: PluginSectionConfig
  inject?: InjectConfig
}

export const outFileDescriptor: PluginDescriptor<'output'> = {
  name: 'file',
  kind: 'output',
  description: 'Writes events to files (time-sliced, optionally gzipped).',
  schema: outFileSchema,
  runtimes: ['node'],
}
