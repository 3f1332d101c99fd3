/**
 * @module The out_http writer against a real node:http server on port 0: NDJSON (default), JSON
 * array and msgpack bodies decoded back, gzip, headers / auth / method / placeholders, and how
 * each kind of failure is reported (retryable, unrecoverable, dropped, timeouts, refused).
 */

import { afterEach, describe, expect, it } from 'vitest'
import { gunzipSync } from 'node:zlib'
import { createServer, type AddressInfo, type Socket } from 'node:net'
import { decodeMulti } from '@msgpack/msgpack'
import { EventTime } from '../../../engine/event-time.ts'
import { streamFromEvents } from '../../../engine/event-stream.ts'
import { newChunkId, type Chunk } from '../../../engine/output/chunk.ts'
import { recordingServer, writerFor, type RecordingServer } from './testing.ts'

let server: RecordingServer | null = null
const writers: { close(): void }[] = []
afterEach(async () => {
  for (const w of writers.splice(0)) w.close()
  await server?.close()
  server = null
})

const records = [
  { msg: 'hello', n: 1, big: 2n ** 63n + 7n, f: 1.5, nested: { list: [1, 'two', null] } },
  { msg: 'wörld "quoted"\n', n: 2, bin: new Uint8Array([104, 105]) },
]

function chunk(tag = 'app.web', recs: Record<string, unknown>[] = records): Chunk {
  const stream = streamFromEvents(
    tag,
    recs.map((record, i) => ({ time: new EventTime(1441588984 + i, 0), record })),
  )
  return { tag, timekey: null, variables: {}, id: newChunkId(), entries: stream.entries, count: stream.count, createdAt: Date.now() }
}

async function setup(
  params: Record<string, string> = {},
  sections: { name: string; params: Record<string, string> }[] = [],
  chunkKeys: string[] = [],
) {
  server = await recordingServer()
  const made = await writerFor({ endpoint: `${server.url}/ingest`, ...params }, sections, chunkKeys)
  writers.push(made.writer)
  return { server, ...made }
}

describe('out_http writer bodies', () => {
  it('sends NDJSON by default: one JSON record per line, exact 64-bit integers, no time or tag', async () => {
    const { server, writer } = await setup()
    await writer.write(chunk())
    const req = server.received[0]
    expect(req.method).toBe('POST')
    expect(req.url).toBe('/ingest')
    expect(req.headers['content-type']).toBe('application/x-ndjson')
    const text = req.body.toString('utf8')
    expect(text).toBe(
      '{"msg":"hello","n":1,"big":9223372036854775815,"f":1.5,"nested":{"list":[1,"two",null]}}\n' +
        '{"msg":"wörld \\"quoted\\"\\n","n":2,"bin":"hi"}\n',
    )
    expect(
      text
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l).n),
    ).toEqual([1, 2])
  })

  it('sends one JSON array with json_array true', async () => {
    const { server, writer } = await setup({ json_array: 'true' })
    await writer.write(chunk())
    const req = server.received[0]
    expect(req.headers['content-type']).toBe('application/json')
    const parsed = JSON.parse(req.body.toString('utf8'))
    expect(parsed.map((r: { msg: string }) => r.msg)).toEqual(['hello', 'wörld "quoted"\n'])
  })

  it('sends the msgpack records back to back with <format> msgpack', async () => {
    const { server, writer } = await setup({}, [{ name: 'format', params: { '@type': 'msgpack' } }])
    await writer.write(chunk())
    const req = server.received[0]
    expect(req.headers['content-type']).toBe('application/x-msgpack')
    expect([...decodeMulti(new Uint8Array(req.body), { useBigInt64: true })]).toEqual([
      { msg: 'hello', n: 1, big: 2n ** 63n + 7n, f: 1.5, nested: { list: [1, 'two', null] } },
      { msg: 'wörld "quoted"\n', n: 2, bin: new Uint8Array([104, 105]) },
    ])
  })

  it('gzips the body with compress gzip', async () => {
    const { server, writer } = await setup({ compress: 'gzip' })
    await writer.write(chunk())
    const req = server.received[0]
    expect(req.headers['content-encoding']).toBe('gzip')
    expect(gunzipSync(req.body).toString('utf8').split('\n').filter(Boolean)).toHaveLength(2)
  })

  it('sends headers, basic auth, PUT, a custom content type and placeholders', async () => {
    server = await recordingServer()
    const { writer } = await writerFor(
      {
        endpoint: `${server.url}/logs/\${tag}?id=\${chunk_id}`,
        http_method: 'put',
        content_type: 'application/json; charset=utf-8',
        headers: '{"X-Api-Key":"k1","X-Num":2}',
        headers_from_placeholders: '{"X-Tag":"${tag}"}',
      },
      [{ name: 'auth', params: { method: 'basic', username: 'alice', password: 'p@ss:wörd' } }],
      ['tag'],
    )
    writers.push(writer)
    const c = chunk('app.web')
    await writer.write(c)
    const req = server.received[0]
    expect(req.method).toBe('PUT')
    expect(req.url).toBe(`/logs/app.web?id=${Buffer.from(c.id).toString('hex')}`)
    expect(req.headers).toMatchObject({
      'x-api-key': 'k1',
      'x-num': '2',
      'x-tag': 'app.web',
      'content-type': 'application/json; charset=utf-8',
    })
    expect(Buffer.from(req.headers.authorization!.replace('Basic ', ''), 'base64').toString('utf8')).toBe('alice:p@ss:wörd')
  })
})

