/**
 * @module out_relabel's schema (`@type relabel`): no params of its own; `@label` (required by the
 * plugin) names where the events go.
 */

import type { PluginDescriptor } from '../plugin.ts'

export const outRelabelDescriptor: PluginDescriptor<'output'> = {
  name: 'relabel',
  kind: 'output',
  description: 'Sends events unchanged to the <label> named by @label.',
  schema: { params: [] },
  runtimes: ['node', 'workers', 'browser'],
}
