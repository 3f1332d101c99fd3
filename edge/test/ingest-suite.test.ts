/**
 * @module The shared ingest suites inside workerd: Fluentd's in_http contract (runIngestSuite) on
 * the ingest app's `app.request` and through the whole edge runtime (`responses fluentd`), and the
 * edge answers (runEdgeIngestSuite) through the edge runtime — the same suites node-server's in_http
 * and engine/ingest run under Node, so one contract holds in both runtimes — and in_http's `<parse>`
 * (runParseIngestSuite) with both answer styles, as node-server's in_http runs it over HTTP.
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

/** The edge runtime with `<source @type http>` carrying the params and `<match **> @type capture`. */
async function edgeTarget(params: IngestParams, now: () => number, extra: Record<string, string>): Promise<IngestTarget> {
  const lines = Object.entries({ ...extra, ...paramsToConf(params) })
    .map(([k, v]) => `  ${k} ${v}`)
    .join('\n')
  return edgeSourceTarget(lines, now)
}

/** The edge runtime with `lines` (params and sections as in a .conf) inside `<source @type http>`. */
async function edgeSourceTarget(lines: string, now: () => number): Promise<IngestTarget> {
  const id = `suite${next++}`
  const t = await runtime(`<source>\n  @type http\n${lines}\n</source>\n<match **>\n  @type capture\n  @id ${id}\n</match>\n`, { now })
  const capture = captures.get(id)!
  return {
    fetch: async (request) => t.runtime.app.request(request),
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

runIngestSuite('workerd: the edge runtime, responses fluentd', (params, now) => edgeTarget(params, now, { responses: 'fluentd' }))
runEdgeIngestSuite('workerd: the edge runtime', (params, now) => edgeTarget(params, now, {}))
runParseIngestSuite('workerd: the edge runtime', 'fluentd', (source, now) => edgeSourceTarget(`responses fluentd\n${source}`, now))
runParseIngestSuite('workerd: the edge runtime', 'edge', (source, now) => edgeSourceTarget(source, now))
