/**
 * @module The ingest contract as ONE suite, run against every way the app is served: `app.request`
 * directly, node-server's in_http over real HTTP, and (later) the Workers edge. A runner supplies
 * `makeTarget(params, now)`: something that takes a `Request` and answers it, with the app built
 * from in_http params (Fluentd names, as written in a .conf) and the given clock, plus a way to read
 * what was emitted and to make emits fail. Runtime-neutral: no node:* here (gzip via CompressionStream).
 *
 * @example
 * runIngestSuite('app.request', async (params, now) => ({ fetch: (r) => app.request(r), ... }))
 */

import { afterEach, describe } from 'vitest'
import { bodyCases } from './ingest-cases/bodies.ts'
import { httpCases } from './ingest-cases/http.ts'
import { optionCases } from './ingest-cases/options.ts'
import { NOW_MS, type IngestTarget, type MakeTarget, type SuiteContext } from './ingest-cases/support.ts'

export {
  compress,
  NOW_MS,
  post,
  URL_BASE,
  type IngestedEvent,
  type IngestParams,
  type IngestTarget,
  type MakeTarget,
  type SuiteContext,
} from './ingest-cases/support.ts'

/** Registers the whole suite under `describe(name)`. */
export function runIngestSuite(name: string, makeTarget: MakeTarget): void {
  describe(`ingest contract (${name})`, () => {
    const open: IngestTarget[] = []
    afterEach(async () => {
      await Promise.all(open.splice(0).map((t) => t.close()))
    })
    const ctx: SuiteContext = {
      async target(params = {}) {
        const t = await makeTarget(params, () => NOW_MS)
        open.push(t)
        return t
      },
    }
    bodyCases(ctx)
    optionCases(ctx)
    httpCases(ctx)
  })
}
