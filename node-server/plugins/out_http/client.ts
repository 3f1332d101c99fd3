/**
 * @module One HTTP(S) request with Net::HTTP-like timeouts on node:http / node:https: open_timeout
 * bounds connecting (and the TLS handshake), read_timeout bounds any silence once connected. The
 * answer's status and the first 4 KiB of its body are returned (the rest is read and dropped, so a
 * kept-alive connection stays usable). Redirects are not followed (Fluentd's Net::HTTP does not).
 */

import type { Agent as HttpAgent, IncomingMessage } from 'node:http'
import type { Agent as HttpsAgent, AgentOptions } from 'node:https'
import { nodeHttp, nodeHttps } from '../../builtins.ts'

export interface HttpResponse {
  status: number
  statusText: string
  /** The start of the body, as text (for logs and error messages). */
  body: string
}

export interface ClientOptions {
  openTimeoutMs: number
  readTimeoutMs: number
  reuseConnections: boolean
  tls: AgentOptions
}

const BODY_PREVIEW = 4096

export class HttpClient {
  private readonly http: HttpAgent
  private readonly https: HttpsAgent

  constructor(private readonly options: ClientOptions) {
    this.http = new (nodeHttp().Agent)({ keepAlive: options.reuseConnections })
    this.https = new (nodeHttps().Agent)({ keepAlive: options.reuseConnections, ...options.tls })
  }

  send(url: URL, method: string, headers: Record<string, string>, body: Uint8Array): Promise<HttpResponse> {
    const secure = url.protocol === 'https:'
    const request = secure ? nodeHttps().request : nodeHttp().request
    return new Promise<HttpResponse>((resolve, reject) => {
      let settled = false
      const fail = (error: Error) => {
        if (settled) return
        settled = true
        clearTimeout(openTimer)
        req.destroy()
        reject(error)
      }
      const req = request(
        url,
        {
          method,
          headers: { ...headers, 'Content-Length': String(body.length) },
          agent: secure ? this.https : this.http,
        },
        (res) => {
          clearTimeout(openTimer)
          readPreview(res).then((text) => {
            if (settled) return
            settled = true
            resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', body: text })
          }, fail)
        },
      )
      const openTimer = setTimeout(
        () => fail(new Error(`open_timeout: no connection to ${url.host} within ${this.options.openTimeoutMs} ms`)),
        this.options.openTimeoutMs,
      )
      req.on('socket', (socket) => {
        const connected = () => {
          clearTimeout(openTimer)
          req.setTimeout(this.options.readTimeoutMs, () =>
            fail(new Error(`read_timeout: ${url.host} was silent for ${this.options.readTimeoutMs} ms`)),
          )
        }
        // A reused keep-alive socket is connected already.
        if (!socket.connecting && (!secure || (socket as { encrypted?: boolean }).encrypted)) connected()
        else socket.once(secure ? 'secureConnect' : 'connect', connected)
      })
      req.on('error', fail)
      req.end(body)
    })
  }

  close(): void {
    this.http.destroy()
    this.https.destroy()
  }
}

function readPreview(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    res.on('data', (chunk: Buffer) => {
      if (size < BODY_PREVIEW) chunks.push(chunk)
      size += chunk.length
    })
    res.on('end', () => resolve(Buffer.concat(chunks).subarray(0, BODY_PREVIEW).toString('utf8')))
    res.on('error', reject)
  })
}
