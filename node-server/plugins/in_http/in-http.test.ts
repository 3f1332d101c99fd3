/**
 * @module in_http on a real node:http server (port 0): the shared ingest suite over HTTP, then
 * what only a server shows — the bound port, raw HTTP/1.0 and keep-alive clients, backpressure
 * (the answer waits for a slow output), stop with a request in flight, and config errors.
 */

import { afterEach, describe, expect, it } from 'vitest'
import { connect } from 'node:net'
import { request as httpRequest, Agent } from 'node:http'
import { startAgent, type TestAgent } from '../../../test/helpers/agent.ts'
import { captures } from '../../../test/helpers/capture-output.ts'
import { runIngestSuite } from '../../../engine/ingest/ingest.cases.ts'
import { runParseIngestSuite } from '../../../engine/ingest/parse.cases.ts'
import { parserJson } from '../../../engine/plugins/parser_json/index.ts'
import { parserLtsv } from '../../../engine/plugins/parser_ltsv/index.ts'
import { parserMsgpack } from '../../../engine/plugins/parser_msgpack/index.ts'
import { parserMultiline } from '../../../engine/plugins/parser_multiline/index.ts'
import { parserNone } from '../../../engine/plugins/parser_none/index.ts'
import { parserRegexp } from '../../../engine/plugins/parser_regexp/index.ts'
import { paramsToConf } from '../../../engine/ingest/ingest-cases/params.ts'
import type { IngestTarget } from '../../../engine/ingest/ingest-cases/support.ts'
import type { OutputPlugin, PluginSpec } from '../../../engine/plugin.ts'
import { inHttp, type InHttpPlugin } from './index.ts'

let counter = 0

async function startHttp(params: Record<string, string>, extra: PluginSpec[] = [], output = '@type capture', now?: () => number) {
  const lines = Object.entries(params)
    .map(([k, v]) => `${k} ${v}`)
    .join('\n')
  return startHttpSource(lines, extra, output, now)
}

/** in_http with `lines` (params and sections as written in a .conf) inside its <source>. */
async function startHttpSource(lines: string, extra: PluginSpec[] = [], output = '@type capture', now?: () => number) {
  const id = ++counter
  const agent = await startAgent(
    `<source>\n@type http\n@id in${id}\nbind 127.0.0.1\nport 0\n${lines}\n</source>\n<match **>\n${output}\n@id out${id}\n</match>`,
    [inHttp, ...extra],
    { now },
  )
  const plugin = agent.agent.plugins.find((p) => p.id === `in${id}`)!.plugin as InHttpPlugin
  return { agent, port: plugin.address().port, out: `out${id}` }
}

/** A suite target: the agent's in_http over HTTP on port 0, its events captured. */
async function httpTarget(started: Awaited<ReturnType<typeof startHttp>>): Promise<IngestTarget> {
  const { agent, port, out } = started
  const capture = captures.get(out)!
  return {
    async fetch(request) {
      const url = new URL(request.url)
      return fetch(`http://127.0.0.1:${port}${url.pathname}${url.search}`, {
        method: request.method,
        headers: request.headers,
        body: request.body,
        duplex: 'half',
      } as RequestInit)
    },
    events: () => capture.events,
    failEmits: (error) => {
      capture.failWith = error
    },
    peerAddress: /^(127\.0\.0\.1|::ffff:127\.0\.0\.1)$/,
    close: () => agent.stop(),
  }
}

runIngestSuite('in_http over HTTP', async (params, now) => httpTarget(await startHttp(paramsToConf(params), [], '@type capture', now)))

const PARSERS = [parserNone, parserRegexp, parserJson, parserMsgpack, parserLtsv, parserMultiline]
runParseIngestSuite('in_http over HTTP', 'fluentd', async (source, now) =>
  httpTarget(await startHttpSource(source, PARSERS, '@type capture', now)),
)

/** A test output whose emits wait until the test releases them. */
const gate = { pending: [] as (() => void)[], received: 0 }
const gated: PluginSpec<'output'> = {
  name: 'gated',
  kind: 'output',
  description: 'test output that holds emits',
  schema: { params: [] },
  runtimes: ['node'],
  create: (): OutputPlugin => ({
    emit: (stream) =>
      new Promise<void>((resolve) => {
        gate.received += stream.count
        gate.pending.push(resolve)
      }),
  }),
}

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now()
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 5))
  }
}

/** Sends raw bytes and collects everything until the server closes (or `timeoutMs`). */
function raw(port: number, text: string, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    let data = ''
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new Error(`no close within ${timeoutMs} ms: ${data}`))
    }, timeoutMs)
    socket.on('data', (d) => {
      data += d.toString('latin1')
    })
    socket.on('close', () => {
      clearTimeout(timer)
      resolve(data)
    })
    socket.on('error', reject)
    socket.write(text)
  })
}

let running: TestAgent | null = null
afterEach(async () => {
  for (const release of gate.pending.splice(0)) release()
  gate.received = 0
  await running?.stop()
  running = null
})

