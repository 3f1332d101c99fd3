/**
 * @module Test helpers for out_http: a recording HTTP server on port 0 that answers from a script
 * of statuses, and a writer built from .conf-style params through the real schema.
 */

import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { validateElement } from '../../../engine/config/schema.ts'
import { createLogger, type LogRecord } from '../../../engine/log.ts'
import { createPluginMetrics } from '../../../engine/metrics.ts'
import { parseChunkKeys, compileTemplate } from '../../../engine/output/placeholders.ts'
import { UTC } from '../../../engine/output/time-format.ts'
import { loadCore } from '../../../wasm/load-node.ts'
import { outHttpSchema, type OutHttpConfig } from '../../../engine/schemas/out_http.ts'
import { formatterRegistry, testFormatter } from '../../../test/helpers/formatters.ts'
import type { PluginSectionConfig } from '../../../engine/plugin.ts'
import { settleHttpOptions } from './options.ts'
import { HttpWriter } from './writer.ts'

export interface Received {
  method: string
  url: string
  headers: IncomingHttpHeaders
  body: Buffer
  /** The status answered (0 when a script function answered). */
  status: number
}

export interface RecordingServer {
  port: number
  url: string
  received: Received[]
  /** Statuses for the next requests (then 200); a function answers itself. */
  script: (number | ((res: import('node:http').ServerResponse) => void))[]
  close(): Promise<void>
}

export async function recordingServer(): Promise<RecordingServer> {
  const received: Received[] = []
  const script: RecordingServer['script'] = []
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const next = script.shift() ?? 200
      received.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks),
        status: typeof next === 'number' ? next : 0,
      })
      if (typeof next === 'function') return next(res)
      res.writeHead(next, { 'content-type': 'text/plain' })
      res.end(next >= 300 ? `error body ${next}` : '')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    received,
    script,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** A writer from params as written in a <match> (plus `<buffer chunkKeys>` for placeholders). */
export async function writerFor(
  params: Record<string, string>,
  sections: { name: string; params: Record<string, string> }[] = [],
  chunkKeys: string[] = [],
) {
  const element = {
    name: 'match',
    arg: '**',
    params: { '@type': 'http', ...params },
    elements: sections.map((s) => ({ name: s.name, arg: '', params: s.params, elements: [] })),
  }
  const { config, errors } = validateElement(element, outHttpSchema, undefined, { plugins: formatterRegistry })
  if (errors.length > 0) throw new Error(errors.map((e) => e.message).join('\n'))
  const logs: LogRecord[] = []
  const metrics = createPluginMetrics('out', 'http', 'output')
  const keys = parseChunkKeys(chunkKeys)
  const failed: unknown[] = []
  const writer = new HttpWriter(settleHttpOptions(config as unknown as OutHttpConfig), {
    core: await loadCore(),
    log: createLogger((r) => logs.push(r), 'debug'),
    metrics,
    formatter: testFormatter(config.format as PluginSectionConfig),
    failed: (failures) => failed.push(failures),
    expand: (template, chunk) => compileTemplate(template, { chunkKeys: keys, zone: UTC, path: false })(chunk),
  })
  return { writer, logs, metrics, failed }
}
