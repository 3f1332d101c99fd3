/**
 * @module The shared ingest suites inside workerd: Fluentd's in_http contract (runIngestSuite) on
 * the ingest app's `app.request` and through the whole edge runtime (`responses fluentd`), and the
 * edge answers (runEdgeIngestSuite) through the edge runtime — the same suites node-server's in_http
 * and engine/ingest run under Node, so one contract holds in both runtimes — and in_http's `<parse>`
 * (runParseIngestSuite) with both answer styles, as node-server's in_http runs it over HTTP.
 *
 * The edge runtime runs each suite twice: with the suites' requests as built (a body of unknown
 * length: the ingest app reads it as a stream, counted against body_size_limit) and with a
 * Content-Length on every body, as HTTP clients send one (a plain POST then goes straight to the
 * ingest handler, `Ingest.direct`, without the ingest app's dispatch).
 */

import { captures } from '../../test/helpers/capture-output.ts'
import { runEdgeIngestSuite } from '../../engine/ingest/edge.cases.ts'
import { runIngestSuite, type IngestTarget, type IngestParams } from '../../engine/ingest/ingest.cases.ts'
import { runParseIngestSuite } from '../../engine/ingest/parse.cases.ts'
import { optionsFromParams, paramsToConf } from '../../engine/ingest/ingest-cases/params.ts'
import { core, runtime } from './support.ts'
import { appRequestTarget } from '../../engine/ingest/ingest-cases/app-target.ts'

runIngestSuite('workerd: app.request', async (params, now) => appRequestTarget(core, { ...optionsFromParams(params), now }))

let next = 0

type BodyLength = 'streamed' | 'content-length'

/** The edge runtime with `<source @type http>` carrying the params and `<match **> @type capture`. */
async function edgeTarget(
  params: IngestParams,
  now: () => number,
  extra: Record<string, string>,
  length: BodyLength,
): Promise<IngestTarget> {
  const lines = Object.entries({ ...extra, ...paramsToConf(params) })
    .map(([k, v]) => `  ${k} ${v}`)
    .join('\n')
  return edgeSourceTarget(lines, now, length)
}

/** The request with its body read and its Content-Length set, as an HTTP client sends a known body. */
async function withContentLength(request: Request): Promise<Request> {
  if (request.body === null || request.headers.has('content-length')) return request
  const body = await request.arrayBuffer()
  const headers = new Headers(request.headers)
  headers.set('content-length', String(body.byteLength))
  return new Request(request.url, { method: request.method, headers, body })
}

/** The edge runtime with `lines` (params and sections as in a .conf) inside `<source @type http>`. */
async function edgeSourceTarget(lines: string, now: () => number, length: BodyLength): Promise<IngestTarget> {
  const id = `suite${next++}`
  const t = await runtime(`<source>\n  @type http\n${lines}\n</source>\n<match **>\n  @type capture\n  @id ${id}\n</match>\n`, { now })
  const capture = captures.get(id)!
  return {
    fetch: async (request) => t.runtime.app.request(length === 'content-length' ? await withContentLength(request) : request),
    events: () => capture.events,
    failEmits: (error) => {
      capture.failWith = error
    },
    peerAddress: null,
    close: async () => {
      captures.delete(id)
    },
  }
}

for (const length of ['streamed', 'content-length'] as const) {
  const name = `workerd: the edge runtime, ${length === 'streamed' ? 'bodies of unknown length' : 'bodies with Content-Length'}`
  runIngestSuite(`${name}, responses fluentd`, (params, now) => edgeTarget(params, now, { responses: 'fluentd' }, length))
  runEdgeIngestSuite(name, (params, now) => edgeTarget(params, now, {}, length))
  runParseIngestSuite(name, 'fluentd', (source, now) => edgeSourceTarget(`responses fluentd\n${source}`, now, length))
  runParseIngestSuite(name, 'edge', (source, now) => edgeSourceTarget(source, now, length))
}
