/**
 * @module The preview Web Worker: loads core.wasm (a separate file, fetched with
 * instantiateStreaming), runs a PreviewSession, and coalesces bursts of changes — when several
 * config or sample updates are queued, only the newest state is previewed, once.
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
      const result = s.setSamples(request.text, request.format, request.tag)
      post({ type: 'samples', ...result, bytes: request.text.length })
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
    case 'rows':
      post({ type: 'rows', run: s.run, start: request.start, rows: s.rows(request.start, request.end) })
      return
    case 'details':
      post({ type: 'details', run: s.run, details: await s.details(request.index) })
      return
    case 'export':
      post({ type: 'export', run: s.run, text: s.exportNdjson(request.what) })
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
