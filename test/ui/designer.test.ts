/**
 * @module The route designer in Debian's Chromium (built with Vite, served by node-server/ui-api):
 * build a route from scratch in the UI, preview samples (which match each event took, the diff
 * highlighting, per-route counts), export the .conf and pass it to `sluice check`, draft mode with
 * errors at their lines, the impact view, share links, apply and live capture against the API,
 * and the keystroke → preview time for 10,000 samples through 30 rules (printed, not asserted).
 * Screenshots of the main views go to test-results/ui-*.png.
 */

import { execFile } from 'node:child_process'
import { readFile, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseConfig } from '../../engine/config/parse.ts'
import { EventTime } from '../../engine/event-time.ts'
import { streamFromEvents } from '../../engine/event-stream.ts'
import { confText, previewSettled, RESULTS, ROOT, startHarness, TOKEN, type Harness } from './harness.ts'

const run = promisify(execFile)
let h: Harness
let tmp = ''

beforeAll(async () => {
  h = await startHarness()
  tmp = await mkdtemp(join(tmpdir(), 'sluice-ui-test-'))
})
afterAll(async () => {
  await h?.close()
  if (tmp) await rm(tmp, { recursive: true, force: true })
})

const SAMPLES = [
  '{"tag":"app.db","record":{"level":"error","message":"disk full","user_agent":"curl","id":18446744073709551615}}',
  '{"tag":"app.web","record":{"level":"info","message":"ok"}}',
  '{"tag":"app.web","record":{"level":"warn","message":"slow","user_agent":"Mozilla/5.0"}}',
  '{"tag":"other.x","record":{"level":"error"}}',
  'a plain text line',
].join('\n')

const inspector = (page: Page) => page.locator('[data-testid=inspector]')
const param = (page: Page, name: string, scope = '[data-testid=inspector]') =>
  page.locator(`${scope} [data-testid=param][data-name="${name}"] .input input`).first()
const dests = (page: Page) => page.locator('[data-testid=event-row] [data-testid=event-dest]').allTextContents()
const count = (page: Page, path: string) =>
  page.locator(`[data-testid=route-row][data-path="${path}"] [data-testid=row-count]`).textContent()

async function shot(page: Page, name: string): Promise<void> {
  await page.waitForTimeout(150)
  await page.screenshot({ path: join(RESULTS, `ui-${name}.png`) })
}

