/**
 * @module Every formatter plugin, for tests: the list test agents register, a registry, and
 * `testFormatter` — a formatter built from a `<format>` config outside an agent (its context only
 * builds nested formatters, as the stdout formatter's `output_type` needs).
 */

import { validateElement } from '../../engine/config/schema.ts'
import { encodeRecord } from '../../engine/event-stream.ts'
import { ByteBuffer } from '../../engine/formatter/byte-buffer.ts'
import { FORMATTERS } from '../../engine/plugins/formatters.ts'
import { formatSection } from '../../engine/schemas/sections/format.ts'
import { createLogger } from '../../engine/log.ts'
import { createPluginMetrics } from '../../engine/metrics.ts'
import type { ConfigElement } from '../../engine/config/model.ts'
import { type FormatterPlugin, type PluginContext, PluginRegistry, type PluginSectionConfig } from '../../engine/plugin.ts'

export { FORMATTERS }

export const formatterRegistry = new PluginRegistry().register(...FORMATTERS)

/** A formatter from a validated `<format>` config (`@type` and its params), as ctx.createFormatter builds it. */
export function testFormatter(config: PluginSectionConfig, element?: ConfigElement, hostname = 'test-host'): FormatterPlugin {
  const spec = formatterRegistry.get('formatter', config['@type'])
  if (spec === undefined) throw new Error(`unknown formatter ${config['@type']}`)
  const ctx = {
    id: 'format',
    hostname,
    log: createLogger(() => {}, 'error'),
    metrics: createPluginMetrics('format', config['@type'], 'formatter'),
    createFormatter: (c: PluginSectionConfig, e?: ConfigElement) => testFormatter(c, e, hostname),
  } as unknown as PluginContext
  return spec.create(ctx, config, element ?? { name: 'format', arg: '', params: {}, elements: [] }) as FormatterPlugin
}

/**
 * A formatter from `<format>` params as written in a .conf (`{ '@type': 'csv', fields: 'a,b' }`),
 * validated against the formatter's schema like the agent does; throws the config errors and adds
 * the warnings (params not used …) to `warnings`.
 */
export function formatterFrom(params: Record<string, string>, warnings: string[] = []): FormatterPlugin {
  const format = { name: 'format', arg: '', params, elements: [] }
  const {
    config,
    errors,
    warnings: found,
  } = validateElement(
    { name: 'match', arg: '**', params: {}, elements: [format] },
    { params: [], sections: [formatSection('json')] },
    undefined,
    { plugins: formatterRegistry },
  )
  if (errors.length > 0) throw new Error(errors.map((e) => e.message).join('\n'))
  warnings.push(...found.map((w) => w.message))
  return testFormatter(config.format as PluginSectionConfig, format)
}

/** Formats one record (an object, or msgpack bytes) and returns the output read as UTF-8 text. */
export function formatOnce(
  formatter: FormatterPlugin,
  record: Record<string, unknown> | Uint8Array,
  tag = 'tag',
  time: { sec: number; nsec: number } = { sec: 1441588984, nsec: 0 },
): string {
  const bytes = record instanceof Uint8Array ? record : encodeRecord(record)
  const out = new ByteBuffer()
  formatter.format(tag, time.sec, time.nsec, bytes, 0, bytes.length, out)
  return new TextDecoder().decode(out.view())
}
