/** @module Undo steps of the designer's history: typing bursts coalesce, a caret jump or another kind of change starts a step. */
import { describe, expect, it } from 'vitest'
import { History } from './history.ts'

describe('History', () => {
  it('coalesces a typing burst, and starts a new step after seal (the caret moved elsewhere)', () => {
    let now = 0
    const h = new History(() => now)
    h.reset('', null)
    h.record('a', null, 'type')
    now += 200
    h.record('ab', null, 'type')
    now += 200
    h.seal()
    h.record('#ab', null, 'type')
    expect(h.undo()?.text).toBe('ab')
    expect(h.undo()?.text).toBe('')
    expect(h.canUndo).toBe(false)
    expect(h.redo()?.text).toBe('ab')
    expect(h.redo()?.text).toBe('#ab')
  })

  it('makes every structural edit and replacement its own step, and typing after a pause another', () => {
    let now = 0
    const h = new History(() => now)
    h.reset('x', null)
    h.record('x1', null, 'edit')
    h.record('x12', null, 'edit')
    h.record('', null, 'replace')
    now += 5000
    h.record('y', null, 'type')
    now += 1500
    h.record('yz', null, 'type')
    expect([h.undo()?.text, h.undo()?.text, h.undo()?.text, h.undo()?.text, h.undo()?.text]).toEqual(['y', '', 'x12', 'x1', 'x'])
    expect(h.undo()).toBeNull()
  })
})
