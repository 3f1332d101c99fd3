/**
 * @module The designer's HTTP surface as a Hono sub-app, for the daemon's API server (default
 * 127.0.0.1:24220) to mount: the built UI under /ui/, GET /api/designer (what this daemon allows,
 * and its host name for the preview of `${hostname}`),
 * POST /api/config/validate, POST /api/config/apply (Bearer token), GET /api/config (the running
 * config), and the opt-in live tap GET /api/tap (server-sent events; 404 unless a provider is
 * configured).
 *
 * Token rules: with `token: null`, apply is refused (403: the daemon was not given a token, so
 * nothing may change it over HTTP); the tap then needs no token (the operator opted in by
 * configuring it, and the API listens on loopback). With a token, apply and tap require
 * `Authorization: Bearer <token>`. GET /api/config answers the config as written with a valid token,
 * and with every secret value replaced by `xxxxxx` without one (`x-sluice-secrets: masked`; a wrong
 * token is a 401) — the designer opens on the running config either way, as monitor_agent's
 * /api/plugins.json shows configs with secrets masked. Validation never needs a token: it reads no
 * file and no environment variable (see validate.ts).
 */

import { hostname } from 'node:os'
import { Hono, type MiddlewareHandler } from 'hono'
import { bearerAuth } from 'hono/bearer-auth'
import { bodyLimit } from 'hono/body-limit'
import { uiFileHandler } from './static.ts'
import { tapHandler, type TapOptions } from './tap.ts'
import type { TapProvider } from './tap-hub.ts'
import { validateConfigText, type ValidateResult } from './validate.ts'

export interface UiApiOptions {
  /** The built designer (ui/dist). */
  uiDist: string
  /** The API token; null disables apply and reading the config. */
  token: string | null
  getConfigText(): string
  /** The running config with secret values masked (GET /api/config without the token); absent: refused. */
  getMaskedConfigText?(): string
  /** Validates and hot-reloads; resolves with the outcome (the old config keeps running on errors). */
  applyConfig(text: string): Promise<{ ok: boolean; errors: string[] }>
  /** The live tap; null or absent keeps GET /api/tap off (404). */
  tap?: TapProvider | null
  /** How posted configs are validated; default: validateConfigText (sluice check's rules, no file access). */
  validateConfig?(text: string): Promise<ValidateResult>
  /** Largest config body accepted (default 4 MiB). */
  maxConfigBytes?: number
  tapOptions?: TapOptions
  /** The host name the daemon's plugins see (`${hostname}`), for the designer's preview; default os.hostname(). */
  hostname?: string
}

export type { ValidateResult } from './validate.ts'
export { createTapHub, type TapEvent, type TapHub, type TapListener, type TapProvider } from './tap-hub.ts'
export { validateConfigText } from './validate.ts'
export { tapJson } from './tap.ts'

/**
 * @example
 * const ui = createUiApi({ uiDist: 'ui/dist', token, getConfigText, applyConfig, tap: hub })
 * apiApp.route('/', ui) // GET /ui/, POST /api/config/validate, …
 */
export function createUiApi(options: UiApiOptions): Hono {
  const app = new Hono()
  const maxBytes = options.maxConfigBytes ?? 4 * 1024 * 1024
  const validate = options.validateConfig ?? ((text: string) => validateConfigText(text))
  const limit = bodyLimit({ maxSize: maxBytes, onError: (c) => c.json({ error: `the config is larger than ${maxBytes} bytes` }, 413) })
  const requireToken = (what: string, refuseWithout: boolean): MiddlewareHandler => {
    if (options.token === null) {
      return async function noToken(c, next) {
        if (refuseWithout) return c.json({ error: `${what} is disabled: the daemon has no API token (set one to allow it)` }, 403)
        await next()
      }
    }
    return bearerAuth({
      token: options.token,
      noAuthenticationHeader: { message: { error: `${what} needs Authorization: Bearer <token>` } },
      invalidToken: { message: { error: 'invalid token' } },
      invalidAuthenticationHeader: { message: { error: 'invalid Authorization header' } },
    })
  }
  const readText = async (body: string, type: string | undefined): Promise<string | null> => {
    if (type?.startsWith('application/json')) {
      try {
        const parsed = JSON.parse(body) as { config?: unknown }
        return typeof parsed.config === 'string' ? parsed.config : null
      } catch {
        return null
      }
    }
    return body
  }

  app.get('/ui', (c) => c.redirect('/ui/', 301))
  const files = uiFileHandler(options.uiDist, '/ui')
  app.on(['GET', 'HEAD'], '/ui/*', files)

  app.post('/api/config/validate', limit, async (c) => {
    const text = await readText(await c.req.text(), c.req.header('content-type'))
    if (text === null) return c.json({ error: 'send the config as text/plain, or JSON {"config": "<text>"}' }, 400)
    return c.json(await validate(text))
  })

  app.post('/api/config/apply', requireToken('applying a config', true), limit, async (c) => {
    const text = await readText(await c.req.text(), c.req.header('content-type'))
    if (text === null) return c.json({ error: 'send the config as text/plain, or JSON {"config": "<text>"}' }, 400)
    try {
      const result = await options.applyConfig(text)
      return c.json({ ok: result.ok, errors: result.errors }, result.ok ? 200 : 422)
    } catch (error) {
      return c.json({ ok: false, errors: [`apply failed: ${error instanceof Error ? error.message : String(error)}`] }, 500)
    }
  })

  app.get('/api/config', async (c) => {
    const auth = c.req.header('authorization')
    const headers = { 'cache-control': 'no-store' }
    if (options.token !== null && auth !== undefined) {
      const ok = await requireToken('reading the config', true)(c, async () => {})
      if (ok instanceof Response) return ok
      return c.text(options.getConfigText(), 200, { ...headers, 'x-sluice-secrets': 'shown' })
    }
    if (options.getMaskedConfigText === undefined)
      return c.json({ error: 'reading the config needs Authorization: Bearer <token>' }, options.token === null ? 403 : 401)
    return c.text(options.getMaskedConfigText(), 200, { ...headers, 'x-sluice-secrets': 'masked' })
  })

  const tap = options.tap ?? null
  app.get('/api/designer', (c) =>
    c.json({
      apply: options.token !== null,
      tap: tap !== null,
      token: options.token !== null,
      secrets: 'masked without the token',
      hostname: options.hostname ?? hostname(),
    }),
  )
  if (tap === null) {
    app.get('/api/tap', (c) => c.json({ error: 'the live tap is off: the daemon has no tap provider' }, 404))
  } else {
    app.get('/api/tap', requireToken('the live tap', false), tapHandler(tap, options.tapOptions))
  }
  return app
}
