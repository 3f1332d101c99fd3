/** @module The Apply dialog's reload plan: listeners opened / closed / handed over, plugins added, removed, changed. */

import { describe, expect, it } from 'vitest'
import { parseConfig } from '../config/parse.ts'
import { planReload } from './reload-plan.ts'
import { testCatalog } from './testing.ts'

const model = (text: string) => parseConfig(text, 'fluent.conf').config

describe('planReload', () => {
  it('names the listeners a reload opens, closes and hands over, with schema defaults', () => {
    const plan = planReload(
      model(
        '<source>\n  @type forward\n</source>\n<source>\n  @type forward\n  @id b\n  port 24225\n</source>\n<source>\n  @type forward\n  @id z\n  port 0\n</source>\n<match **>\n  @type stdout\n</match>\n',
      ),
      model(
        '<source>\n  @type forward\n</source>\n<source>\n  @type forward\n  @id c\n  bind 127.0.0.1\n  port 9999\n</source>\n<source>\n  @type forward\n  @id z\n  port 0\n</source>\n<match **>\n  @type stdout\n</match>\n',
      ),
      testCatalog(),
    )
    expect(plan.listeners).toEqual({
      opened: [{ address: '127.0.0.1:9999', plugin: '<source> @type forward @id c' }],
      closed: [{ address: '0.0.0.0:24225', plugin: '<source> @type forward @id b' }],
      kept: [
        { address: '0.0.0.0:24224', plugin: '<source> @type forward' },
        { address: '0.0.0.0:0', plugin: '<source> @type forward @id z' },
      ],
    })
    expect(plan.inputs.added.map((p) => p.plugin)).toEqual(['<source> @type forward @id c'])
    expect(plan.inputs.removed.map((p) => p.plugin)).toEqual(['<source> @type forward @id b'])
    expect(plan.same).toBe(false)
  })

  it('names outputs and filters added, removed and changed (by @id, else by place), labels included', () => {
    const plan = planReload(
      model(
        '<filter app.**>\n  @type grep\n  <exclude>\n    key a\n    pattern /x/\n  </exclude>\n</filter>\n<match app.**>\n  @type stdout\n  @id out\n</match>\n<label @X>\n  <match **>\n    @type null\n  </match>\n</label>\n',
      ),
      model(
        '<filter app.**>\n  @type grep\n  <exclude>\n    key a\n    pattern /y/\n  </exclude>\n</filter>\n<match app.**>\n  @type file\n  @id out\n  path /tmp/x\n</match>\n<match **>\n  @type null\n</match>\n',
      ),
      testCatalog(),
    )
    expect(plan.filters.changed).toEqual([{ plugin: '<filter app.**> @type grep', detail: '<exclude> changed' }])
    expect(plan.outputs.changed).toEqual([{ plugin: '<match app.**> @type file @id out', detail: '@type stdout → file, +path /tmp/x' }])
    expect(plan.outputs.added.map((p) => p.plugin)).toEqual(['<match **> @type null'])
    expect(plan.outputs.removed.map((p) => p.plugin)).toEqual(['<match **> @type null in @X'])
  })

  it('says when nothing changes', () => {
    const text = '<source>\n  @type forward\n</source>\n<match **>\n  @type stdout\n</match>\n'
    expect(planReload(model(text), model(text), testCatalog()).same).toBe(true)
  })
})
