/**
 * @module fluent-plugin-prometheus's PromMetricsAggregator: merges the text expositions of several
 * workers into one (`/aggregated_metrics`): per metric name, the `# TYPE`/`# HELP` lines of the
 * first exposition that has it, then every sample line of all of them, in first-seen order.
 */

export function aggregateExpositions(texts: readonly string[]): string {
  const metrics = new Map<string, { comments: string[]; samples: string[] }>()
  for (const text of texts) {
    let current = ''
    let isNew = false
    for (const line of text.split('\n')) {
      if (line === '') continue
      if (line.startsWith('#')) {
        const tokens = line.split(' ')
        const name = tokens[1] === 'HELP' || tokens[1] === 'TYPE' ? (tokens[2] ?? '') : ''
        if (name === '') continue
        if (name !== current) {
          isNew = !metrics.has(name)
          if (isNew) metrics.set(name, { comments: [], samples: [] })
          current = name
        }
        if (isNew) metrics.get(name)!.comments.push(line)
      } else {
        let entry = metrics.get(current)
        if (entry === undefined) metrics.set(current, (entry = { comments: [], samples: [] }))
        entry.samples.push(line)
      }
    }
  }
  // The plugin ends with "\n" even when there is nothing (Ruby's `0` is true).
  return `${[...metrics.values()].map((m) => [...m.comments, ...m.samples].join('\n')).join('\n')}\n`
}
