/**
 * @module filter_grep's config schema: `<regexp>` / `<exclude>` (key + pattern, repeatable), the
 * `<and>` / `<or>` groups of those, and the deprecated `regexpN` / `excludeN` params (N = 1..20).
 */

import type { PluginDescriptor } from '../plugin.ts'
import type { ParamSpec, PluginSchema, SectionSpec } from '../config/schema.ts'
import type { RegexpValue } from '../config/types.ts'

export const REGEXP_MAX_NUM = 20

const conditionSchema = {
  params: [
    {
      name: 'key',
      type: 'string',
      required: true,
      description: 'The field the regular expression is applied to (record_accessor syntax such as $.a.b works).',
    },
    { name: 'pattern', type: 'regexp', required: true, description: 'The regular expression (/re/flags or a bare pattern).' },
  ],
} as const satisfies PluginSchema

const regexpSection = {
  name: 'regexp',
  multi: true,
  description: 'Keep events whose field matches (all must match, unless inside <or>).',
  schema: conditionSchema,
} as const satisfies SectionSpec

const excludeSection = {
  name: 'exclude',
  multi: true,
  description: 'Drop events whose field matches (any, unless inside <and>).',
  schema: conditionSchema,
} as const satisfies SectionSpec

const legacy: ParamSpec[] = []
for (let i = 1; i <= REGEXP_MAX_NUM; i++) {
  legacy.push({
    name: `regexp${i}`,
    type: 'string',
    description: `Legacy form "KEY PATTERN" of a <regexp> condition.`,
    deprecated: 'use a <regexp> section',
  })
  legacy.push({
    name: `exclude${i}`,
    type: 'string',
    description: `Legacy form "KEY PATTERN" of an <exclude> condition.`,
    deprecated: 'use an <exclude> section',
  })
}

export const grepSchema = {
  params: legacy,
  sections: [
    regexpSection,
    excludeSection,
    {
      name: 'and',
      multi: true,
      description: 'Conditions that must all hold (regexps all match; excludes all match to drop).',
      schema: { params: [], sections: [regexpSection, excludeSection] },
    },
    {
      name: 'or',
      multi: true,
      description: 'Conditions of which one is enough (a regexp matches; an exclude matches to drop).',
      schema: { params: [], sections: [regexpSection, excludeSection] },
    },
  ],
} as const satisfies PluginSchema

export interface ConditionConfig {
  key: string
  pattern: RegexpValue
}

export interface GroupConfig {
  regexp: ConditionConfig[]
  exclude: ConditionConfig[]
}

/** The typed config; the legacy `regexpN` / `excludeN` strings are read by name. */
export interface GrepConfig {
  regexp: ConditionConfig[]
  exclude: ConditionConfig[]
  and: GroupConfig[]
  or: GroupConfig[]
  [legacy: string]: unknown
}

export const filterGrepDescriptor: PluginDescriptor<'filter'> = {
  name: 'grep',
  kind: 'filter',
  description: 'Keeps events whose fields match <regexp> conditions and drops those matching <exclude> ones.',
  schema: grepSchema,
  runtimes: ['node', 'workers', 'browser'],
}
