/**
 * @module Per-process resource readings from Linux /proc: CPU time (utime + stime of
 * /proc/<pid>/stat, in clock ticks), resident memory now (VmRSS) and at its peak (VmHWM) from
 * /proc/<pid>/status. Readings of a process that is gone are null. The tree readings add its
 * descendants (the worker processes of `<system> workers N`).
 */

import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'

let ticksPerSecond: number | null = null

/** `getconf CLK_TCK` (100 on Linux nearly everywhere). */
export function clockTicks(): number {
  if (ticksPerSecond === null) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
    } catch {
      ticksPerSecond = 100
    }
  }
  return ticksPerSecond
}

/** User + system CPU seconds the process used so far. */
export function cpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const utime = Number(fields[11])
    const stime = Number(fields[12])
    return (utime + stime) / clockTicks()
  } catch {
    return null
  }
}

/** VmRSS and VmHWM in bytes. */
export function memory(pid: number): { rss: number; peak: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024
    return { rss: kb('VmRSS'), peak: kb('VmHWM') }
  } catch {
    return null
  }
}

/** The pid and every descendant of it (from /proc/<pid>/task/<tid>/children), for a supervisor and its workers. */
export function processTree(pid: number): number[] {
  const out: number[] = []
  const visit = (p: number) => {
    out.push(p)
    let tasks: string[]
    try {
      tasks = readdirSync(`/proc/${p}/task`)
    } catch {
      return
    }
    for (const tid of tasks) {
      let children = ''
      try {
        children = readFileSync(`/proc/${p}/task/${tid}/children`, 'utf8')
      } catch {
        continue
      }
      for (const c of children.split(' ').filter(Boolean)) visit(Number(c))
    }
  }
  visit(pid)
  return out
}

/** CPU seconds of a process and its descendants (workers count); null when the process is gone. */
export function treeCpuSeconds(pid: number): number | null {
  if (cpuSeconds(pid) === null) return null
  return processTree(pid).reduce((n, p) => n + (cpuSeconds(p) ?? 0), 0)
}

/** VmRSS and VmHWM summed over a process and its descendants. */
export function treeMemory(pid: number): { rss: number; peak: number } | null {
  if (memory(pid) === null) return null
  return processTree(pid).reduce(
    (sum, p) => {
      const m = memory(p)
      return m === null ? sum : { rss: sum.rss + m.rss, peak: sum.peak + m.peak }
    },
    { rss: 0, peak: 0 },
  )
}
