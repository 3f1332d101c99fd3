/**
 * @module The suites' simplest target: the ingest app called with `app.request` (no server), its
 * events decoded with the core as they are emitted. Runtime-neutral: Node and workerd both use it.
 */

import type { Core } from '../../../wasm/core.ts'
import { decodeStream } from '../../event-stream.ts'
import { createIngestApp } from '../app.ts'
import type { IngestOptions } from '../options.ts'
import type { IngestedEvent, IngestTarget } from './support.ts'

export function appRequestTarget(core: Core, options: Omit<IngestOptions, 'emit'>): IngestTarget {
  const events: IngestedEvent[] = []
  let failure: Error | null = null
  const app = createIngestApp({
    core,
    ...options,
    emit(stream) {
      if (failure) throw failure
      for (const e of decodeStream(core, stream)) events.push({ tag: stream.tag, ...e })
    },
  })
  return {
    fetch: async (request) => app.request(request),
    events: () => events,
    failEmits: (error) => {
      failure = error
    },
    peerAddress: null,
    close: async () => {},
  }
}
