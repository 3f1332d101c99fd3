/**
 * @module The `<labels>` of fluent-plugin-prometheus's monitors: fixed values with `${hostname}`
 * and `${worker_id}` expanded once at start; a record accessor there is a config error (there is
 * no record), as in the plugin.
 */

import type { Logger } from '../log.ts'
import { LabelTemplate, tagPlaceholders } from './placeholders.ts'

export function monitorLabels(
  section: Record<string, unknown> | undefined,
  plugin: string,
  hostname: string,
  workerId: number,
  log: Logger,
): Record<string, string> {
  const fixed = tagPlaceholders(null, hostname, workerId)
  const labels: Record<string, string> = {}
  for (const [k, v] of Object.entries(section ?? {})) {
    if (k.startsWith('@')) continue
    const value = String(v)
    if (value.startsWith('$.') || value.startsWith('$[')) throw new Error(`record accessor syntax is not available in ${plugin}`)
    labels[k] = new LabelTemplate(value, log).expand(fixed, null, 0)
  }
  return labels
}
