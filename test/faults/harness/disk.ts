/**
 * @module A small size-limited directory for the full-disk scenario: a tmpfs mounted with
 * `mount -t tmpfs -o size=…` (needs root / CAP_SYS_ADMIN). When mounting is impossible the caller
 * falls back to total_limit_size and says so in its notes.
 */

import { execFile } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { promisify } from 'node:util'

const run = promisify(execFile)

export interface SmallDisk {
  mounted: boolean
  /** Why mounting failed (when it did). */
  reason: string | null
  unmount(): Promise<void>
}

export async function mountSmallDisk(dir: string, size: string): Promise<SmallDisk> {
  mkdirSync(dir, { recursive: true })
  try {
    await run('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir])
  } catch (error) {
    const reason = ((error as { stderr?: string }).stderr || (error as Error).message).trim()
    return { mounted: false, reason, unmount: async () => {} }
  }
  return {
    mounted: true,
    reason: null,
    async unmount() {
      try {
        await run('umount', [dir])
      } catch {
        await run('umount', ['-l', dir]).catch(() => undefined)
      }
    },
  }
}
