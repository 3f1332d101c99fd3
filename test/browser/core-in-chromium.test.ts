/**
 * @module Runs the cross-runtime core and parser checks in Debian's Chromium: bundles test/browser/page.ts with
 * esbuild in memory, serves it and wasm/build/core.wasm from a loopback HTTP server on port 0, drives
 * /usr/bin/chromium with playwright-core and reads the page's results back.
 */
import { existsSync } from 'node:fs'
import { mkdir, readFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { build } from 'esbuild'
import { type Browser, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CheckResult } from '../cross-runtime/core-checks.ts'
import { describeCoreChecks, describeParserChecks } from '../cross-runtime/vitest-checks.ts'

const ROOT = join(import.meta.dirname, '..', '..')
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

const HTML = `<!doctype html>
<html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>sluice core in Chromium</title></head>
<body><h1>sluice core checks</h1><script type="module" src="/page.js"></script></body></html>`

let server: Server | undefined
let browser: Browser | undefined
let page: Page | undefined
let origin = ''
const served: string[] = []
const pageErrors: string[] = []

async function startServer(files: Record<string, { type: string; body: Uint8Array | string }>): Promise<string> {
  server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname
    served.push(path)
    const file = files[path]
    if (req.method !== 'GET' || !file) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found')
      return
    }
    res.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-store' }).end(file.body)
  })
  await new Promise<void>((resolve, reject) => {
    server!.once('error', reject)
    server!.listen(0, '127.0.0.1', resolve)
  })
  const { port } = server.address() as AddressInfo
  return `http://127.0.0.1:${port}`
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: run \`node scripts/ensure-chromium.mjs\` (npm test does it in pretest)`)
  }
  const bundle = await build({
    entryPoints: [join(import.meta.dirname, 'page.ts')],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    sourcemap: 'inline',
    logLevel: 'silent',
  })
  const wasm = await readFile(join(ROOT, 'wasm', 'build', 'core.wasm'))
  origin = await startServer({
    '/': { type: 'text/html; charset=utf-8', body: HTML },
    '/page.js': { type: 'text/javascript; charset=utf-8', body: bundle.outputFiles[0].contents },
    // instantiateStreaming insists on this content type
    '/core.wasm': { type: 'application/wasm', body: wasm },
  })
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS })
  page = await browser.newPage()
  page.on('pageerror', (e) => pageErrors.push(`pageerror: ${e.message}`))
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(`console.error: ${m.text()}`)
  })
  await page.goto(`${origin}/`)
})

afterAll(async () => {
  await browser?.close()
  server?.closeAllConnections()
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))
})

let resultsOnce: Promise<CheckResult[]> | undefined
const pageResults = (): Promise<CheckResult[]> => (resultsOnce ??= readPageResults())

async function readPageResults(): Promise<CheckResult[]> {
  if (!page) throw new Error('the page did not open (see the beforeAll error)')
  await page.waitForFunction(() => window.__results !== undefined || window.__error !== undefined, null, {
    timeout: 30_000,
  })
  const error = await page.evaluate(() => window.__error)
  if (error !== undefined) throw new Error(`the page failed: ${error}\n${pageErrors.join('\n')}`)
  await mkdir(join(ROOT, 'test-results'), { recursive: true })
  await page.screenshot({ path: join(ROOT, 'test-results', 'core-in-chromium.png'), fullPage: true })
  return (await page.evaluate(() => window.__results))!
}

describe('the core module in Chromium', () => {
  it('runs in Chromium, fetching the page, its script and core.wasm from the loopback server', async () => {
    await pageResults()
    expect(await page!.evaluate(() => navigator.userAgent)).toMatch(/HeadlessChrome\//)
    expect(served).toEqual(expect.arrayContaining(['/', '/page.js', '/core.wasm']))
    expect(pageErrors).toEqual([])
  })
})

describeCoreChecks('Chromium', pageResults)
describeParserChecks('Chromium', async () => {
  await pageResults()
  return (await page!.evaluate(() => window.__parserResults))!
})
