/**
 * @module `<group>`: lines per rate_period for groups of files (in_tail/group_watch.rb). A file's
 * metadata are the named captures of `pattern` on its path; each `<rule>` has a `match` (capture
 * name → regexp, `.*` for names it leaves out) and a `limit`. Matching is Fluentd's: the file's
 * capture values joined with `_` are searched (unanchored) with the rule's regexps joined with `_`,
 * in the pattern's capture order; rules with more keys are tried first; a file no rule matches
 * (or whose path the pattern does not match) is in the default group, which has no limit. A
 * group's limit is shared equally by its files (`limit / files`, integer division): once a file
 * read its share within the period it is paused until the period has passed since its first read.
 */

import type { Logger } from '../../../engine/log.ts'

export interface GroupRule {
  /** Capture name → regexp source. */
  match: Record<string, string>
  limit: number
}

export interface GroupOptions {
  pattern: RegExp
  ratePeriodMs: number
  rules: GroupRule[]
}

interface FileCounter {
  lines: number
  startMs: number | null
}

/** One group: its limit and the files in it. */
export class GroupWatcher {
  readonly files = new Map<string, FileCounter>()

  constructor(
    readonly limit: number,
    private readonly ratePeriodMs: number,
  ) {}

  /** Lines `path` may still read in this period (Infinity without a limit; 0 when paused). */
  allowance(path: string, nowMs: number): number {
    const counter = this.files.get(path)
    if (counter === undefined || this.limit === 0) return 0
    if (this.limit < 0) return Number.POSITIVE_INFINITY
    const share = Math.floor(this.limit / this.files.size)
    if (counter.lines < share) return share - counter.lines
    if (counter.startMs !== null && nowMs - counter.startMs < this.ratePeriodMs) return 0
    counter.lines = 0
    counter.startMs = null
    return share
  }

  /** Counts lines read by `path` (the period starts at its first read). */
  count(path: string, lines: number, nowMs: number): void {
    const counter = this.files.get(path)
    if (counter === undefined) return
    counter.startMs ??= nowMs
    counter.lines += lines
  }
}

/** The groups of a `<group>` section and which group a file belongs to. */
export class Groups {
  private readonly captureNames: string[]
  /** Rule keys (joined regexps) in priority order → their watcher; the default group last. */
  private readonly watchers: { key: RegExp; watcher: GroupWatcher }[] = []
  private readonly defaultWatcher: GroupWatcher

  constructor(
    private readonly options: GroupOptions,
    private readonly log: Logger,
  ) {
    this.captureNames = captureNames(options.pattern)
    const seen = new Map<string, GroupWatcher>()
    const rules = [...options.rules].sort((a, b) => Object.keys(b.match).length - Object.keys(a.match).length)
    for (const rule of rules) {
      if (rule.limit < -1) throw new Error(`<group> <rule> limit must be -1 or more (got ${rule.limit})`)
      const source = this.captureNames.map((name) => `(?:${rule.match[name] ?? '.*'})`).join('_')
      if (seen.has(source)) continue
      const watcher = new GroupWatcher(rule.limit, options.ratePeriodMs)
      seen.set(source, watcher)
      this.watchers.push({ key: new RegExp(source), watcher })
    }
    this.defaultWatcher = new GroupWatcher(-1, options.ratePeriodMs)
  }

  /** Adds a file to its group and returns the group. */
  add(path: string): GroupWatcher {
    const watcher = this.find(path)
    if (!watcher.files.has(path)) watcher.files.set(path, { lines: 0, startMs: null })
    return watcher
  }

  remove(path: string): void {
    this.find(path).files.delete(path)
  }

  private find(path: string): GroupWatcher {
    const m = this.options.pattern.exec(path)
    if (m === null) {
      this.log.warn('Cannot find group from metadata, Adding file in the default group', { path })
      return this.defaultWatcher
    }
    const groups = m.groups ?? {}
    const metadata = this.captureNames.map((name) => groups[name] ?? '').join('_')
    for (const { key, watcher } of this.watchers) if (key.test(metadata)) return watcher
    return this.defaultWatcher
  }
}

/** The named captures of a regexp, in order. */
function captureNames(re: RegExp): string[] {
  const names: string[] = []
  const finder = /\(\?<([A-Za-z_][A-Za-z0-9_]*)>/g
  for (let m = finder.exec(re.source); m !== null; m = finder.exec(re.source)) names.push(m[1])
  return names
}
