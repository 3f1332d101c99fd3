/** @module The Apply dialog's line diff: Myers on lines, hunks with context, counts. */

import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { diffLines, diffText } from './text-diff.ts'

describe('diffText', () => {
  it('marks changed lines and keeps context around them', () => {
    const d = diffText('a\nb\nc\nd\ne\nf\ng\nh\n', 'a\nb\nC\nd\ne\nf\ng\nh\nI\n', 1)
    expect([d.added, d.removed]).toEqual([2, 1])
    expect(d.hunks.map((h) => h.lines.map((l) => `${l.kind[0]}${l.text}`).join(' '))).toEqual(['sb rc aC sd', 'sh aI'])
    expect(d.hunks[0]).toMatchObject({ oldStart: 2, newStart: 2 })
  })

  it('reports nothing for equal texts, everything for an empty side', () => {
    expect(diffText('x\ny\n', 'x\ny\n').hunks).toEqual([])
    expect(diffText('', 'x\ny\n')).toMatchObject({ added: 2, removed: 0 })
    expect(diffText('x\n', '')).toMatchObject({ added: 0, removed: 1 })
  })

  it('is a minimal edit that turns the old lines into the new ones (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { maxLength: 30 }),
        fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { maxLength: 30 }),
        (a, b) => {
          const lines = diffLines(a, b)
          expect(lines.filter((l) => l.kind !== 'added').map((l) => l.text)).toEqual(a)
          expect(lines.filter((l) => l.kind !== 'removed').map((l) => l.text)).toEqual(b)
          // minimal: the kept lines are a longest common subsequence
          const lcs = (x: string[], y: string[]) => {
            const t = Array.from({ length: x.length + 1 }, () => new Array<number>(y.length + 1).fill(0))
            for (let i = 1; i <= x.length; i++)
              for (let j = 1; j <= y.length; j++) t[i][j] = x[i - 1] === y[j - 1] ? t[i - 1][j - 1] + 1 : Math.max(t[i - 1][j], t[i][j - 1])
            return t[x.length][y.length]
          }
          expect(lines.filter((l) => l.kind === 'same').length).toBe(lcs(a, b))
        },
      ),
      { numRuns: 300 },
    )
  })
})
