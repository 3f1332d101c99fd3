/**
 * @module in_tail (`@type tail`): Fluentd's file input — follows files matched by `path` (globs,
 * strftime), survives rename and copytruncate rotation, keeps positions in a pos_file in Fluentd's
 * exact format, parses each line with the `<parse>` section's parser (line-joining parsers such as
 * multiline and cri get one stream per file), and advances a file's position only once the router
 * accepted its batch. See README.md beside this file for the parameters and where sluice differs.
 *
 * @example
 * <source>
 *   @type tail
 *   path /var/log/containers/*.log
 *   pos_file /var/lib/sluice/containers.pos
 *   tag kube.*
 *   <parse>
 *     @type cri
 *   </parse>
 * </source>
 */

import type { PluginSpec } from '../../../engine/plugin.ts'
import { inTailDescriptor, type InTailConfig } from '../../../engine/schemas/in_tail.ts'
import { createTailInput, type TailInput } from './tail-input.ts'

export type { TailInput } from './tail-input.ts'

export const inTail: PluginSpec<'input', InTailConfig> = {
  ...inTailDescriptor,
  // Fluentd's in_tail is not multi_workers_ready: two workers would read the same files and share one pos_file.
  multiWorkers: false,
  create(ctx, config): TailInput {
    return createTailInput(ctx, config)
  },
}
