/**
 * @module The out_http ChunkWriter: one request per chunk (body per format, headers and the retry
 * policy from engine/output/http/, gzip when asked, basic auth, placeholders in the endpoint and
 * headers). write() resolves on a 2xx;
 * rejects with a plain Error on a network error, a timeout or a retryable status (the buffer
 * retries with backoff); rejects with an UnrecoverableError on any other status (the buffer sends
 * the chunk to <secondary> or the backup at once) — or, with error_response_as_unrecoverable
 * false, logs it and resolves, counting the chunk's events as dropped (Fluentd's behaviour).
 */

import { promisify } from 'node:util'
import { gzip as gzipCallback } from 'node:zlib'
import type { Core } from '../../../wasm/core.ts'
import type { Logger } from '../../../engine/log.ts'
import type { PluginMetrics } from '../../../engine/metrics.ts'
import type { Chunk, ChunkWriter } from '../../../engine/output/chunk.ts'
import { chunkIdHex } from '../../../engine/output/chunk.ts'
import { UnrecoverableError } from '../../../engine/output/errors.ts'
import { requestHeaders } from '../../../engine/output/http/request.ts'
import { responseOutcome } from '../../../engine/output/http/retry.ts'
import type { PlaceholderSource } from '../../../engine/output/placeholders.ts'
import { HttpClient } from './client.ts'
import type { HttpOptions } from './options.ts'
import { encodeBody } from '../../../engine/output/http/body.ts'
import type { FormatterPlugin } from '../../../engine/formatter/types.ts'
import type { FormatFailures } from '../../../engine/formatter/format-stream.ts'

const gzip = promisify(gzipCallback)

export interface WriterDeps {
  core: Core
  log: Logger
  metrics: PluginMetrics
  /** The `<format>` formatter (with `<inject>` applied). */
  formatter: FormatterPlugin
  /** Records the formatter refused, reported once the request succeeded (→ @ERROR). */
  failed(failures: FormatFailures): void
  /** Expands chunk placeholders (identity when the template has none). */
  expand(template: string, chunk: PlaceholderSource): string
}

export class HttpWriter implements ChunkWriter {
  readonly client: HttpClient
  private readonly endpointHost: string

  constructor(
    private readonly options: HttpOptions,
    private readonly deps: WriterDeps,
  ) {
    this.client = new HttpClient({
      openTimeoutMs: options.openTimeoutMs,
      readTimeoutMs: options.readTimeoutMs,
      reuseConnections: options.reuseConnections,
      tls: options.tls,
    })
    this.endpointHost = new URL(options.endpoint.replace(/[$%]\{[^}]+\}/g, 'placeholder.invalid')).host
  }

  async write(chunk: Chunk): Promise<void> {
    const o = this.options
    const url = this.url(chunk)
    let body: Uint8Array
    let failures: FormatFailures | null
    try {
      const encoded = encodeBody(this.deps.core, chunk.tag, chunk.entries, this.deps.formatter, o.jsonArray)
      failures = encoded.failures
      if (failures !== null && failures.stream.count === chunk.count) {
        this.deps.failed(failures)
        return
      }
      body = encoded.bytes
      if (o.gzip) body = await gzip(body)
    } catch (error) {
      // Like Fluentd's EncodingError / GeneratorError: retrying cannot help.
      throw new UnrecoverableError(`cannot format chunk ${chunkIdHex(chunk.id)}: ${error instanceof Error ? error.message : String(error)}`)
    }
    const configured: Record<string, string> = { ...o.headers }
    for (const [name, template] of Object.entries(o.headersFromPlaceholders)) configured[name] = this.deps.expand(template, chunk)
    const headers = requestHeaders({ headers: configured, contentType: o.contentType, gzip: o.gzip, authorization: o.authorization })
    this.deps.log.debug(`${o.method} data to ${url.href} with chunk(${chunkIdHex(chunk.id)})`, { bytes: body.length, events: chunk.count })
    const res = await this.client.send(url, o.method, headers, body)
    const outcome = responseOutcome(res.status, o.retryableResponseCodes)
    if (outcome === 'ok') {
      if (failures !== null) this.deps.failed(failures)
      return
    }
    const message = `${res.status} ${res.statusText.trimEnd()} ${res.body.trimStart()}`.trimEnd()
    if (outcome === 'retry') throw new Error(message)
    if (o.errorResponseAsUnrecoverable) throw new UnrecoverableError(message)
    this.deps.metrics.dropped += chunk.count
    this.deps.log.error(`got error response from '${o.method} ${url.href}' : ${message}`, {
      chunk_id: chunkIdHex(chunk.id),
      dropped: chunk.count,
    })
  }

  /** The endpoint for a chunk; a placeholder in the host must expand to an allowed host. */
  private url(chunk: Chunk): URL {
    const expanded = this.deps.expand(this.options.endpoint, chunk)
    let url: URL
    try {
      url = new URL(expanded)
    } catch {
      throw new UnrecoverableError(`the endpoint expands to an invalid URL: ${expanded}`)
    }
    if (url.host !== this.endpointHost && expanded !== this.options.endpoint) {
      if (this.options.allowedHosts.length === 0)
        throw new UnrecoverableError('allowed_hosts is strictly required when using placeholders in the endpoint host')
      if (!this.options.allowedHosts.includes(url.hostname) && !this.options.allowedHosts.includes(url.host)) {
        throw new UnrecoverableError(`Not allowed host: ${url.hostname}`)
      }
    }
    return url
  }

  close(): void {
    this.client.close()
  }
}
