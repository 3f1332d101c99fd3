/**
 * @module Serves the built designer (ui/dist) under /ui/: files by extension type (core.wasm as
 * application/wasm, which instantiateStreaming requires), hashed assets cached for a year,
 * index.html never cached, no path outside the directory, and a clear 404 when the UI is not built.
 */

import { readFile, stat } from 'node:fs/promises'
import { extname, join, normalize, resolve, sep } from 'node:path'
import type { Context } from 'hono'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.ndjson': 'application/x-ndjson',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json',
}

/**
 * The designer loads its core with WebAssembly (needs 'wasm-unsafe-eval'), sets inline styles,
 * and talks to this API (or another daemon the user names).
 */
export const UI_CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self' http: https:",
  "worker-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ')

export const NOT_BUILT = 'The route designer is not built: run `npm run ui:build` (it writes ui/dist), then reload.\n'

/** Handles GET/HEAD /ui/<file>; `prefix` is the mount path ('/ui'). */
export function uiFileHandler(dist: string, prefix = '/ui') {
  const root = resolve(dist)
  return async function serveUiFile(c: Context): Promise<Response> {
    let rel: string
    try {
      rel = decodeURIComponent(new URL(c.req.url).pathname.slice(prefix.length))
    } catch {
      return c.text('bad path\n', 400)
    }
    if (rel === '' || rel === '/') rel = '/index.html'
    if (rel.includes('\0')) return c.text('bad path\n', 400)
    const file = resolve(root, '.' + normalize('/' + rel))
    if (file !== root && !file.startsWith(root + sep)) return c.text('not found\n', 404)
    let body: Buffer
    try {
      if (!(await stat(file)).isFile()) return c.text('not found\n', 404)
      body = await readFile(file)
    } catch {
      const built = await stat(join(root, 'index.html')).then(
        () => true,
        () => false,
      )
      return built ? c.text('not found\n', 404) : c.text(NOT_BUILT, 404)
    }
    const isIndex = file === join(root, 'index.html')
    const headers: Record<string, string> = {
      'content-type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'cache-control': isIndex ? 'no-cache' : rel.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      'x-content-type-options': 'nosniff',
    }
    if (isIndex) {
      headers['content-security-policy'] = UI_CSP
      headers['referrer-policy'] = 'no-referrer'
    }
    if (c.req.method === 'HEAD') return c.body(null, 200, headers)
    return c.body(new Uint8Array(body), 200, headers)
  }
}
