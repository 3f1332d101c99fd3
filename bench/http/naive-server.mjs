// The naive baseline of `npm run bench:http`: a plain Node HTTP server that does what an in_http
// must do at the least — read the body, JSON.parse it, @msgpack/msgpack-encode each record, answer
// 200 — and nothing else (no tags, routing, times, buffers). Listens on 127.0.0.1:0 and prints
// {"port": N} on stdout. Plain JavaScript run by node (no tsx), like the sluice bundle it races.
import { createServer } from 'node:http'
import { encode } from '@msgpack/msgpack'

let encodedBytes = 0
let events = 0

const server = createServer((req, res) => {
  // GET /count (not part of the load) reports what was handled, for the run's sanity check.
  if (req.method === 'GET' && req.url === '/count') {
    res.end(JSON.stringify({ events, encodedBytes }))
    return
  }
  const chunks = []
  req.on('data', (chunk) => chunks.push(chunk))
  req.on('end', () => {
    let records
    try {
      records = JSON.parse(Buffer.concat(chunks).toString('utf8'))
    } catch {
      res.writeHead(400, { 'Content-Type': 'text/plain', 'Content-Length': '0' })
      res.end()
      return
    }
    if (!Array.isArray(records)) records = [records]
    for (const record of records) encodedBytes += encode(record).length
    events += records.length
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': '0' })
    res.end()
  })
})
server.keepAliveTimeout = 10_000
server.listen(0, '127.0.0.1', () => process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`))
process.on('SIGTERM', () => server.close(() => process.exit(0)))
