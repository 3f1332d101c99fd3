/**
 * @module A line diff of two texts (Myers' O(ND) algorithm on lines, after the common head and
 * tail are set aside), grouped into hunks with context — what the designer's Apply dialog shows
 * between the running config and the one about to replace it.
 */

export interface DiffLine {
  kind: 'same' | 'added' | 'removed'
  text: string
  /** 1-based line in the old text (same, removed) and in the new one (same, added). */
  oldLine: number | null
  newLine: number | null
}

export interface DiffHunk {
  oldStart: number
  newStart: number
  lines: DiffLine[]
}

export interface TextDiff {
  added: number
  removed: number
  hunks: DiffHunk[]
}

/**
 * @example
 * diffText('a\nb\nc\n', 'a\nB\nc\n').hunks[0].lines.map((l) => l.kind) // ['same', 'removed', 'added', 'same']
 */
export function diffText(before: string, after: string, context = 3): TextDiff {
  const a = splitLines(before)
  const b = splitLines(after)
  const lines = diffLines(a, b)
  let added = 0
  let removed = 0
  for (const l of lines) {
    if (l.kind === 'added') added++
    else if (l.kind === 'removed') removed++
  }
  return { added, removed, hunks: hunksOf(lines, context) }
}

function splitLines(text: string): string[] {
  if (text === '') return []
  const lines = text.split('\n')
  if (lines[lines.length - 1] === '') lines.pop()
  return lines
}

/** Every line of both texts in order, each marked same / removed / added. */
export function diffLines(a: readonly string[], b: readonly string[]): DiffLine[] {
  let head = 0
  while (head < a.length && head < b.length && a[head] === b[head]) head++
  let tail = 0
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++
  const middle = myers(a.slice(head, a.length - tail), b.slice(head, b.length - tail))
  const out: DiffLine[] = []
  let i = 0
  let j = 0
  const same = () => {
    out.push({ kind: 'same', text: a[i], oldLine: i + 1, newLine: j + 1 })
    i++
    j++
  }
  for (let k = 0; k < head; k++) same()
  for (const op of middle) {
    if (op === 0) same()
    else if (op < 0) {
      out.push({ kind: 'removed', text: a[i], oldLine: i + 1, newLine: null })
      i++
    } else {
      out.push({ kind: 'added', text: b[j], oldLine: null, newLine: j + 1 })
      j++
    }
  }
  for (let k = 0; k < tail; k++) same()
  return out
}

/** The edit script from a to b: 0 keep, -1 remove from a, +1 add from b (removals first at each place). */
function myers(a: readonly string[], b: readonly string[]): number[] {
  const n = a.length
  const m = b.length
  if (n === 0) return new Array(m).fill(1)
  if (m === 0) return new Array(n).fill(-1)
  const max = n + m
  const offset = max
  let v = new Int32Array(2 * max + 2)
  const trace: Int32Array[] = []
  let found = false
  for (let d = 0; d <= max && !found; d++) {
    trace.push(v.slice())
    const next = v.slice()
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1]) ? v[offset + k + 1] : v[offset + k - 1] + 1
      let y = x - k
      while (x < n && y < m && a[x] === b[y]) {
        x++
        y++
      }
      next[offset + k] = x
      if (x >= n && y >= m) {
        found = true
        break
      }
    }
    v = next
  }
  trace.push(v)
  // Walk back from (n, m) through the saved frontiers.
  const ops: number[] = []
  let x = n
  let y = m
  for (let d = trace.length - 2; d >= 0 && (x > 0 || y > 0); d--) {
    const frontier = trace[d]
    const k = x - y
    const down = k === -d || (k !== d && frontier[offset + k - 1] < frontier[offset + k + 1])
    const prevK = down ? k + 1 : k - 1
    const prevX = d === 0 ? 0 : frontier[offset + prevK]
    const prevY = prevX - prevK
    while (x > prevX && y > prevY) {
      ops.push(0)
      x--
      y--
    }
    if (d === 0) break
    if (down) {
      ops.push(1)
      y--
    } else {
      ops.push(-1)
      x--
    }
  }
  while (x > 0 && y > 0) {
    ops.push(0)
    x--
    y--
  }
  return ops.reverse()
}

function hunksOf(lines: readonly DiffLine[], context: number): DiffHunk[] {
  const ranges: [number, number][] = []
  lines.forEach((line, i) => {
    if (line.kind === 'same') return
    const from = Math.max(0, i - context)
    const to = Math.min(lines.length - 1, i + context)
    const last = ranges[ranges.length - 1]
    if (last !== undefined && from <= last[1] + 1) last[1] = Math.max(last[1], to)
    else ranges.push([from, to])
  })
  return ranges.map(([from, to]) => {
    const part = lines.slice(from, to + 1)
    const firstOld = part.find((l) => l.oldLine !== null)?.oldLine ?? 0
    const firstNew = part.find((l) => l.newLine !== null)?.newLine ?? 0
    return { oldStart: firstOld, newStart: firstNew, lines: part }
  })
}
