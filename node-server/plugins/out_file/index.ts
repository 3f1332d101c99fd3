/**
 * @module out_file (`@type file`): writes chunks to files named from the path template (Fluentd's
 * naming: `path.%Y%m%d_N.log`, `append`, `.gz`), through a file buffer by default (`<buffer time>`,
 * timekey 1d, chunks under the path itself or `<buffer> path`). Any formatter (`<format>`, default
 * out_file: `time<TAB>tag<TAB>json`), with `<inject>` applied first. Placeholder rules are checked at config
 * time (§9 case 30); a tag or value that would leave the directory is an unrecoverable error (the
 * chunk goes to the secondary / backup).
 */

import { hasSection, resolveBufferConfig } from '../../../engine/output/buffer-schema.ts'
import { createBufferedOutput } from '../../../engine/output/buffered-output.ts'
import { checkPlaceholders, compileTemplate, PlaceholderConfigError } from '../../../engine/output/placeholders.ts'
import { createSecondary } from '../../../engine/output/secondary.ts'
import { createInjector, withInject } from '../../../engine/inject/injector.ts'
import { reportFormatFailures } from '../../../engine/formatter/format-stream.ts'
import { bufferZone } from '../../../engine/output/time-format.ts'
import type { OutputPlugin, PluginSpec } from '../../../engine/plugin.ts'
import { nodeBufferServices } from '../../buffer/services.ts'
import { outFileDescriptor, bufferDefaults, type OutFileConfig } from '../../../engine/schemas/out_file.ts'
import { defaultBufferPath, pathTemplate } from './path.ts'
import { createFileWriter } from './writer.ts'

export const outFile: PluginSpec<'output', OutFileConfig> = {
  ...outFileDescriptor,
  create(ctx, config, element): OutputPlugin {
    if (config.symlink_path !== null) throw new PlaceholderConfigError('symlink_path is not supported by sluice')
    const bufferElement = element.elements.find((e) => e.name === 'buffer')
    if (bufferElement === undefined) {
      if (element.name !== 'secondary') {
        ctx.log.warn(
          'default timekey interval (1d) will be used because of missing <buffer> section. To change the output frequency, please modify the timekey value',
        )
      }
    } else if (bufferElement.params.timekey === undefined && bufferElement.arg.trim() !== '[]') {
      ctx.log.warn('default timekey interval (1d) will be used. To change the output frequency, please modify the timekey value')
    }
    const { config: buffer, warnings } = resolveBufferConfig(config.buffer, bufferDefaults)
    for (const w of warnings) ctx.log.warn(w)
    const gzip = config.compress !== 'text'
    const template = pathTemplate(config.path, {
      timekey: buffer.chunkKeys.time ? buffer.timekey : null,
      append: config.append,
      gzip,
      suffix: config.add_path_suffix ? config.path_suffix : '',
    })
    // As a <secondary> it writes the primary's chunks: only the time rules apply (Fluentd's as_secondary).
    checkPlaceholders(template, buffer.chunkKeys, buffer.timekey, 'path', { timeOnly: element.name === 'secondary' })
    const path = compileTemplate(template, { chunkKeys: buffer.chunkKeys, zone: bufferZone(buffer.timekeyUseUtc, buffer.timekeyZone) })
    const chunkKeyNames = [...(buffer.chunkKeys.tag ? ['tag'] : []), ...(buffer.chunkKeys.time ? ['time'] : []), ...buffer.chunkKeys.keys]
    const formatter = withInject(
      ctx.createFormatter(
        config.format,
        element.elements.find((e) => e.name === 'format'),
      ),
      createInjector(config.inject, ctx, chunkKeyNames),
    )
    const writer = createFileWriter({
      core: ctx.core,
      formatter,
      failed: (failures) => reportFormatFailures(ctx, failures),
      path,
      append: config.append,
      gzip,
      written: (p) => ctx.log.debug('Wrote a chunk.', { path: p }),
    })
    return createBufferedOutput(ctx, {
      buffer,
      writer,
      keepTag: true,
      services: nodeBufferServices(),
      defaultPath: hasSection(element, 'buffer') && bufferElement?.params.path !== undefined ? null : defaultBufferPath(config.path),
      secondary: createSecondary(ctx, element, buffer),
    })
  },
}
