/**
 * @module Fixture Worker for the workerd tests: instantiates the WebAssembly core from the module
 * wrangler bundles (`import … from '*.wasm'`) and answers GET /checks with the core checks' results.
 */
import coreModule from '../../wasm/build/core.wasm'
import { Core } from '../../wasm/core.ts'
import { runCoreChecks } from '../cross-runtime/core-checks.ts'

let core: Core | undefined

export default {
  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url)
    if (request.method === 'GET' && url.pathname === '/checks') {
      core ??= Core.fromModule(coreModule)
      return Response.json({ userAgent: navigator.userAgent, results: await runCoreChecks(core) })
    }
    return new Response('not found', { status: 404 })
  },
} satisfies ExportedHandler
