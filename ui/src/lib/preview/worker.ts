/**
 * @module The preview Web Worker: loads core.wasm (a separate file, fetched with
 * instantiateStreaming), runs a PreviewSession, and coalesces bursts of changes — when several
 * config or sample updates are queued, only the newest state is previewed, once. Requests with an
 * `id` (a test case from an event, the parse preview, the Apply dialog's plan) get an answer with
 * that id, or `failed` with the reason.
 */

import wasmUrl from '../../../../wasm/build/core.wasm?url'
import { loadCoreFromUrl } from '../../../../wasm/load-browser.ts'
import { designerCheckRegistry, loadCatalog } from '../config/catalog.ts'
import type { ConfigState, WorkerRequest, WorkerResponse } from './protocol.ts'
import { PreviewSession } from './session.ts'

const scope = self as unknown as { postMessage(m: WorkerResponse): void; onmessage: ((e: MessageEvent<WorkerRequest>) => void) | null }
const post = (message: WorkerResponse) => scope.postMessage(message)

let session: PreviewSession | null = null
const queue: WorkerRequest[] = []
let pending: { config: ConfigState; entry: string | null | undefined; seq: number; received: number } | null = null
let dirty = false
let busy = false

scope.onmessage = (event) => {
  queue.push(event.data)
  void pump()
}

async function pump(): Promise<void> {
  if (busy || session === null) return
  busy = true
  try {
    while (queue.length > 0 || dirty) {
      while (queue.length > 0) await handle(queue.shift()!)
      if (dirty && pending !== null) {
        dirty = false
        const { config, entry, seq, received } = pending
        const result = await session.preview(config, entry)
        post({
          type: 'result',
          run: result.run,
          seq,
          summary: result.summary,
          impact: result.impact,
          diagnostics: result.diagnostics,
          tests: result.tests,
          samples: result.samples,
          workerMs: performance.now() - received,
          sampleCount: result.sampleCount,
        })
      } else dirty = false
    }
  } catch (error) {
    post({ type: 'fatal', message: error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error) })
  } finally {
    busy = false
  }
}

async function handle(request: WorkerRequest): Promise<void> {
  const s = session!
  switch (request.type) {
    case 'samples': {
      const info = s.setSamples(request.text, request.format, request.tag)
      post({ type: 'samples', ...info, bytes: request.text.length })
      dirty = true
      return
    }
    case 'config':
      pending = { config: request.config, entry: request.entry, seq: request.seq, received: performance.now() }
      dirty = true
      return
    case 'baseline':
      s.setBaseline(request.config)
      dirty = true
      return
    case 'cases':
      try {
        s.setCases(request.cases)
      } catch (error) {
        post({ type: 'fatal', message: `the kept tests are damaged: ${error instanceof Error ? error.message : String(error)}` })
      }
      dirty = true
      return
    case 'hostname':
      if (s.setHostname(request.hostname)) dirty = true
      return
    case 'rows':
      post({ type: 'rows', run: s.run, start: request.start, rows: s.rows(request.start, request.end) })
      return
    case 'details':
      post({ type: 'details', run: s.run, details: await s.details(request.index) })
      return
    case 'export':
      post({ type: 'export', run: s.run, text: s.exportNdjson(request.what) })
      return
    default:
      await answer(request)
  }
}

/** Requests with an id: the answer, or `failed` with the reason (the worker keeps going). */
async function answer(request: Extract<WorkerRequest, { id: number }>): Promise<void> {
  const s = session!
  try {
    switch (request.type) {
      case 'case': {
        const made = s.caseOf(request.index, request.name)
        post(
          typeof made === 'string'
            ? { type: 'case', id: request.id, case: null, error: made }
            : { type: 'case', id: request.id, case: made, error: null },
        )
        return
      }
      case 'parse':
        post({ type: 'parsed', id: request.id, result: s.parsePreview(request.element, request.text) })
        return
      case 'plan':
        post({ type: 'plan', id: request.id, ...(await s.plan(request.running, request.next)) })
    }
  } catch (error) {
    post({ type: 'failed', id: request.id, message: error instanceof Error ? error.message : String(error) })
  }
}

Promise.all([loadCoreFromUrl(new URL(wasmUrl, self.location.href)), loadCatalog()])
  .then(([core, catalog]) => {
    session = new PreviewSession(core, catalog, designerCheckRegistry())
    post({ type: 'ready' })
    void pump()
  })
  .catch((error: unknown) =>
    post({ type: 'fatal', message: `cannot start the preview: ${error instanceof Error ? error.message : String(error)}` }),
  )
