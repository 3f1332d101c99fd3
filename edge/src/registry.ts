/**
 * @module The plugins the edge runs: the source (`http`), the runtime-neutral filters, formatters and
 * routing outputs of engine/plugins (grep, record_transformer, stdout, copy, relabel, null,
 * rewrite_tag_filter, label_router; the prometheus filter/output stay on Node, where the metrics are
 * served), and the edge outputs (forward, http, queue) bound to the platform (sockets, fetch, Queues).
 */

import { PluginRegistry } from '../../engine/plugin.ts'
import { filterGrep } from '../../engine/plugins/filter_grep/index.ts'
import { filterParser } from '../../engine/plugins/filter_parser/index.ts'
import { filterRecordTransformer } from '../../engine/plugins/filter_record_transformer/index.ts'
import { filterStdout } from '../../engine/plugins/filter_stdout/index.ts'
import { FORMATTERS } from '../../engine/plugins/formatters.ts'
import { PARSERS } from '../../engine/plugins/parsers.ts'
import { outCopy } from '../../engine/plugins/out_copy/index.ts'
import { outNull } from '../../engine/plugins/out_null/index.ts'
import { outRelabel } from '../../engine/plugins/out_relabel/index.ts'
import { outRewriteTagFilter } from '../../engine/plugins/out_rewrite_tag_filter/index.ts'
import { outLabelRouter } from '../../engine/plugins/out_label_router/index.ts'
import type { EdgePlatform } from './platform.ts'
import { inHttpEdge } from './plugins/in_http/index.ts'
import { forwardOutput } from './plugins/out_forward/index.ts'
import { httpOutput } from './plugins/out_http/index.ts'
import { queueOutput } from './plugins/out_queue/index.ts'

export function edgeRegistry(platform: EdgePlatform): PluginRegistry {
  return new PluginRegistry().register(
    inHttpEdge,
    filterGrep,
    filterParser,
    filterRecordTransformer,
    filterStdout,
    outCopy,
    outRelabel,
    outRewriteTagFilter,
    outLabelRouter,
    outNull,
    forwardOutput(platform),
    httpOutput(platform),
    queueOutput(platform),
    ...FORMATTERS,
    ...PARSERS,
  )
}
