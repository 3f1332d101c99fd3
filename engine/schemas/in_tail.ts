/**
 * @module in_tail's config schema (`<source @type tail>`): Fluentd 1.18's parameters with their
 * names, types and defaults, the required `<parse>` section (any parser kind) and the `<group>`
 * rate limit. What turns these into settled options lives in node-server/plugins/in_tail/options.ts.
 */

import type { ConfigOf, PluginSchema } from '../config/schema.ts'
import type { RegexpValue } from '../config/types.ts'
import type { PluginSectionConfig, PluginDescriptor } from '../plugin.ts'

/** Fluentd's default `<group> pattern`: the Kubernetes container log path. */
const K8S_CONTAINER_PATH =
  '^\\/var\\/log\\/containers\\/(?<podname>[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\/[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)_(?<namespace>[^_]+)_(?<container>.+)-(?<docker_id>[a-z0-9]{64})\\.log$'

/** Fluentd's MultilineParser::FORMAT_MAX_NUM. */
export const FORMAT_MAX_NUM = 20

/** `format1` … `format20` written in `<source>` (v0.12 style): in_tail copies them into `<parse>`. */
const FLAT_FORMATS = Array.from({ length: FORMAT_MAX_NUM }, (_, i) => ({
  name: `format${i + 1}`,
  type: 'string' as const,
  default: null,
  description: `v0.12 style: copied into <parse> as format${i + 1} (multiline).`,
}))

const defaultGroupPattern: RegexpValue = { source: K8S_CONTAINER_PATH, flags: '', regexp: new RegExp(K8S_CONTAINER_PATH, 'm') }

