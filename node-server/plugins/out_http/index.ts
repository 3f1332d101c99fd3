/**
 * @module out_http (`@type http`): Fluentd's HTTP output — a buffered output (createBufferedOutput)
 * whose writer sends each chunk as one request (see writer.ts): each record through the `<format>`
 * formatter (NDJSON by default, a JSON array with `json_array true`, msgpack, CSV …) after `<inject>`;
 * gzip, basic auth, headers, placeholders in the endpoint.
 *
 * @example
 * <match app.**>
 *   @type http
 *   endpoint https://logs.example.com/ingest/${tag}
 *   <auth>
 *     username sluice
 *     password secret
 *   </auth>
 *   <buffer tag>
 *     flush_interval 5s
 *   </buffer>
 * </match>
 */

import { readFileSync } from 'node:fs'
import { resolveBufferConfig } from '../../../engine/output/buffer-schema.ts'
import { createBufferedOutput, type BufferedOutput } from '../../../engine/output/buffered-output.ts'
import { compileTemplate } from '../../../engine/output/placeholders.ts'
import { createSecondary } from '../../../engine/output/secondary.ts'
import { reportFormatFailures } from '../../../engine/formatter/format-stream.ts'
import { createInjector, withInject } from '../../../engine/inject/injector.ts'
import { bufferZone } from '../../../engine/output/time-format.ts'
import type { PluginContext, PluginSpec } from '../../../engine/plugin.ts'
import { outHttpDescriptor, type OutHttpConfig } from '../../../engine/schemas/out_http.ts'
import { settleHttpOptions } from './options.ts'
import { HttpWriter } from './writer.ts'

/** The buffered output plus its writer (for tools and tests). */
export interface HttpOutput extends BufferedOutput {
  readonly writer: HttpWriter
}

export const outHttp: PluginSpec<'output', OutHttpConfig> = {
  ...outHttpDescriptor,
  create(ctx: PluginContext, config: OutHttpConfig, element): HttpOutput {
    const options = settleHttpOptions(config)
    const read = (path: string | null, what: string) => {
      if (path === null) return undefined
      try {
        return readFileSync(path, 'utf8')
      } catch (error) {
        throw new Error(`${what} is wrong: ${path} (${(error as Error).message})`)
      }
    }
    const tls = {
      ...options.tls,
      ca: read(options.tlsFiles.ca, 'tls_ca_cert_path'),
      cert: read(options.tlsFiles.cert, 'tls_client_cert_path'),
      key: read(options.tlsFiles.key, 'tls_private_key_path'),
    }
    const { config: buffer, warnings } = resolveBufferConfig(config.buffer)
    for (const w of warnings) ctx.log.warn(w)
    const templates = new Map<string, ReturnType<typeof compileTemplate>>()
    const zone = bufferZone(buffer.timekeyUseUtc, buffer.timekeyZone)
    const chunkKeyNames = [...(buffer.chunkKeys.tag ? ['tag'] : []), ...(buffer.chunkKeys.time ? ['time'] : []), ...buffer.chunkKeys.keys]
    const formatter = withInject(
      ctx.createFormatter(
        config.format,
        element.elements.find((e) => e.name === 'format'),
      ),
      createInjector(config.inject, ctx, chunkKeyNames),
    )
    const writer = new HttpWriter(
      { ...options, tls },
      {
        core: ctx.core,
        log: ctx.log,
        metrics: ctx.metrics,
        formatter,
        failed: (failures) => reportFormatFailures(ctx, failures),
        expand(template, chunk) {
          let compiled = templates.get(template)
          if (compiled === undefined) {
            compiled = compileTemplate(template, { chunkKeys: buffer.chunkKeys, zone, path: false })
            templates.set(template, compiled)
          }
          return compiled(chunk)
        },
      },
    )
    const output = createBufferedOutput(ctx, { buffer, writer, secondary: createSecondary(ctx, element, buffer) })
    return {
      ...output,
      writer,
      async shutdown() {
        try {
          await output.shutdown?.()
        } finally {
          writer.close()
        }
      },
    }
  },
}