describe('the route designer in Chromium', () => {
  it('builds a route from scratch, previews samples, exports a .conf that sluice check accepts', async () => {
    const { page, errors } = await h.open()
    await page.click('[data-testid=new-config]')
    await expect.poll(() => page.locator('[data-testid=route-row]').count()).toBe(0)

    // A source, a grep filter, a record_transformer filter, two matches — all from the UI.
    await page.click('[data-testid=add-source]')
    await expect.poll(() => inspector(page).getAttribute('data-path')).toBe('0')
    expect(await page.locator('[data-testid=type-select]').inputValue()).toBe('forward')

    await page.click('[data-testid="add-filter-@ROOT"]')
    await expect.poll(() => inspector(page).getAttribute('data-path')).toBe('1')
    expect(await page.locator('[data-testid=type-select]').inputValue()).toBe('grep')
    await page.fill('[data-testid=pattern-input]', 'app.**')
    await page.click('[data-testid=add-section-regexp]')
    await param(page, 'key', '[data-testid=section][data-name=regexp]').fill('level')
    await param(page, 'pattern', '[data-testid=section][data-name=regexp]').fill('/^(error|warn)$/')

    await page.click('[data-testid="add-filter-@ROOT"]')
    await expect.poll(() => inspector(page).getAttribute('data-path')).toBe('2')
    await page.selectOption('[data-testid=type-select]', 'record_transformer')
    await page.fill('[data-testid=pattern-input]', 'app.**')
    await param(page, 'remove_keys').fill('user_agent')
    await page.click('[data-testid=add-section-record]')
    await page.fill('[data-testid=new-field]', 'env')
    await page.press('[data-testid=new-field]', 'Enter')
    await param(page, 'env', '[data-testid=section][data-name=record]').fill('prod')

    for (const [pattern, host] of [
      ['app.db', 'db.local'],
      ['app.**', 'agg.local'],
    ]) {
      await page.click('[data-testid="add-match-@ROOT"]')
      await page.selectOption('[data-testid=type-select]', 'forward')
      await page.fill('[data-testid=pattern-input]', pattern)
      await page.click('[data-testid=add-section-server]')
      await param(page, 'host', '[data-testid=section][data-name=server]').fill(host)
    }
    await expect
      .poll(() =>
        page
          .locator('[data-testid=route-row]')
          .evaluateAll((rows) =>
            rows.map(
              (r) => `${r.getAttribute('data-kind')} ${r.querySelector('.pattern')?.textContent} ${r.querySelector('.type')?.textContent}`,
            ),
          ),
      )
      .toEqual([
        'source → @ROOT forward',
        'filter app.** grep',
        'filter app.** record_transformer',
        'match app.db forward',
        'match app.** forward',
      ])
    await expect.poll(() => page.locator('[data-testid=config-status]').textContent()).toContain('valid config')

    // Samples: which match each event took, or the filter that dropped it, or no match.
    await page.fill('[data-testid=sample-tag]', 'misc')
    await page.fill('[data-testid=samples-text]', SAMPLES)
    await previewSettled(page, 5)
    await expect
      .poll(() => dests(page))
      .toEqual([
        'match app.db · forward',
        'dropped by filter app.** · grep',
        'match app.** · forward',
        'no patterns matched (@ROOT)',
        'no patterns matched (@ROOT)',
      ])
    // Per-route counts on the rows: grep saw 3 app.* events and passed 2; each match got 1.
    expect(await count(page, '1')).toBe('3 → 2')
    expect(await count(page, '2')).toBe('2')
    expect(await count(page, '3')).toBe('1')
    expect(await count(page, '4')).toBe('1')
    expect(await page.locator('[data-testid="group-@ROOT"] header').textContent()).toContain('2 no match')

    // The first event's trace and its diff: env added, user_agent removed, the 64-bit id exact.
    await page.click('[data-testid=event-row][data-index="0"]')
    await expect.poll(() => page.locator('[data-testid=event-detail]').getAttribute('data-index')).toBe('0')
    expect(await page.locator('[data-testid=trace-step]').evaluateAll((s) => s.map((e) => e.getAttribute('data-kind')))).toEqual([
      'router',
      'filter',
      'filter',
      'output',
    ])
    expect(await page.locator('[data-testid=step-change]').allTextContents()).toEqual(['−user_agent', '+env="prod"'])
    expect(await page.locator('[data-testid=record-line][data-key=env]').getAttribute('data-mark')).toBe('added')
    expect(await page.locator('[data-testid=record-line][data-key=user_agent]').getAttribute('data-mark')).toBe('removed')
    expect(await page.locator('[data-testid=record-line][data-key=id] .value').textContent()).toBe('18446744073709551615')
    await page.click('[data-testid=route-row][data-path="1"]')
    await shot(page, 'routes')

    await page.click('[data-testid=tab-graph]')
    const hot = await page
      .locator('[data-testid=graph-node][data-hot=true]')
      .evaluateAll((n) => n.map((e) => `${e.getAttribute('data-kind')}:${e.getAttribute('data-path')}`))
    expect(hot).toEqual(['router:', 'source:0', 'filter:1', 'filter:2', 'match:3', 'output:3'])
    await shot(page, 'graph')

    await page.click('[data-testid=tab-text]')
    const text = await page.locator('[data-testid=conf-textarea]').inputValue()
    await shot(page, 'text')

    // Export the .conf and hand it to the real CLI.
    await page.click('[data-testid=export-menu]')
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-conf]')])
    const file = join(tmp, 'exported.conf')
    await download.saveAs(file)
    const exported = await readFile(file, 'utf8')
    expect(exported).toBe(text)
    expect(parseConfig(exported, 'exported.conf').errors).toEqual([])
    const check = await run(process.execPath, [join(ROOT, 'node-server', 'bin', 'sluice.mjs'), 'check', '-c', file], { cwd: ROOT })
    expect(check.stderr).toContain('is valid (5 plugins)')

    // What reached the outputs, as NDJSON with the 64-bit id exact.
    const [delivered] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-delivered]')])
    const out = join(tmp, 'delivered.ndjson')
    await delivered.saveAs(out)
    const lines = (await readFile(out, 'utf8')).trim().split('\n')
    expect(lines).toHaveLength(2)
    expect(lines[0]).toMatch(
      /^\{"tag":"app\.db","time":\d+(\.\d+)?,"record":\{"level":"error","message":"disk full","id":18446744073709551615,"env":"prod"\}\}$/,
    )
    expect(errors).toEqual([])
  })

  it('previews a draft with errors at their lines, disables rules, and shows the impact of edits against the saved config', async () => {
    const { page, errors } = await h.open()
    await page.click('[data-testid=new-config]')
    await page.fill('[data-testid=sample-tag]', 'misc')
    await page.fill('[data-testid=samples-text]', SAMPLES)
    await page.click('[data-testid=tab-text]')
    await page.fill(
      '[data-testid=conf-textarea]',
      [
        '<source>',
        '  @type forward',
        '  prot 24224',
        '</source>',
        '',
        '<filter app.**>',
        '  @type grep',
        '  <exclude>',
        '    key level',
        '    pattern /^info$/',
        '  </exclude>',
        '</filter>',
        '',
        '<filter app.**>',
        '  @type mystery',
        '</filter>',
        '',
        '<match app.**>',
        '  @type forward',
        '  <server>',
        '    host agg.local',
        '  </server>',
        '</match>',
        '',
        '<match app.db>',
        '  @type forward',
        '  <server>',
        '    host db.local',
        '  </server>',
        '</match>',
        '',
      ].join('\n'),
    )
    await previewSettled(page, 5)
    const markers = await page
      .locator('[data-testid=line-marker]')
      .evaluateAll((m) => m.map((e) => `${e.getAttribute('data-line')} ${e.getAttribute('data-severity')}`))
    expect(markers).toEqual(['3 warning', '15 error', '25 warning'])
    // The draft still previews: the unknown filter passes events through.
    await expect
      .poll(() => dests(page))
      .toEqual([
        'match app.** · forward',
        'dropped by filter app.** · grep',
        'match app.** · forward',
        'no patterns matched (@ROOT)',
        'no patterns matched (@ROOT)',
      ])
    await page.click('[data-testid=tab-problems]')
    expect(await page.locator('[data-testid=problem]').evaluateAll((p) => p.map((e) => e.getAttribute('data-code')))).toEqual([
      'unknown-plugin',
      'unknown-param', // a warning, as in Fluentd: listed after the errors
      'unreachable-match',
    ])
    await shot(page, 'problems')

    // Save as the baseline (nothing runs it), then disable the catch-all match: the impact view counts what moved.
    await page.click('[data-testid=tab-impact]')
    await page.click('[data-testid=impact-view] button:has-text("Save as baseline")')
    await expect.poll(() => page.locator('[data-testid=origin]').getAttribute('data-kind')).toBe('saved')
    await page.click('[data-testid=tab-events]')
    await page.click('[data-testid=tab-routes]')
    await page.click('[data-testid=route-row][data-path="2"]')
    await shot(page, 'draft')
    await page.click('[data-testid=route-row][data-path="3"] [data-testid=row-toggle]')
    await previewSettled(page, 5)
    expect(await page.locator('[data-testid=conf-textarea]').count()).toBe(0)
    await page.click('[data-testid=tab-impact]')
    await expect.poll(() => page.locator('[data-testid=impact-rerouted]').textContent()).toBe('2')
    expect(await page.locator('[data-testid=impact-change]').count()).toBe(2)
    await shot(page, 'impact')
    await page.click('[data-testid=tab-text]')
    expect(await page.locator('[data-testid=conf-textarea]').inputValue()).toContain('#~ <match app.**>\n#~   @type forward')
    expect(errors).toEqual([])
  })

  it('reorders rules by dragging, routes into a new label with relabel, and round-trips the JSON model', async () => {
    const { page, errors } = await h.open()
    await page.click('[data-testid=tab-text]')
    await page.fill(
      '[data-testid=conf-textarea]',
      [
        '<match app.a>',
        '  @type stdout',
        '</match>',
        '',
        '<match app.**>',
        '  @type stdout',
        '</match>',
        '',
        '<match app.b>',
        '  @type null',
        '</match>',
        '',
      ].join('\n'),
    )
    await page.fill('[data-testid=samples-text]', '{"tag":"app.a","record":{"n":1}}\n{"tag":"app.b","record":{"n":2}}')
    await previewSettled(page, 2)
    await expect.poll(() => dests(page)).toEqual(['match app.a · stdout', 'match app.** · stdout'])
    await page.click('[data-testid=tab-routes]')
    expect(await page.locator('[data-testid=route-row][data-path="2"] [data-testid=row-problem]').count()).toBe(1)

    // Drag <match app.b> above <match app.**>: first match wins, so app.b now goes to its own match.
    await page.dragAndDrop('[data-testid=route-row][data-path="2"]', '[data-testid=route-row][data-path="1"]', {
      targetPosition: { x: 40, y: 4 },
    })
    await previewSettled(page, 2)
    expect(await page.locator('[data-testid=route-row] .pattern').allTextContents()).toEqual(['app.a', 'app.b', 'app.**'])
    await expect.poll(() => dests(page)).toEqual(['match app.a · stdout', 'match app.b · null'])
    expect(await page.locator('[data-testid=row-problem]').count()).toBe(0)

    // A new label, and app.a relabelled into it.
    await page.click('[data-testid=add-label]')
    await expect.poll(() => page.locator('[data-testid="group-label:3"]').count()).toBe(1)
    await page.click('[data-testid=route-row][data-path="0"]')
    await page.selectOption('[data-testid=type-select]', 'relabel')
    await page.selectOption('#res-label', '@LABEL1')
    await previewSettled(page, 2)
    await expect.poll(() => dests(page)).toEqual(['match ** · stdout in @LABEL1', 'match app.b · null'])
    await page.click('[data-testid=event-row][data-index="0"]')
    await expect.poll(() => page.locator('[data-testid=trace-step][data-kind=router]').count()).toBe(2)
    await page.click('[data-testid=tab-graph]')
    expect(await page.locator('[data-testid=graph-node][data-kind=router][data-hot=true]').count()).toBe(2)
    await shot(page, 'label')

    // Export the canonical JSON model, start over, import it back.
    await page.click('[data-testid=tab-text]')
    const text = await page.locator('[data-testid=conf-textarea]').inputValue()
    await page.click('[data-testid=export-menu]')
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-json]')])
    const file = join(tmp, 'fluent.json')
    await download.saveAs(file)
    const json = JSON.parse(await readFile(file, 'utf8')) as { version: number; root: { elements: { name: string }[] } }
    expect(json.version).toBe(1)
    expect(json.root.elements.map((e) => e.name)).toEqual(['match', 'match', 'match', 'label'])
    // New asks before it drops edits that were never applied or saved.
    await page.click('[data-testid=new-config]')
    await expect.poll(() => page.locator('[data-testid=confirm-message]').textContent()).toContain('differs from the running config')
    await page.click('[data-testid=confirm-yes]')
    await expect.poll(() => page.locator('[data-testid=conf-textarea]').inputValue()).toBe('')
    await page.setInputFiles('[data-testid=import-file]', file)
    await expect.poll(() => page.locator('[data-testid=conf-textarea]').inputValue()).toBe(text)
    expect(errors).toEqual([])
  })

  it('shares the config in the link fragment, and the samples only after the warning', async () => {
    const { page, context } = await h.open()
    await page.fill('[data-testid=samples-text]', SAMPLES)
    await previewSettled(page, 5)
    await page.click('[data-testid=tab-text]')
    const text = await page.locator('[data-testid=conf-textarea]').inputValue()
    await page.click('[data-testid=share]')
    await expect.poll(() => page.locator('[data-testid=share-link]').inputValue()).toMatch(/\/ui\/#c=[\w-]+$/)
    await page.check('[data-testid=share-samples]')
    expect(await page.locator('[data-testid=share-samples-warning]').isVisible()).toBe(true)
    expect(await page.locator('[data-testid=share-link]').inputValue()).not.toContain('&s=')
    await page.check('[data-testid=share-confirm]')
    await expect.poll(() => page.locator('[data-testid=share-link]').inputValue()).toContain('&s=')
    await shot(page, 'share')
    const link = await page.locator('[data-testid=share-link]').inputValue()
    const other = await context.newPage()
    await other.goto(link)
    await other.waitForSelector('[data-testid=preview-status][data-ready=true]', { state: 'attached' })
    await previewSettled(other, 5)
    await other.click('[data-testid=tab-text]')
    expect(await other.locator('[data-testid=conf-textarea]').inputValue()).toBe(text)
    expect(new URL(other.url()).hash).toBe('')
  })

  it('applies after reviewing the diff, the reload plan and the impact; the live tap says when it is connected and misses nothing after', {
    timeout: 60_000,
  }, async () => {
    const { page, errors } = await h.open()
    await expect.poll(() => page.locator('[data-testid=origin]').textContent()).toContain(`running on 127.0.0.1:`)
    const text = await confText(page)
    await page.fill(
      '[data-testid=conf-textarea]',
      text.replace('<match **>\n  @type stdout\n</match>\n', '<match **>\n  @type null\n</match>\n'),
    )
    await previewSettled(page)
    await expect.poll(() => page.locator('[data-testid=edited]').count()).toBe(1)
    await page.click('[data-testid=apply]')
    expect(await page.locator('[data-testid=apply-base]').inputValue()).toBe(h.origin)
    expect(await page.locator('[data-testid=apply-review-button]').isDisabled()).toBe(true)
    await page.fill('[data-testid=apply-token]', TOKEN)
    await page.click('[data-testid=apply-review-button]')
    await expect.poll(() => page.locator('[data-testid=apply-verdict]').textContent()).toContain('accepts this config')
    // Another @type is another plugin: the old output is stopped (and flushed), the new one started.
    expect(
      await page
        .locator('[data-testid=plan-item]')
        .evaluateAll((items) => items.map((i) => `${i.getAttribute('data-kind')} ${i.querySelector('.mono')?.textContent}`)),
    ).toEqual(['add output <match **> @type null', 'remove output <match **> @type stdout', 'keep listener 0.0.0.0:24224'])
    expect(await page.locator('[data-testid=apply-diff] .dl[data-kind=removed]').allTextContents()).toEqual(['35−  @type stdout'])
    expect(await page.locator('[data-testid=apply-diff] .dl[data-kind=added]').allTextContents()).toEqual(['35+  @type null'])
    await shot(page, 'apply-review')
    expect(h.applied).toHaveLength(0)
    await page.click('[data-testid=apply-confirm]')
    await expect.poll(() => page.locator('[data-testid=apply-result]').textContent()).toContain('Applied')
    expect(h.applied.at(-1)).toBe(await page.locator('[data-testid=conf-textarea]').inputValue())
    await page.click('[data-testid=apply-done]')
    await expect.poll(() => page.locator('[data-testid=edited]').count()).toBe(0)

    // The live tap: "connecting" until the daemon has subscribed this page, then "live"; a burst sent right then arrives whole.
    await page.click('[data-testid=live-toggle]')
    await expect.poll(() => page.locator('[data-testid=live-state]').getAttribute('data-state'), { timeout: 10_000 }).toBe('live')
    // No dialog is left over from the apply (the old capture dialog showed "Applied" here).
    expect(await page.locator('dialog[open]').count()).toBe(0)
    h.hub.publish(
      streamFromEvents('app.live', [
        { time: new EventTime(1735689600, 0), record: { level: 'error', id: 9223372036854775807n } },
        { time: new EventTime(1735689601, 0), record: { level: 'info' } },
        { time: new EventTime(1735689602, 0), record: { level: 'debug' } },
      ]),
    )
    await expect
      .poll(() => page.locator('[data-testid=samples-text]').inputValue(), { timeout: 10_000 })
      .toBe(
        '{"tag":"app.live","time":1735689600,"record":{"level":"error","id":9223372036854775807}}\n{"tag":"app.live","time":1735689601,"record":{"level":"info"}}\n{"tag":"app.live","time":1735689602,"record":{"level":"debug"}}\n',
      )
    await previewSettled(page, 3)
    await expect.poll(() => dests(page)).toEqual(['match app.** · forward', 'match app.** · forward', 'dropped by filter app.** · grep'])
    await shot(page, 'live')
    await page.click('[data-testid=live-toggle]')
    await expect.poll(() => h.hub.listeners).toBe(0)
    expect(await page.locator('[data-testid=live-state]').getAttribute('data-state')).toBe('stopped')
    expect(errors).toEqual([])
  })

  it('re-previews 10,000 samples through a 30-rule config after a keystroke (timing printed, not asserted)', {
    timeout: 90_000,
  }, async () => {
    const { page, errors } = await h.open()
    const lines: string[] = []
    for (let i = 0; i < 10_000; i++) {
      lines.push(
        JSON.stringify({
          tag: `svc${i % 20}.app`,
          record: { level: ['info', 'debug', 'error', 'warn'][i % 4], i, msg: `request ${i} served` },
        }),
      )
    }
    const rules: string[] = []
    for (let i = 0; i < 15; i++)
      rules.push(`<filter svc${i}.**>\n  @type grep\n  <exclude>\n    key level\n    pattern /^debug$/\n  </exclude>\n</filter>`)
    for (let i = 0; i < 14; i++) rules.push(`<match svc${i}.**>\n  @type forward\n  <server>\n    host h${i}.local\n  </server>\n</match>`)
    rules.push('<match **>\n  @type forward\n  <server>\n    host rest.local\n  </server>\n</match>')
    await page.setInputFiles('[data-testid=samples-file]', {
      name: 'events.ndjson',
      mimeType: 'application/x-ndjson',
      buffer: Buffer.from(lines.join('\n')),
    })
    await page.click('[data-testid=tab-text]')
    await page.fill('[data-testid=conf-textarea]', rules.join('\n\n') + '\n')
    await previewSettled(page, 10_000)
    const timings = await page.evaluate(async () => {
      const area = document.querySelector<HTMLTextAreaElement>('[data-testid=conf-textarea]')!
      const status = document.querySelector<HTMLElement>('[data-testid=preview-status]')!
      const out: { total: number; worker: number; run: number }[] = []
      for (let k = 0; k < 8; k++) {
        await new Promise((resolve) => setTimeout(resolve, 100))
        const started = performance.now()
        const version = Number(status.dataset.version) + 1
        area.value = area.value.replace(
          k % 2 === 0 ? 'pattern /^debug$/' : 'pattern /^debux$/',
          k % 2 === 0 ? 'pattern /^debux$/' : 'pattern /^debug$/',
        )
        area.dispatchEvent(new Event('input', { bubbles: true }))
        // The result is in when the status element shows this change's sequence number…
        await new Promise<void>((resolve) => {
          const observer = new MutationObserver(() => {
            if (Number(status.dataset.seq) < version) return
            observer.disconnect()
            resolve()
          })
          observer.observe(status, { attributes: true })
        })
        // …and on screen after the next frame.
        await new Promise<void>((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)))
        out.push({ total: performance.now() - started, worker: Number(status.dataset.workerMs), run: Number(status.dataset.runMs) })
      }
      return out
    })
    const totals = timings.map((t) => t.total).sort((a, b) => a - b)
    console.log(
      `designer: 10,000 samples × 30 rules, keystroke → preview on screen: ${timings.map((t) => t.total.toFixed(0)).join(', ')} ms ` +
        `(median ${totals[Math.floor(totals.length / 2)].toFixed(0)} ms; in the worker ${timings.map((t) => t.worker.toFixed(0)).join(', ')} ms, ` +
        `of which running the events ${timings.map((t) => t.run.toFixed(0)).join(', ')} ms; debounce 25 ms)`,
    )
    expect(await page.locator('[data-testid=preview-status]').getAttribute('data-events')).toBe('10000')
    await page.click('[data-testid=tab-routes]')
    await shot(page, 'scale')
    expect(errors).toEqual([])
  })
})