/** The params and sections with exact types (the config type is derived from it). */
const typedSchema = {
  params: [
    {
      name: 'path',
      type: 'string',
      required: true,
      description:
        'The files to read: a list split on path_delimiter, each strftime-formatted and globbed (*, **, ?, [], {}) at every refresh.',
    },
    { name: 'path_delimiter', type: 'string', default: ',', description: 'Separates the paths in path (not /, * or %).' },
    {
      name: 'glob_policy',
      type: 'enum',
      values: ['backward_compatible', 'extended', 'always'],
      default: 'backward_compatible',
      description: 'Which paths are globbed: those with * (backward_compatible), also ? and [] (extended), also {a,b} (always).',
    },
    {
      name: 'tag',
      type: 'string',
      required: true,
      description: 'The tag; a * is replaced by the file path with / turned into . (foo.* + /var/log/a.log → foo.var.log.a.log).',
    },
    {
      name: 'exclude_path',
      type: 'array',
      default: [],
      description: 'Paths (strftime and globs as for path) never read, e.g. ["/var/log/*.gz"].',
    },
    {
      name: 'rotate_wait',
      type: 'time',
      default: 5,
      description: 'How long a rotated (renamed or deleted) file stays open and read before it is closed.',
    },
    {
      name: 'pos_file',
      type: 'string',
      default: null,
      description: "Where positions are kept (Fluentd's format: a Fluentd pos_file resumes as is). Without it, restarts start at the end.",
    },
    {
      name: 'pos_file_compaction_interval',
      type: 'time',
      default: null,
      description: 'Rewrite the pos_file without unwatched and duplicate entries this often.',
    },
    {
      name: 'read_from_head',
      type: 'bool',
      default: false,
      description: 'Read files found at startup with no position from the head (files found later are always read from the head).',
    },
    { name: 'refresh_interval', type: 'time', default: 60, description: 'How often path is expanded again to find new files.' },
    { name: 'read_lines_limit', type: 'integer', default: 1000, description: 'Lines per emitted batch.' },
    {
      name: 'read_bytes_limit_per_second',
      type: 'size',
      default: -1,
      description: 'Most bytes read per file per second (at least 8192; -1: no limit). Needs enable_watch_timer.',
    },
    {
      name: 'multiline_flush_interval',
      type: 'time',
      default: null,
      description: 'Emit a record held by a line-joining parser (multiline, cri partials) when no line came for this long.',
    },
    {
      name: 'emit_unmatched_lines',
      type: 'bool',
      default: false,
      description: 'Emit lines the parser cannot parse as {"unmatched_line": line} (time: now).',
    },
    {
      name: 'enable_watch_timer',
      type: 'bool',
      default: true,
      description: 'Check every file once a second (the safety net of fs events).',
    },
    {
      name: 'enable_stat_watcher',
      type: 'bool',
      default: true,
      description: 'Watch files with fs events (inotify) to read as soon as they grow.',
    },
    {
      name: 'encoding',
      type: 'string',
      default: null,
      description: "The files' encoding (Fluentd ≥ 1.19 meaning); with from_encoding, the encoding lines are converted to.",
    },
    {
      name: 'from_encoding',
      type: 'string',
      default: null,
      description: "The files' encoding when lines are converted to encoding (needs encoding).",
    },
    {
      name: 'path_key',
      type: 'string',
      default: null,
      description: "Add the file's path to each record under this key (unless the record already has a value there).",
    },
    {
      name: 'open_on_every_update',
      type: 'bool',
      default: false,
      description: 'Open and close the file on every read instead of keeping it open until it is rotated.',
    },
    {
      name: 'limit_recently_modified',
      type: 'time',
      default: null,
      description: 'Only read globbed files modified within this long.',
    },
    {
      name: 'skip_refresh_on_startup',
      type: 'bool',
      default: false,
      description: 'Expand path first after refresh_interval, not at startup (files then found still count as startup files).',
    },
    {
      name: 'ignore_repeated_permission_error',
      type: 'bool',
      default: false,
      description: 'Warn only once about each unreadable file.',
    },
    {
      name: 'path_timezone',
      type: 'string',
      default: null,
      description: 'The zone strftime in path uses (+09:00, UTC, Asia/Tokyo; default: local time).',
    },
    {
      name: 'follow_inodes',
      type: 'bool',
      default: false,
      description: 'Key files by inode instead of path, so a glob matching rotated names does not read them again. Needs pos_file.',
    },
    {
      name: 'max_line_size',
      type: 'size',
      default: null,
      description: 'Lines longer than this (newline included) are dropped with a warning (unset: 16 MiB, see the README).',
    },
  ],
  sections: [
    {
      name: 'parse',
      description: 'The parser of each line (required): json, regexp, none, multiline, cri, …',
      required: true,
      plugin: { kind: 'parser', defaultType: null },
      schema: { params: [] },
    },
    {
      name: 'group',
      description: 'Rate-limit lines per group of files (groups from named captures of pattern).',
      schema: {
        params: [
          {
            name: 'pattern',
            type: 'regexp',
            default: defaultGroupPattern,
            description: "Named captures of the file path give the group's metadata (default: Kubernetes container log paths).",
          },
          { name: 'rate_period', type: 'time', default: 5, description: 'The period the limits apply to.' },
        ],
        sections: [
          {
            name: 'rule',
            description: 'One group: files whose captures match, and their line limit.',
            multi: true,
            required: true,
            schema: {
              params: [
                {
                  name: 'match',
                  type: 'hash',
                  default: { namespace: '/.*/', podname: '/.*/' },
                  description: 'Capture name → regexp, e.g. {"namespace": "/^kube-system$/"} (missing captures match anything).',
                },
                {
                  name: 'limit',
                  type: 'integer',
                  default: -1,
                  description: 'Lines per rate_period for the whole group, shared by its files (-1: no limit).',
                },
              ],
            },
          },
        ],
      },
    },
  ],
  // v0.12: flat format, time_format, keep_time_key … become <parse> (compat_parameters_convert(conf, :parser)).
  compat: { convert: ['parser'] },
} as const satisfies PluginSchema

export const inTailSchema: PluginSchema = { ...typedSchema, params: [...typedSchema.params, ...FLAT_FORMATS] }

export type InTailConfig = Omit<ConfigOf<typeof typedSchema>, 'parse'> & {
  parse: PluginSectionConfig
} & Partial<Record<`format${number}`, string | null>>

export const inTailDescriptor: PluginDescriptor<'input'> = {
  name: 'tail',
  kind: 'input',
  description: 'Reads lines appended to files (rotation, globs, pos_file in Fluentd format) and parses them (Fluentd in_tail).',
  schema: inTailSchema,
  runtimes: ['node'],
}