describe('out_http writer failures', () => {
  it.each([429, 500, 502, 503, 504])('rejects %i as retryable (a plain Error)', async (status) => {
    const { server, writer } = await setup()
    server.script.push(status)
    const error = await writer.write(chunk()).catch((e: Error) => e)
    expect(error).toBeInstanceOf(Error)
    expect((error as Error).name).toBe('Error')
    expect((error as Error).message).toBe(`${status} ${statusText(status)} error body ${status}`)
  })

  it.each([400, 401, 404, 413, 501, 301])('rejects %i as unrecoverable', async (status) => {
    const { server, writer } = await setup()
    server.script.push(status)
    await expect(writer.write(chunk())).rejects.toMatchObject({ name: 'UnrecoverableError' })
  })

  it('uses retryable_response_codes as given', async () => {
    const { server, writer } = await setup({ retryable_response_codes: '[400]' })
    server.script.push(400, 503)
    await expect(writer.write(chunk())).rejects.toMatchObject({ name: 'Error' })
    await expect(writer.write(chunk())).rejects.toMatchObject({ name: 'UnrecoverableError' })
  })

  it('logs and drops the chunk with error_response_as_unrecoverable false', async () => {
    const { server, writer, logs, metrics } = await setup({ error_response_as_unrecoverable: 'false' })
    server.script.push(400)
    await writer.write(chunk())
    expect(metrics.dropped).toBe(2)
    expect(logs.find((l) => l.level === 'error')?.message).toMatch(
      /^got error response from 'POST http:\/\/127\.0\.0\.1:\d+\/ingest' : 400 Bad Request error body 400$/,
    )
  })

  it('rejects (retryable) when the server is silent past read_timeout', async () => {
    const { server, writer } = await setup({ read_timeout: '1' })
    server.script.push(() => {})
    await expect(writer.write(chunk())).rejects.toThrow('read_timeout')
  })

  it('rejects (retryable) when connecting (here: the TLS handshake) takes longer than open_timeout', async () => {
    const silent = createServer((socket) => {
      held.push(socket)
    })
    const held: Socket[] = []
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    try {
      const { writer } = await writerFor({ endpoint: `https://127.0.0.1:${(silent.address() as AddressInfo).port}/x`, open_timeout: '1' })
      writers.push(writer)
      await expect(writer.write(chunk())).rejects.toThrow('open_timeout')
    } finally {
      for (const s of held) s.destroy()
      await new Promise((resolve) => silent.close(resolve))
    }
  })

  it('rejects (retryable) when the connection is refused', async () => {
    const s = await recordingServer()
    const url = s.url
    await s.close()
    const { writer } = await writerFor({ endpoint: `${url}/x` })
    writers.push(writer)
    await expect(writer.write(chunk())).rejects.toMatchObject({ code: 'ECONNREFUSED' })
  })

  it('refuses a placeholder in the endpoint host without allowed_hosts, and hosts not listed', async () => {
    const { writer } = await writerFor({ endpoint: 'http://${tag}:9/x' }, [], ['tag'])
    writers.push(writer)
    await expect(writer.write(chunk('evil.example'))).rejects.toThrow('allowed_hosts is strictly required')
    const listed = await writerFor({ endpoint: 'http://${tag}:9/x', allowed_hosts: 'good.example' }, [], ['tag'])
    writers.push(listed.writer)
    await expect(listed.writer.write(chunk('evil.example'))).rejects.toThrow('Not allowed host: evil.example')
  })

  it.each([
    ['a proxy', { proxy: 'http://proxy:3128' }, [], 'proxy is not supported yet'],
    ['aws_sigv4', {}, [{ name: 'auth', params: { method: 'aws_sigv4' } }], 'aws_sigv4 is not supported yet'],
    [
      'json_array with msgpack',
      { json_array: 'true' },
      [{ name: 'format', params: { '@type': 'msgpack' } }],
      'json_array option could be used with json formatter only',
    ],
    ['an unknown formatter', {}, [{ name: 'format', params: { '@type': 'xml' } }], "unknown formatter plugin 'xml' in <format>"],
    ['a bad endpoint', { endpoint: 'not a url' }, [], 'Invalid endpoint URI'],
    ['a bad status code', { retryable_response_codes: '[42]' }, [], 'is not an HTTP status code'],
  ])('refuses %s at config time', async (_name, params, sections, message) => {
    await expect(
      writerFor({ endpoint: 'http://127.0.0.1:9/x', ...params }, sections as { name: string; params: Record<string, string> }[]),
    ).rejects.toThrow(message)
  })
})

function statusText(status: number): string {
  return (
    { 429: 'Too Many Requests', 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout' }[
      status
    ] ?? ''
  )
}
