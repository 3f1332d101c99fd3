/**
 * @module out_rewrite_tag_filter (`@type rewrite_tag_filter`, fluent-plugin-rewrite-tag-filter
 * v2.4.0): `<rule>`s (key, pattern, tag, label, invert) tried in order on each record; the first
 * that fires re-emits the record under its new tag (and label).
 */

import type { ConfigOf, PluginSchema } from '../config/schema.ts'
import type { PluginDescriptor } from '../plugin.ts'

export const outRewriteTagFilterSchema = {
  params: [
    {
      name: 'capitalize_regex_backreference',
      type: 'bool',
      default: false,
      description: 'Capitalize every $N backreference (first letter up, the rest down).',
    },
    {
      name: 'remove_tag_prefix',
      type: 'string',
      default: null,
      description: 'Remove this prefix (and the dot after it) from ${tag} and the tag parts.',
    },
    { name: 'remove_tag_regexp', type: 'regexp', default: null, description: 'Remove what this matches from ${tag} and the tag parts.' },
    {
      name: 'hostname_command',
      type: 'string',
      default: 'hostname',
      description: "Accepted for compatibility: ${hostname} is this host's name (sluice runs no command).",
    },
    {
      name: 'emit_mode',
      type: 'enum',
      values: ['batch', 'record'],
      default: 'batch',
      description: 'batch: one stream per new tag; record: each record emitted alone.',
    },
  ],
  sections: [
    {
      name: 'rule',
      multi: true,
      required: true,
      description: 'A rewrite rule; the first that fires for a record decides its new tag.',
      schema: {
        params: [
          { name: 'key', type: 'string', required: true, description: 'The field tested (record_accessor: $.a.b works).' },
          { name: 'pattern', type: 'regexp', required: true, description: 'The regular expression tested against the value.' },
          {
            name: 'tag',
            type: 'string',
            required: true,
            description: 'The new tag: $1.. (captures), ${tag} / __TAG__, ${tag_parts[N]} / __TAG_PARTS[N]__, ${hostname} / __HOSTNAME__.',
          },
          { name: 'label', type: 'string', default: null, description: 'Emit into this label instead of the current one.' },
          { name: 'invert', type: 'bool', default: false, description: 'Fire when the pattern does not match.' },
        ],
      },
    },
  ],
} as const satisfies PluginSchema

export type OutRewriteTagFilterConfig = ConfigOf<typeof outRewriteTagFilterSchema>

export const outRewriteTagFilterDescriptor: PluginDescriptor<'output'> = {
  name: 'rewrite_tag_filter',
  kind: 'output',
  description: 'Re-emits each record under a tag (and label) chosen by the first <rule> whose pattern fires.',
  schema: outRewriteTagFilterSchema,
  runtimes: ['node', 'workers', 'browser'],
}
