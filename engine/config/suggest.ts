/**
 * @module "Did you mean" suggestions: Levenshtein distance and the closest known name.
 */

/** Edit distance (insertions, deletions, substitutions) between two strings. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost)
    }
    prev = row
  }
  return prev[b.length]
}

/**
 * The known name closest to `name`, if it is close enough to be a likely typo: within a third of
 * the length (at least 2 edits), or the same name but for case, `-` versus `_`, or a prefix.
 *
 * @example
 * closest('flush_intervall', ['flush_interval', 'flush_mode']) // 'flush_interval'
 */
export function closest(name: string, known: readonly string[]): string | undefined {
  const normalized = name.toLowerCase().replace(/-/g, '_')
  let best: string | undefined
  let bestDistance = Infinity
  for (const candidate of known) {
    if (candidate.toLowerCase() === normalized) return candidate
    const d = editDistance(normalized, candidate.toLowerCase())
    if (d < bestDistance) {
      best = candidate
      bestDistance = d
    }
  }
  if (best === undefined) return undefined
  const limit = Math.max(2, Math.floor(name.length / 3))
  return bestDistance <= limit ? best : undefined
}
