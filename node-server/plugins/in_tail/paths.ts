/**
 * @module in_tail's path expansion (Fluentd's `expand_paths`), run at startup and every
 * refresh_interval: each configured path is strftime-formatted (path_timezone, else local time),
 * globbed when glob_policy says it is a glob (glob hits must be readable files, modified within
 * limit_recently_modified when set), static paths are kept as written; exclude_path is expanded the
 * same way and removed; what is left and exists is stat-ed for its inode. Keys are the path, or
 * the inode with follow_inodes (the pos_file's keys).
 */

import { constants } from 'node:fs'
import { access, stat } from 'node:fs/promises'
import type { Logger } from '../../../engine/log.ts'
import { strftime } from '../../../engine/output/time-format.ts'
import type { Zone } from '../../../engine/time/zone.ts'
import { glob } from './glob.ts'
import type { TargetInfo } from './position-file.ts'

export type GlobPolicy = 'backward_compatible' | 'extended' | 'always'

export interface ExpandOptions {
  paths: readonly string[]
  excludePaths: readonly string[]
  globPolicy: GlobPolicy
  zone: Zone
  limitRecentlyModifiedMs: number | null
  followInodes: boolean
  ignoreRepeatedPermissionError: boolean
}

/** Does `path` count as a glob under the policy (Fluentd's `use_glob?`)? */
export function useGlob(path: string, policy: GlobPolicy): boolean {
  const extended = path.includes('*') || path.includes('?') || /\[.*\]/.test(path)
  if (policy === 'always') return extended || /\{.*,.*\}/.test(path)
  if (policy === 'extended') return extended
  return path.includes('*')
}

/** The key of a target: its path, or its inode with follow_inodes (as PositionFile.keyOf). */
export function targetKey(target: TargetInfo, followInodes: boolean): string {
  return followInodes ? `ino:${target.ino}` : target.path
}

export class PathExpander {
  /** Unreadable files already warned about (ignore_repeated_permission_error). */
  private readonly ignored = new Set<string>()

  constructor(
    private readonly options: ExpandOptions,
    private readonly log: Logger,
  ) {}

  /** The files to tail now, keyed by path (or inode). */
  async expand(nowMs: number): Promise<Map<string, TargetInfo>> {
    const { options } = this
    const sec = Math.floor(nowMs / 1000)
    const paths: string[] = []
    for (const configured of options.paths) {
      const path = strftime(configured, sec, 0, options.zone)
      if (!useGlob(path, options.globPolicy)) {
        paths.push(path)
        continue
      }
      for (const hit of await glob(path)) if (await this.acceptGlobHit(hit, nowMs)) paths.push(hit)
    }
    const excluded = new Set<string>()
    for (const configured of options.excludePaths) {
      const path = strftime(configured, sec, 0, options.zone)
      if (useGlob(path, options.globPolicy)) for (const hit of await glob(path)) excluded.add(hit)
      else excluded.add(path)
    }
    const targets = new Map<string, TargetInfo>()
    for (const path of paths) {
      if (excluded.has(path)) continue
      let ino: bigint
      try {
        ino = (await stat(path, { bigint: true })).ino
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code
        if (code !== 'ENOENT') this.log.warn(`expand_paths: stat() for ${path} failed with ${code}. Skip file.`)
        continue
      }
      const target = { path, ino }
      targets.set(targetKey(target, options.followInodes), target)
    }
    return targets
  }

  private async acceptGlobHit(path: string, nowMs: number): Promise<boolean> {
    let info: Awaited<ReturnType<typeof stat>>
    try {
      info = await stat(path)
    } catch {
      this.log.debug(`${path} is missing after refresh file list`)
      return false
    }
    if (info.isDirectory()) return false
    try {
      await access(path, constants.R_OK)
    } catch {
      if (!this.ignored.has(path)) {
        this.log.warn(`${path} unreadable. It is excluded and would be examined next time.`)
        if (this.options.ignoreRepeatedPermissionError) this.ignored.add(path)
      }
      return false
    }
    const limit = this.options.limitRecentlyModifiedMs
    return limit === null || info.mtimeMs >= nowMs - limit
  }
}
