/**
 * @module The designer as the operator's tool (issue 13), in Debian's Chromium against the harness's
 * stand-in daemon: the .conf caret after picking a problem, undo and redo in the text and the table,
 * revert to the running config, a reload the daemon refuses (and why), the explanation of each
 * decision (grep condition, record_transformer field, which match took the tag and which earlier one
 * did not, a parser's captures), a ~900 KB paste of samples, colours that say what they mean (read
 * back as computed styles), undo from the graph view, "Load running" with and without edits, and the
 * layout at 1280×720 and 1920×1080 (nothing cut off, panes resize). Screenshots go to
 * test-results/ui-operator-*.png.
 */

import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { confText, previewSettled, RESULTS, RUNNING_CONFIG, startHarness, TOKEN, type Harness } from './harness.ts'

let h: Harness
beforeAll(async () => {
  h = await startHarness()
})
afterAll(async () => {
  await h?.close()
})

const area = '[data-testid=conf-textarea]'
/** The 1-based line of the textarea's caret. */
const caretLine = (page: Page) =>
  page.locator(area).evaluate((a: HTMLTextAreaElement) => a.value.slice(0, a.selectionStart).split('\n').length)

async function opened(page: Page): Promise<void> {
  await expect.poll(() => page.locator('[data-testid=origin]').getAttribute('data-kind')).toBe('running')
  await previewSettled(page)
}

