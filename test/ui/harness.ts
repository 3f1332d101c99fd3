/**
 * @module The designer's browser test harness: builds the UI with Vite's JS API into a temp dir,
 * serves it through node-server/ui-api's createUiApi on 127.0.0.1 port 0 (with an apply recorder
 * and a tap hub), and drives Debian's Chromium with playwright-core. Everything is torn down by
 * `close()`.
 */

import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { serve, type ServerType } from '@hono/node-server'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { build } from 'vite'
import { createTapHub, createUiApi, validateConfigText, type TapHub } from '../../node-server/ui-api/index.ts'
import { loadCore } from '../../wasm/load-node.ts'

export const ROOT = join(import.meta.dirname, '..', '..')
export const RESULTS = join(ROOT, 'test-results')
const CHROMIUM = '/usr/bin/chromium'
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--no-pings',
  '--disable-domain-reliability',
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
]
export const TOKEN = 'designer-test-token'

/** What the harness's stand-in daemon "runs" at start (the designer opens on it). */
export const RUNNING_CONFIG = `<source>
  @type forward
  port 24224
</source>

<filter app.**>
  @type grep
  <exclude>
    key level
    pattern /^debug$/
  </exclude>
</filter>

<filter app.**>
  @type record_transformer
  <record>
    host \${hostname}
  </record>
</filter>

<match app.audit.**>
  @type file
  path /var/log/sluice/audit
</match>

<match app.**>
  @type forward
  <server>
    host aggregator.internal
    port 24224
  </server>
</match>

<match **>
  @type stdout
</match>
`

export interface Harness {
  origin: string
  /** The built designer (for a real daemon's --ui-dist). */
  dist: string
  browser: Browser
  hub: TapHub
  applied: string[]
  /**
   * When set, the next apply that passes validation fails with this reason and keeps the running
   * config, as a daemon does when the new agent cannot start (a port taken: node-server/ops tests it
   * for real); this stand-in daemon has no agent to start.
   */
  failNextApply: string | null
  /**
   * A fresh context (empty storage) and page at /ui/ of the harness, or at `path` when it is a full URL
   * (a real daemon's /ui/), with page errors collected.
   */
  open(path?: string, viewport?: { width: number; height: number }): Promise<{ page: Page; context: BrowserContext; errors: string[] }>
  close(): Promise<void>
}

export async function startHarness(): Promise<Harness> {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: run \`node scripts/ensure-chromium.mjs\` (npm test does it in pretest)`)
  if (!existsSync(join(ROOT, 'wasm', 'build', 'core.wasm'))) throw new Error('wasm/build/core.wasm is missing: run npm run build:wasm')
  const dist = await mkdtemp(join(tmpdir(), 'sluice-ui-'))
  let server: ServerType | undefined
  let browser: Browser | undefined
  try {
    // Vitest sets NODE_ENV=test; the UI is built as `npm run ui:build` builds it (production).
    const nodeEnv = process.env.NODE_ENV
    process.env.NODE_ENV = 'production'
    try {
      await build({
        configFile: join(ROOT, 'ui', 'vite.config.ts'),
        mode: 'production',
        logLevel: 'error',
        build: { outDir: dist, emptyOutDir: true },
      })
    } finally {
      process.env.NODE_ENV = nodeEnv
    }
    await mkdir(RESULTS, { recursive: true })
    const hub = createTapHub(await loadCore())
    const applied: string[] = []
    const harness = { failNextApply: null as string | null }
    let running = RUNNING_CONFIG
    const app = createUiApi({
      uiDist: dist,
      token: TOKEN,
      getConfigText: () => running,
      getMaskedConfigText: () => running,
      applyConfig: async (text) => {
        const result = await validateConfigText(text)
        if (!result.ok) return { ok: false, errors: result.errors.map((e) => e.message) }
        if (harness.failNextApply !== null) {
          const reason = harness.failNextApply
          harness.failNextApply = null
          return { ok: false, errors: [reason] }
        }
        applied.push(text)
        running = text
        return { ok: true, errors: [] }
      },
      tap: hub,
    })
    const listening = await new Promise<ServerType>((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s))
    })
    server = listening
    const address = listening.address()
    if (address === null || typeof address === 'string') throw new Error('no port')
    const origin = `http://127.0.0.1:${address.port}`
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS })
    const b = browser
    return {
      origin,
      dist,
      browser: b,
      hub,
      applied,
      get failNextApply() {
        return harness.failNextApply
      },
      set failNextApply(reason: string | null) {
        harness.failNextApply = reason
      },
      async open(path = '/ui/', viewport = { width: 1440, height: 900 }) {
        const context = await b.newContext({ viewport, acceptDownloads: true })
        const url = /^https?:/.test(path) ? path : `${origin}${path}`
        await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(url).origin })
        const page = await context.newPage()
        const errors: string[] = []
        page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`))
        page.on('console', (m) => {
          if (m.type() === 'error') errors.push(`console.error: ${m.text()}`)
        })
        await page.goto(url)
        await page.waitForSelector('[data-testid=preview-status][data-ready=true]', { state: 'attached', timeout: 30_000 })
        return { page, context, errors }
      },
      async close() {
        await b.close()
        await new Promise<void>((resolve) => listening.close(() => resolve()))
        await rm(dist, { recursive: true, force: true })
      },
    }
  } catch (error) {
    await browser?.close()
    server?.close()
    await rm(dist, { recursive: true, force: true })
    throw error
  }
}

/** Waits until the preview shows the result of the designer's latest change (and `events` samples). */
export async function previewSettled(page: Page, events?: number): Promise<void> {
  await page.waitForFunction(
    (n) => {
      const el = document.querySelector<HTMLElement>('[data-testid=preview-status]')
      if (!el) return false
      return el.dataset.seq === el.dataset.version && el.dataset.run !== '0' && (n === null || el.dataset.events === String(n))
    },
    events ?? null,
    { timeout: 30_000, polling: 20 },
  )
}

/** Clicks a button that may ask first, and says yes when the confirmation dialog appears. */
export async function confirmIfAsked(page: Page): Promise<void> {
  const dialog = page.locator('[data-testid=confirm-dialog][open]')
  if (await dialog.count()) await page.click('[data-testid=confirm-yes]')
}

/** The designer's text (switches to the fluent.conf view). */
export async function confText(page: Page): Promise<string> {
  await page.click('[data-testid=tab-text]')
  return page.locator('[data-testid=conf-textarea]').inputValue()
}

/** Replaces the whole config through the text view and waits for its preview. */
export async function setConf(page: Page, text: string, events?: number): Promise<void> {
  await page.click('[data-testid=tab-text]')
  await page.fill('[data-testid=conf-textarea]', text)
  await previewSettled(page, events)
}
