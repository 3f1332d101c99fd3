/**
 * @module The designer served by a real `sluice` process (its --ui-dist is the harness's build), in
 * Debian's Chromium: it opens on that daemon's running config, and `${hostname}` in a
 * record_transformer previews as the daemon's host name (GET /api/designer), as the agent's own
 * plugins write it — not as the stand-in the designer uses when no daemon serves it.
 */

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PREVIEW_HOSTNAME } from '../../engine/preview/types.ts'
import { startSluice, type SluiceProcess } from '../../node-server/cli/testing/sluice-process.ts'
import { confText, previewSettled, startHarness, type Harness } from './harness.ts'

let h: Harness
let dir: string
let sluice: SluiceProcess | undefined
beforeAll(async () => {
  h = await startHarness()
  dir = mkdtempSync(join(tmpdir(), 'sluice-ui-daemon-'))
})
afterAll(async () => {
  await sluice?.kill()
  await h?.close()
  rmSync(dir, { recursive: true, force: true })
})

const CONFIG = `<source>
  @type forward
  @id in
  bind 127.0.0.1
  port 0
</source>

<filter **>
  @type record_transformer
  <record>
    host \${hostname}
  </record>
</filter>

<match **>
  @type null
</match>
`

describe('the designer on a real sluice', () => {
  it('previews ${hostname} as the daemon’s host name', { timeout: 60_000 }, async () => {
    expect(hostname()).not.toBe(PREVIEW_HOSTNAME)
    const path = join(dir, 'fluent.conf')
    writeFileSync(path, CONFIG)
    sluice = startSluice(['-c', path, '--ui-dist', h.dist, '--api-port', '0'])
    const api = await sluice.port('api')
    const { page, errors } = await h.open(`http://127.0.0.1:${api}/ui/`)
    await expect.poll(() => page.locator('[data-testid=origin]').getAttribute('data-kind')).toBe('running')
    expect(await confText(page)).toBe(CONFIG)
    await page.fill('[data-testid=samples-text]', '{"tag":"app.web","record":{"msg":"hello"}}\n')
    await previewSettled(page, 1)
    await expect.poll(() => page.locator('[data-testid=preview-hostname]').getAttribute('data-hostname')).toBe(hostname())
    const record = page.locator('[data-testid=event-row][data-index="0"] .rec')
    await expect.poll(() => record.textContent()).toBe(JSON.stringify({ msg: 'hello', host: hostname() }))
    // The explanation names the expression and the value it made.
    await page.click('[data-testid=event-row][data-index="0"]')
    const field = page.locator('[data-testid=trace-step][data-kind=filter] [data-testid=explain-step]').first().locator('td')
    await expect.poll(() => field.allTextContents()).toEqual(['host', '${hostname}', JSON.stringify(hostname()), 'set'])
    expect(errors).toEqual([])
  })
})
