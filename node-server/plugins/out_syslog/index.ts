/**
 * @module out_syslog (`@type syslog`): sends every event as a syslog message — RFC 5424 (default)
 * or RFC 3164, with Fluent Bit's out_syslog key mapping (format.ts) — to a syslog server over UDP
 * (default, as Fluent Bit), TCP or TLS (RFC 5425), octet-counted by default on TCP/TLS. A buffered
 * output (`<buffer>`, retries, `<secondary>`) whose writer sends one chunk at a time (writer.ts).
 *
 * @example
 * <match app.**>
 *   @type syslog
 *   host logs.example.com
 *   port 6514
 *   mode tls
 *   tls_ca_cert_path /etc/ssl/private-ca.pem
 *   syslog_appname_key app
 *   syslog_message_key message
 *   syslog_severity_key level
 * </match>
 */

import { resolveBufferConfig } from '../../../engine/output/buffer-schema.ts'
import { type BufferedOutput, createBufferedOutput } from '../../../engine/output/buffered-output.ts'
import { createSecondary } from '../../../engine/output/secondary.ts'
import type { PluginContext, PluginSpec } from '../../../engine/plugin.ts'
import { type OutSyslogConfig, outSyslogBufferDefaults, outSyslogDescriptor } from '../../../engine/schemas/out_syslog.ts'
import { settleSyslogOutput } from './options.ts'
import { SyslogWriter } from './writer.ts'

/** The buffered output plus its writer (for tools and tests). */
export interface SyslogOutput extends BufferedOutput {
  readonly writer: SyslogWriter
}

export const outSyslog: PluginSpec<'output', OutSyslogConfig> = {
  ...outSyslogDescriptor,
  create(ctx: PluginContext, config: OutSyslogConfig, element): SyslogOutput {
    const options = settleSyslogOutput(config)
    if (options.mode === 'udp' && options.frameType !== 'octet_count') {
      ctx.log.warn('frame_type applies to tcp and tls; over UDP each message is one datagram.')
    }
    const { config: buffer, warnings } = resolveBufferConfig(config.buffer, outSyslogBufferDefaults)
    for (const w of warnings) ctx.log.warn(w)
    const writer = new SyslogWriter(options, { core: ctx.core, log: ctx.log, metrics: ctx.metrics })
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