describe('in_http server', () => {
  it('listens on the port it was given (0 → a free one)', async () => {
    const started = await startHttp({})
    running = started.agent
    expect(started.port).toBeGreaterThan(0)
  })

  it('serves HTTP/1.0 and closes, and keeps HTTP/1.1 connections alive', async () => {
    const started = await startHttp({})
    running = started.agent
    const answer = await raw(
      started.port,
      'POST /old/client HTTP/1.0\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n{"a":1}',
    )
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n/)
    const agent = new Agent({ keepAlive: true, maxSockets: 1 })
    const sockets = new Set<unknown>()
    for (let i = 0; i < 3; i++) {
      await new Promise<void>((resolve, reject) => {
        const req = httpRequest(
          { port: started.port, host: '127.0.0.1', method: 'POST', path: '/ka', agent, headers: { 'content-type': 'application/json' } },
          (res) => {
            sockets.add(res.socket)
            res.resume()
            res.on('end', () => resolve())
          },
        )
        req.on('error', reject)
        req.end(`{"i":${i}}`)
      })
    }
    agent.destroy()
    expect(sockets.size).toBe(1)
    expect(captures.get(started.out)!.events.map((e) => e.tag)).toEqual(['old.client', 'ka', 'ka', 'ka'])
  })

  it('closes a kept-alive connection after keepalive_timeout of idleness', async () => {
    const started = await startHttp({ keepalive_timeout: '0.2' })
    running = started.agent
    const begun = Date.now()
    const answer = await raw(
      started.port,
      'POST /idle HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}',
    )
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n/)
    expect(Date.now() - begun).toBeGreaterThanOrEqual(150)
  })

  it('answers only after the output accepted the events (backpressure)', async () => {
    const started = await startHttp({}, [gated], '@type gated')
    running = started.agent
    let answered = false
    const response = fetch(`http://127.0.0.1:${started.port}/slow`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '[{"a":1},{"a":2}]',
    }).then((res) => {
      answered = true
      return res
    })
    await until(() => gate.received === 2)
    await new Promise((r) => setTimeout(r, 50))
    expect(answered).toBe(false)
    gate.pending.shift()!()
    expect((await response).status).toBe(200)
  })

  it('lets a request in flight finish when the agent stops', async () => {
    const started = await startHttp({}, [gated], '@type gated')
    const response = fetch(`http://127.0.0.1:${started.port}/slow`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a":1}',
    })
    await until(() => gate.received === 1)
    const stopped = started.agent.stop()
    await new Promise((r) => setTimeout(r, 20))
    gate.pending.shift()!()
    expect((await response).status).toBe(200)
    await stopped
    await expect(fetch(`http://127.0.0.1:${started.port}/after`, { method: 'POST', body: '{}' })).rejects.toThrow()
  })

  it('sends 413 with Connection: close for an oversized body', async () => {
    const started = await startHttp({ body_size_limit: '1k' })
    running = started.agent
    const answer = await raw(
      started.port,
      `POST /big HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n${'x'.repeat(5000)}`,
    )
    expect(answer).toMatch(/^HTTP\/1\.1 413 /)
    expect(answer.toLowerCase()).toContain('connection: close')
  })

  it.each([
    [
      'cors_allow_credentials without origins',
      'cors_allow_credentials true',
      'Cannot enable cors_allow_credentials without specific origins',
    ],
    ['an empty add_tag_prefix', 'add_tag_prefix ""', "'add_tag_prefix' parameter must not be empty"],
    [
      'an unknown <parse> type',
      '<parse>\n@type jsn\n</parse>',
      "test.conf:4: unknown parser plugin 'jsn' in <parse>; hint: did you mean 'json'?",
    ],
    [
      'a param the chosen parser lacks (with --strict)',
      '<parse>\n@type json\nexpression /x/\n</parse>',
      "parameter 'expression' in <parse> is not used",
    ],
    [
      'a required param of the chosen parser',
      '<parse>\n@type regexp\n</parse>',
      'test.conf:4: missing required param expression in <parse>',
    ],
    ['an unknown param (with --strict)', 'formatt json', "parameter 'formatt' in <source> is not used"],
  ])('rejects %s at config time', async (_name, line, message) => {
    await expect(
      startAgent(`<source>\n@type http\nport 0\n${line}\n</source>\n<match **>\n@type capture\n</match>`, [inHttp, ...PARSERS], {
        strict: true,
      }),
    ).rejects.toThrow(message)
  })

  it('accepts <parse> @type in_http with time_key / keep_time_key', async () => {
    running = await startAgent(
      '<source>\n@type http\n@id p\nbind 127.0.0.1\nport 0\n<parse>\n@type in_http\ntime_key ts\nkeep_time_key true\n</parse>\n</source>\n<match **>\n@type capture\n@id pout\n</match>',
      [inHttp],
    )
    const port = (running.agent.plugins.find((p) => p.id === 'p')!.plugin as InHttpPlugin).address().port
    await fetch(`http://127.0.0.1:${port}/p`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"ts":1441588984}',
    })
    expect(captures.get('pout')!.events[0]).toMatchObject({ time: { sec: 1441588984 }, record: { ts: 1441588984 } })
  })
})
