/**
 * @module The naive in_http baseline of `bench:compare`: what a first JavaScript version of an
 * HTTP log intake does — node:http, the whole body read, `JSON.parse`, then every record encoded
 * with @msgpack/msgpack (`encode` per record, as a router that keeps msgpack would) and counted;
 * 200 with an empty body, keep-alive. A body that is not JSON gets 400.
 *
 * Run: `node --import tsx bench/compare/baselines/naive-http.ts [--port 0]`; prints
 * `listening port=P`.
 */

import { createServer, type Server } from 'node:http'
import { encode } from '@msgpack/msgpack'

export interface NaiveHttpCounts {
  requests: number
  events: number
  bytes: number
}

export function startNaiveHttp(port: number, onListening: (port: number) => void): { server: Server; counts: NaiveHttpCounts } {
  const counts: NaiveHttpCounts = { requests: 0, events: 0, bytes: 0 }
  const server = createServer((req, res) => {
    if (req.method !== 'POST') {
      res.writeHead(200, { 'content-length': '0' }).end()
      return
    }
    const parts: Buffer[] = []
    req.on('data', (b: Buffer) => parts.push(b))
    req.on('end', () => {
      let body: unknown
      try {
        body = JSON.parse(Buffer.concat(parts).toString('utf8'))
      } catch {
        res.writeHead(400, { 'content-type': 'text/plain' }).end('400 Bad Request\n')
        return
      }
      const records = Array.isArray(body) ? body : [body]
      for (const record of records) {
        counts.bytes += encode(record).length
        counts.events++
      }
      counts.requests++
      res.writeHead(200, { 'content-length': '0' }).end()
    })
  })
  server.keepAliveTimeout = 60_000
  server.listen(port, '127.0.0.1', () => {
    const a = server.address()
    onListening(typeof a === 'object' && a !== null ? a.port : 0)
  })
  return { server, counts }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const i = process.argv.indexOf('--port')
  startNaiveHttp(i > 0 ? Number(process.argv[i + 1]) : 0, (port) => process.stdout.write(`listening port=${port}\n`))
}
