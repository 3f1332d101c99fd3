/**
 * @module Document edits: default positions that keep routing meaningful, move/duplicate/remove with
 * disabled flags following their directives, params and sections, type changes.
 */

import { describe, expect, it } from 'vitest'
import { getParam } from '../../../../engine/config/model.ts'
import { elementAt, emptyDoc, parseDesign, printDesign } from './document.ts'
import {
  addDirective,
  addSection,
  changeType,
  duplicateElement,
  moveElement,
  removeElement,
  renameParamAt,
  setArgAt,
  setParamAt,
  toggleDisabled,
} from './edit.ts'

const names = (doc: ReturnType<typeof emptyDoc>) => doc.model.root.elements.map((e) => `${e.name}${e.arg ? ' ' + e.arg : ''}`)

describe('edits', () => {
  it('builds a config from scratch: sources first, filters before the first match, matches after the rules', () => {
    let doc = emptyDoc()
    doc = addDirective(doc, '', 'match', { type: 'stdout', arg: '**' }).doc
    doc = addDirective(doc, '', 'filter', { type: 'grep', arg: 'app.**' }).doc
    doc = addDirective(doc, '', 'source', { type: 'forward' }).doc
    doc = addDirective(doc, '', 'label', { arg: '@OUT' }).doc
    const added = addDirective(doc, '', 'match', { type: 'null', arg: 'app.**' })
    doc = added.doc
    expect(names(doc)).toEqual(['source', 'filter app.**', 'match **', 'match app.**', 'label @OUT'])
    expect(added.path).toBe('3')
    const inLabel = addDirective(doc, '4', 'filter', { type: 'grep' })
    expect(inLabel.path).toBe('4/0')
    expect(printDesign(inLabel.doc)).toContain(
      '<label @OUT>\n  <filter **>\n    @type grep\n  </filter>\n\n  <match **>\n    @type stdout\n  </match>\n</label>',
    )
  })

  it('moves, duplicates and removes; disabled flags follow their directive', () => {
    let doc = parseDesign(
      '<match a>\n  @type null\n  @id one\n</match>\n<match b>\n  @type null\n</match>\n<match c>\n  @type null\n</match>\n',
    ).doc
    doc = toggleDisabled(doc, '0')
    const moved = moveElement(doc, '0', '', 3)
    expect(moved.path).toBe('2')
    expect(names(moved.doc)).toEqual(['match b', 'match c', 'match a'])
    expect([...moved.doc.disabled]).toEqual(['2'])
    const dup = duplicateElement(moved.doc, '2')
    expect(dup.path).toBe('3')
    expect(getParam(elementAt(dup.doc.model, '3')!, '@id')).toBeUndefined()
    expect([...dup.doc.disabled].sort()).toEqual(['2', '3'])
    const removed = removeElement(dup.doc, '0')
    expect(names(removed)).toEqual(['match c', 'match a', 'match a'])
    expect([...removed.disabled].sort()).toEqual(['1', '2'])
    expect(names(doc)).toEqual(['match a', 'match b', 'match c'])
  })

  it('moves a rule into a label', () => {
    const doc = parseDesign('<filter x>\n  @type grep\n</filter>\n<label @L>\n  <match **>\n    @type null\n  </match>\n</label>\n').doc
    const moved = moveElement(doc, '0', '1', 0)
    expect(moved.path).toBe('0/0')
    expect(printDesign(moved.doc)).toBe(
      '<label @L>\n  <filter x>\n    @type grep\n  </filter>\n\n  <match **>\n    @type null\n  </match>\n</label>\n',
    )
  })

  it('sets, renames and removes params, sets arguments, adds sections and changes types', () => {
    let doc = parseDesign('<filter **>\n  @type record_transformer\n  @id rt\n  <record>\n    a 1\n    b 2\n  </record>\n</filter>\n').doc
    doc = setParamAt(doc, '0/0', 'c', '3')
    doc = renameParamAt(doc, '0/0', 'a', 'z')
    doc = setParamAt(doc, '0/0', 'b', null)
    doc = setArgAt(doc, '0', 'app.**')
    expect(printDesign(doc)).toBe(
      '<filter app.**>\n  @type record_transformer\n  @id rt\n  <record>\n    z 1\n    c 3\n  </record>\n</filter>\n',
    )
    const section = addSection(doc, '0', 'record', { k: 'v' })
    expect(section.path).toBe('0/1')
    doc = changeType(section.doc, '0', 'grep')
    expect(printDesign(doc)).toBe('<filter app.**>\n  @type grep\n  @id rt\n</filter>\n')
  })
})
