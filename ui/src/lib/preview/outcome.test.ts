/**
 * @module How a change in a destination's count reads in the Impact view and the Apply dialog:
 * moved deliveries are a change, more events dropped / unmatched / in error are worse, fewer better.
 */

import { describe, expect, it } from 'vitest'
import { Outcome } from '../../../../engine/preview/types.ts'
import { deltaTone } from './outcome.ts'

describe('deltaTone', () => {
  it('reads more dropped as worse and fewer as better; a delivery that moves is a change', () => {
    expect(deltaTone(Outcome.Dropped, 2)).toBe('worse')
    expect(deltaTone(Outcome.Dropped, -1)).toBe('better')
    expect(deltaTone(Outcome.Unmatched, 1)).toBe('worse')
    expect(deltaTone(Outcome.Error, -3)).toBe('better')
    expect(deltaTone(Outcome.Delivered, 2)).toBe('change')
    expect(deltaTone(Outcome.Delivered, -2)).toBe('change')
    expect(deltaTone(Outcome.Consumed, 1)).toBe('change')
    expect(deltaTone(Outcome.Dropped, 0)).toBe('')
  })
})