describe('the designer as the operator’s tool', () => {
  it('moves the caret to a picked problem once, undoes text and table edits with Ctrl+Z, and reverts to the running config', {
    timeout: 60_000,
  }, async () => {
    const { page, errors } = await h.open()
    await opened(page)
    expect(await confText(page)).toBe(RUNNING_CONFIG)
    const broken = RUNNING_CONFIG.replace('<match app.audit.**>', '<filter app.**>\n  @type mystery\n</filter>\n\n<match app.audit.**>')
    await page.fill(area, broken)
    await previewSettled(page)

    // Picking the problem puts the caret on its line…
    await page.click('[data-testid=tab-problems]')
    await page.locator('[data-testid=problem][data-code=unknown-plugin]').click()
    await expect.poll(() => caretLine(page)).toBeGreaterThan(20)
    const problemLine = await caretLine(page)
    expect(broken.split('\n')[problemLine - 1]).toMatch(/mystery|<filter app/)
    // …once: typing elsewhere keeps the caret where the user is.
    await page.keyboard.press('Control+Home')
    await page.keyboard.type('#')
    await previewSettled(page)
    expect(await caretLine(page)).toBe(1)
    expect(await page.locator(area).evaluate((a: HTMLTextAreaElement) => a.selectionStart)).toBe(1)
    // Coming back to the text view does not jump there again either.
    await page.click('[data-testid=tab-routes]')
    await page.click('[data-testid=tab-text]')
    expect(await caretLine(page)).not.toBe(problemLine)

    // Ctrl+Z in the text view undoes the designer's edit (not the field's own history), Ctrl+Shift+Z redoes it.
    await page.locator(area).focus()
    await page.keyboard.press('Control+z')
    await expect.poll(() => page.locator(area).inputValue()).toBe(broken)
    await page.keyboard.press('Control+Shift+z')
    await expect.poll(() => page.locator(area).inputValue()).toBe(`#${broken}`)
    await page.keyboard.press('Control+z')
    await expect.poll(() => page.locator(area).inputValue()).toBe(broken)

    // An edit in the table is undone the same way.
    await page.click('[data-testid=tab-routes]')
    await page.click('[data-testid=route-row][data-path="4"] [data-testid=row-toggle]')
    await expect.poll(() => confText(page)).toContain('#~ <match app.audit.**>')
    await page.click('[data-testid=tab-routes]')
    await page.keyboard.press('Control+z')
    await expect.poll(() => confText(page)).toBe(broken)

    // Revert asks first, then the running config is back and nothing is "edited".
    await expect.poll(() => page.locator('[data-testid=edited]').count()).toBe(1)
    await page.click('[data-testid=revert]')
    await expect.poll(() => page.locator('[data-testid=confirm-message]').textContent()).toContain('differs from the running config')
    await page.click('[data-testid=confirm-yes]')
    await expect.poll(() => confText(page)).toBe(RUNNING_CONFIG)
    await expect.poll(() => page.locator('[data-testid=edited]').count()).toBe(0)
    // …and the revert itself can be undone.
    await page.click('[data-testid=undo]')
    await expect.poll(() => confText(page)).toBe(broken)
    expect(errors).toEqual([])
  })

  it('shows why the daemon refused the config or the reload, and keeps the edits', { timeout: 60_000 }, async () => {
    const { page, errors } = await h.open()
    await opened(page)
    await confText(page)
    const before = h.applied.length

    // The daemon's own check refuses an unknown plugin: nothing can be applied.
    await page.fill(area, RUNNING_CONFIG.replace('@type stdout', '@type mystery'))
    await previewSettled(page)
    await page.click('[data-testid=apply]')
    await page.fill('[data-testid=apply-token]', TOKEN)
    await page.click('[data-testid=apply-review-button]')
    await expect.poll(() => page.locator('[data-testid=apply-verdict]').textContent()).toContain('refuses this config')
    expect(await page.locator('[data-testid=apply-review]').textContent()).toContain('mystery')
    expect(await page.locator('[data-testid=apply-confirm]').isDisabled()).toBe(true)
    await page.keyboard.press('Escape')
    await expect.poll(() => page.locator('dialog[open]').count()).toBe(0)

    // A config the daemon accepts but cannot start: the reload fails, the answer says why.
    await page.fill(area, RUNNING_CONFIG.replace('port 24224', 'port 24225'))
    await previewSettled(page)
    h.failNextApply = 'cannot listen on 0.0.0.0:24225: address already in use (the old config keeps running)'
    // The token given once is kept for this tab: the dialog reviews at once.
    await page.click('[data-testid=apply]')
    await expect.poll(() => page.locator('[data-testid=apply-verdict]').textContent()).toContain('accepts this config')
    const plan = await page.locator('[data-testid=plan-item]').allTextContents()
    expect(plan.some((p) => p.includes('0.0.0.0:24225'))).toBe(true)
    expect(plan.some((p) => p.includes('0.0.0.0:24224'))).toBe(true)
    await page.click('[data-testid=apply-confirm]')
    await expect.poll(() => page.locator('[data-testid=apply-result]').textContent()).toContain('Not applied')
    expect(await page.locator('[data-testid=apply-result]').textContent()).toContain('address already in use')
    await page.screenshot({ path: join(RESULTS, 'ui-operator-refused.png') })
    expect(h.applied.length).toBe(before)
    await page.keyboard.press('Escape')
    await expect.poll(() => page.locator('dialog[open]').count()).toBe(0)
    // The edits are still there, still "edited" against the running config.
    expect(await page.locator(area).inputValue()).toContain('port 24225')
    await expect.poll(() => page.locator('[data-testid=edited]').count()).toBe(1)
    // Chromium logs the refused apply's HTTP status itself; nothing else went wrong.
    expect(errors.filter((e) => !e.includes('status of 422'))).toEqual([])
  })

  it('explains each decision: the grep condition, the record_transformer field, which match took the tag', {
    timeout: 60_000,
  }, async () => {
    const { page, errors } = await h.open()
    await opened(page)
    await page.fill(
      '[data-testid=samples-text]',
      '{"tag":"app.web","record":{"level":"debug","message":"noise"}}\n{"tag":"app.web","record":{"level":"info","message":"ok"}}\n',
    )
    await previewSettled(page, 2)

    await page.click('[data-testid=event-row][data-index="0"]')
    const grep = page.locator('[data-testid=trace-step][data-kind=filter]').first()
    await expect.poll(() => grep.locator('[data-testid=explanation-decision]').textContent()).toBeTruthy()
    const decisive = grep.locator('[data-testid=explain-step][data-decisive=true]')
    expect(await decisive.count()).toBe(1)
    const cells = await decisive.locator('td').allTextContents()
    expect(cells[0]).toContain('level')
    expect(cells[1]).toContain('^debug$')
    expect(cells[2]).toContain('debug')

    await page.click('[data-testid=event-row][data-index="1"]')
    await expect.poll(() => page.locator('[data-testid=event-detail]').getAttribute('data-index')).toBe('1')
    const checks = await page
      .locator('[data-testid=rule-check][data-kind=match]')
      .evaluateAll((rows) => rows.map((r) => `${r.getAttribute('data-matched')} ${r.querySelector('button')?.textContent}`))
    // The earlier <match app.audit.**> did not take app.web; <match app.**> did (and the later ones are not tried).
    expect(checks.slice(0, 2)).toEqual(['false <match app.audit.**>', 'true <match app.**>'])
    const transformer = page.locator('[data-testid=trace-step][data-kind=filter]').nth(1)
    const field = await transformer.locator('[data-testid=explain-step]').first().locator('td').allTextContents()
    expect(field[0]).toContain('host')
    expect(field[1]).toContain('${hostname}')
    expect(field[2]).not.toBe('')
    await page.screenshot({ path: join(RESULTS, 'ui-operator-explain.png') })

    // Parser captures: each named group is marked in the line and fills its field; a line the parser refuses says why.
    await page.click('[data-testid=tab-parse]')
    expect(await page.locator('[data-testid=parse-type]').inputValue()).toBe('regexp') // its starter: (?<time>…) (?<level>…) (?<message>…)
    await page.fill('[data-testid=parse-input]', '2025-01-02 10:00:00 ERROR disk full on /var\nnot a log line')
    const first = page.locator('[data-testid=parse-line][data-line="1"]')
    await expect
      .poll(() =>
        first.locator('[data-testid=capture]').evaluateAll((m) => m.map((e) => `${e.getAttribute('data-name')}=${e.textContent}`)),
      )
      .toEqual(['time=2025-01-02 10:00:00', 'level=ERROR', 'message=disk full on /var'])
    expect(await first.locator('[data-testid=parse-field]').allTextContents()).toEqual(['level: "ERROR"', 'message: "disk full on /var"'])
    const failed = await page.locator('[data-testid=parse-line][data-line="2"] [data-testid=parse-error]').textContent()
    // "not a log line" matches the expression, but its (?<time>…) capture "not a" is no time: Fluentd's own message.
    expect(failed).toContain('invalid time format: value = not a')
    expect(errors).toEqual([])
  })

  it('takes a ~900 KB paste of samples without freezing the page', { timeout: 90_000 }, async () => {
    const { page, errors } = await h.open()
    await opened(page)
    const lines: string[] = []
    for (let i = 0; lines.join('\n').length < 900 * 1024; i++)
      for (let j = 0; j < 100; j++)
        lines.push(
          JSON.stringify({ tag: 'app.web', record: { level: j % 3 === 0 ? 'debug' : 'info', n: i * 100 + j, message: 'x'.repeat(120) } }),
        )
    const text = `${lines.join('\n')}\n`
    expect(text.length).toBeGreaterThan(900 * 1024)
    // Select the bundled samples the page opened with, and paste over them.
    await page.locator('[data-testid=samples-text]').focus()
    await page.keyboard.press('Control+a')
    await page.evaluate((t) => {
      const data = new DataTransfer()
      data.setData('text/plain', t)
      const target = document.querySelector('[data-testid=samples-text]') as HTMLTextAreaElement
      target.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }))
    }, text)
    // The text is not put into the textarea (which would lay it all out): a read-only view says so.
    await expect.poll(() => page.locator('[data-testid=samples-large]').count()).toBe(1)
    await previewSettled(page, lines.length)
    expect(await page.locator('[data-testid=samples-count]').textContent()).toBe(lines.length.toLocaleString('en-US'))
    expect((await page.locator('[data-testid=samples-text]').inputValue()).length).toBeLessThan(text.length)
    // The page still answers input: a config edit previews the whole set again.
    await confText(page)
    await page.fill(area, RUNNING_CONFIG.replace('/^debug$/', '/^info$/'))
    await previewSettled(page, lines.length)
    expect(errors).toEqual([])
  })

  it('colours say what they mean: a FILTER badge is not a warning, more dropped is worse, fewer is better, a change is not a warning', {
    timeout: 60_000,
  }, async () => {
    const { page, errors } = await h.open()
    await opened(page)
    /** The computed colour of an element, or of a palette name resolved on a probe element. */
    const colour = (selector: string, property: 'color' | 'backgroundColor' = 'color') =>
      page
        .locator(selector)
        .first()
        .evaluate((el, p) => getComputedStyle(el)[p], property)
    const palette = (name: string) =>
      page.evaluate((n) => {
        const probe = document.createElement('span')
        probe.style.color = `var(--${n})`
        document.body.append(probe)
        const value = getComputedStyle(probe).color
        probe.remove()
        return value
      }, name)
    const [warning, good, change, better, worse] = await Promise.all(['warning', 'good', 'change', 'better', 'worse'].map(palette))
    expect(new Set([warning, good, change, worse]).size).toBe(4)
    expect(better).toBe(good)

    // One debug event (dropped by the running grep), two info, one warn: the samples of this test.
    const samples = ['debug', 'info', 'info', 'warn'].map((level) => JSON.stringify({ tag: 'app.web', record: { level } })).join('\n')
    await page.fill('[data-testid=samples-text]', `${samples}\n{"tag":"other","record":{}}\n`)
    await previewSettled(page, 5)

    // The FILTER badge: a kind, not a warning — neither its text nor its background is the warning colour.
    const badge = '[data-testid=route-row][data-kind=filter] [data-testid=row-kind]'
    expect(await page.locator(badge).first().textContent()).toBe('filter')
    expect(await colour(badge)).not.toBe(warning)
    expect(await colour(badge, 'backgroundColor')).not.toBe(await colour('[data-testid=total-unmatched]', 'backgroundColor'))
    // …while "no match" is a warning (Fluentd warns "no patterns matched"), and a warning is the warning colour.
    expect(await colour('[data-testid=total-unmatched]')).toBe(warning)
    // In the graph the filter's stripe is not amber either; the filter that dropped the selected event
    // is outlined in the dropped colour (a decision, not a failure, and not green).
    await page.click('[data-testid=event-row][data-index="0"]')
    await page.click('[data-testid=tab-graph]')
    const dropper = page.locator('[data-testid=graph-node][data-kind=filter].drop rect').first()
    await expect.poll(() => dropper.evaluate((el) => getComputedStyle(el).stroke)).toBe(await palette('dropped'))
    expect(await dropper.evaluate((el) => getComputedStyle(el).stroke)).not.toBe(good)
    const stripe = await page
      .locator('[data-testid=graph-node][data-kind=filter] .stripe')
      .first()
      .evaluate((el) => getComputedStyle(el).fill)
    expect(stripe).not.toBe(warning)
    await page.click('[data-testid=tab-routes]')

    // Dropping more (info too) is worse; the events that no longer reach the forward output moved: a change.
    await confText(page)
    await page.fill(area, RUNNING_CONFIG.replace('/^debug$/', '/^(debug|info)$/'))
    await previewSettled(page, 5)
    await page.click('[data-testid=tab-impact]')
    const delta = (tone: string) => `[data-testid=impact-delta][data-tone=${tone}]`
    await expect.poll(() => page.locator(delta('worse')).allTextContents()).toEqual(['+2'])
    expect(await page.locator(delta('worse')).getAttribute('data-destination')).toMatch(/^dropped by/)
    expect(await colour(delta('worse'))).toBe(worse)
    expect(await colour(delta('worse'))).not.toBe(good)
    expect(await page.locator(delta('change')).allTextContents()).toEqual(['-2'])
    expect(await colour(delta('change'))).toBe(change)
    // The Impact tab's count and the "go elsewhere" figure are a change, not a warning, and no warning sign shows there.
    expect(await colour('[data-testid=impact-pill]')).toBe(change)
    expect(await colour('[data-testid=impact-rerouted]')).toBe(change)
    expect(await page.locator('[data-testid=impact-view] [data-testid=row-problem]').count()).toBe(0)
    await page.screenshot({ path: join(RESULTS, 'ui-operator-impact-worse.png') })

    // Dropping nothing is better: the debug event is delivered now.
    await confText(page)
    await page.fill(area, RUNNING_CONFIG.replace('/^debug$/', '/^never$/'))
    await previewSettled(page, 5)
    await page.click('[data-testid=tab-impact]')
    await expect.poll(() => page.locator(delta('better')).allTextContents()).toEqual(['-1'])
    expect(await colour(delta('better'))).toBe(better)
    expect(await colour(delta('better'))).not.toBe(worse)
    expect(await page.locator(delta('worse')).count()).toBe(0)
    await page.screenshot({ path: join(RESULTS, 'ui-operator-impact-better.png') })
    // The top bar's "edited" marker is a change too.
    expect(await colour('[data-testid=edited]')).toBe(change)
    expect(errors).toEqual([])
  })

  it('undoes an edit made in the graph view (Ctrl+Z and the undo button): gone in the graph and the table', {
    timeout: 60_000,
  }, async () => {
    const { page, errors } = await h.open()
    await opened(page)
    await page.click('[data-testid=tab-graph]')
    const outputs = () => page.locator('[data-testid=graph-node][data-kind=output] .t1').allTextContents()
    expect(await outputs()).toContain('stdout')
    // Select the catch-all <match **> in the graph; its inspector opens beside it; change its @type there.
    await page.locator('[data-testid=graph-node][data-kind=match]').filter({ hasText: '<match **>' }).click()
    await expect.poll(() => page.locator('[data-testid=inspector-drawer]').count()).toBe(1)
    await page.selectOption('[data-testid=type-select]', 'null')
    await expect.poll(outputs).toContain('null')
    expect(await outputs()).not.toContain('stdout')
    // Ctrl+Z with the focus in the graph.
    await page.locator('[data-testid=graph-node][data-kind=match]').filter({ hasText: '<match **>' }).focus()
    await page.keyboard.press('Control+z')
    await expect.poll(outputs).toContain('stdout')
    expect(await outputs()).not.toContain('null')
    const tableType = async () => {
      await page.click('[data-testid=tab-routes]')
      const types = await page.locator('[data-testid=route-row][data-kind=match] .type').allTextContents()
      await page.click('[data-testid=tab-graph]')
      return types
    }
    expect(await tableType()).toEqual(['file', 'forward', 'stdout'])
    expect(await confText(page)).toBe(RUNNING_CONFIG)
    // Redo, then the top bar's undo button, from the graph view again.
    await page.click('[data-testid=tab-graph]')
    await page.locator('[data-testid=graph-node][data-kind=match]').first().focus()
    await page.keyboard.press('Control+Shift+z')
    await expect.poll(outputs).toContain('null')
    expect(await tableType()).toEqual(['file', 'forward', 'null'])
    await page.click('[data-testid=undo]')
    await expect.poll(outputs).toContain('stdout')
    expect(await tableType()).toEqual(['file', 'forward', 'stdout'])
    expect(await confText(page)).toBe(RUNNING_CONFIG)
    await expect.poll(() => page.locator('[data-testid=edited]').count()).toBe(0)
    expect(errors).toEqual([])
  })

  it('"Load running" asks before dropping edits (cancel keeps them, confirm loads), and loads at once without edits', {
    timeout: 60_000,
  }, async () => {
    const { page, errors } = await h.open()
    await opened(page)
    const running = async () => (await fetch(`${h.origin}/api/config`)).text()
    const edited = RUNNING_CONFIG.replace('@type stdout', '@type null')
    await confText(page)
    await page.fill(area, edited)
    await previewSettled(page)
    await expect.poll(() => page.locator('[data-testid=edited]').count()).toBe(1)

    // With edits: asks; Cancel keeps them.
    await page.click('[data-testid=load-running]')
    await expect.poll(() => page.locator('[data-testid=confirm-message]').textContent()).toContain('differs from the running config')
    await page.click('[data-testid=confirm-cancel]')
    await expect.poll(() => page.locator('dialog[open]').count()).toBe(0)
    expect(await confText(page)).toBe(edited)
    await expect.poll(() => page.locator('[data-testid=edited]').count()).toBe(1)
    // Asks again; "Load the running config" loads it.
    await page.click('[data-testid=load-running]')
    await page.locator('[data-testid=confirm-dialog][open]').waitFor()
    await page.click('[data-testid=confirm-yes]')
    await expect.poll(() => confText(page)).toBe(await running())
    await expect.poll(() => page.locator('[data-testid=edited]').count()).toBe(0)

    // Without edits: the daemon's config changes (another operator applies), Load running takes it without asking.
    const next = RUNNING_CONFIG.replace('path /var/log/sluice/audit', 'path /var/log/sluice/audit-2')
    const apply = (text: string) =>
      fetch(`${h.origin}/api/config/apply`, { method: 'POST', headers: { Authorization: `Bearer ${TOKEN}` }, body: text })
    expect((await apply(next)).status).toBe(200)
    try {
      await page.click('[data-testid=load-running]')
      await expect.poll(() => confText(page)).toBe(next)
      expect(await page.locator('[data-testid=confirm-dialog][open]').count()).toBe(0)
      await expect.poll(() => page.locator('[data-testid=edited]').count()).toBe(0)
    } finally {
      expect((await apply(RUNNING_CONFIG)).status).toBe(200)
    }
    expect(errors).toEqual([])
  })

  for (const viewport of [
    { width: 1280, height: 720 },
    { width: 1920, height: 1080 },
  ]) {
    it(`fits ${viewport.width}×${viewport.height}: nothing cut off, the inspector is a drawer, panes resize`, {
      timeout: 60_000,
    }, async () => {
      const { page, errors } = await h.open('/ui/', viewport)
      await opened(page)
      await page.click('[data-testid=route-row][data-path="1"]')
      await expect.poll(() => page.locator('[data-testid=inspector-drawer]').count()).toBe(1)
      await page.waitForTimeout(100) // let the drawer's layout settle for the screenshot only
      await page.screenshot({ path: join(RESULTS, `ui-operator-${viewport.width}.png`) })
      // Every visible control lies inside the window, and no bar or tab row scrolls sideways.
      const outside = await page.evaluate(() => {
        const bad: string[] = []
        for (const el of document.querySelectorAll<HTMLElement>(
          'button, select, input:not([type=file]), [data-testid=live-state], .statusbar',
        )) {
          if (el.closest('dialog') || el.offsetParent === null) continue
          const r = el.getBoundingClientRect()
          if (r.width === 0) continue
          const scroller = el.closest('.view, .table, .events, .detail, .fill, .drawer .body, .inspector, [data-testid=event-list]')
          if (scroller) continue // inside a pane that scrolls on purpose
          if (r.left < 0 || r.top < 0 || r.right > innerWidth + 0.5 || r.bottom > innerHeight + 0.5)
            bad.push(
              `${el.dataset.testid ?? el.textContent?.trim().slice(0, 30)} at ${Math.round(r.left)},${Math.round(r.top)}–${Math.round(r.right)},${Math.round(r.bottom)}`,
            )
        }
        for (const bar of document.querySelectorAll<HTMLElement>('header, nav.tabs, .samples .bar, .statusbar'))
          if (bar.scrollWidth > bar.clientWidth + 1) bad.push(`${bar.className} overflows by ${bar.scrollWidth - bar.clientWidth}px`)
        if (document.documentElement.scrollWidth > innerWidth) bad.push('the page scrolls sideways')
        return bad
      })
      expect(outside).toEqual([])
      // The config pane resizes by dragging its splitter.
      const pane = page.locator('[data-testid=config-pane]')
      const width = (await pane.boundingBox())!.width
      const bar = (await page.locator('[data-testid=split-left]').boundingBox())!
      await page.mouse.move(bar.x + bar.width / 2, bar.y + bar.height / 2)
      await page.mouse.down()
      await page.mouse.move(bar.x + bar.width / 2 - 60, bar.y + bar.height / 2, { steps: 4 })
      await page.mouse.up()
      await expect.poll(async () => Math.round((await pane.boundingBox())!.width)).toBe(Math.round(width - 60))
      expect(errors).toEqual([])
    })
  }
})
