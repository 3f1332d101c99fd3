/**
 * @module One sluice daemon of a fault scenario (the real executable, `node
 * node-server/bin/sluice.mjs -c CONF`): start and wait for its `started` line, SIGKILL it and start
 * it again on the same config (same ports, same buffer directory), stop it gracefully. Its peak
 * RSS (VmHWM from /proc, polled every 200 ms) is kept over every incarnation, and exits nobody
 * asked for are counted as crashes.
 */

import { writeFileSync } from 'node:fs'
import { memory } from '../../../bench/relay/proc-stats.ts'
import { startSluice, type SluiceProcess } from '../../../node-server/cli/testing/sluice-process.ts'

export class SluiceNode {
  private proc: SluiceProcess | null = null
  private poller: ReturnType<typeof setInterval> | undefined
  /** Highest VmHWM seen over every incarnation (bytes). */
  peakRss = 0
  /** Times the process ended without being asked to. */
  crashes = 0
  starts = 0
  /** stderr of earlier incarnations (for failure reports), trimmed to the last 200 KB. */
  private history = ''
  private expectingExit = false

  constructor(
    readonly name: string,
    readonly confPath: string,
    config: string,
    private readonly args: string[] = [],
  ) {
    writeFileSync(confPath, config)
  }

  get pid(): number | null {
    return this.proc?.running ? this.proc.pid : null
  }

  get running(): boolean {
    return this.proc?.running === true
  }

  /** Every stderr line so far (all incarnations). */
  get log(): string {
    return this.history + (this.proc?.stderr ?? '')
  }

  async start(timeoutMs = 30_000): Promise<void> {
    if (this.running) return
    this.expectingExit = false
    const proc = startSluice(['-c', this.confPath, '--no-api', ...this.args])
    this.proc = proc
    this.starts++
    proc.exited.then(() => {
      this.sample(proc)
      if (!this.expectingExit && this.proc === proc) this.crashes++
    })
    await proc.waitForLine(/\[info\] started /, 0, timeoutMs)
    this.sample(proc)
    clearInterval(this.poller)
    this.poller = setInterval(() => this.sample(proc), 200)
    this.poller.unref()
  }

  private sample(proc: SluiceProcess): void {
    if (!proc.running) return
    const m = memory(proc.pid)
    if (m !== null && Number.isFinite(m.peak)) this.peakRss = Math.max(this.peakRss, m.peak)
  }

  private retire(proc: SluiceProcess): void {
    this.history = (this.history + proc.stderr).slice(-200_000)
    clearInterval(this.poller)
  }

  /** SIGKILL: no shutdown at all (buffers, acks, sockets as they are). */
  async kill(): Promise<void> {
    const proc = this.proc
    if (proc === null || !proc.running) return
    this.sample(proc)
    this.expectingExit = true
    await proc.kill()
    this.retire(proc)
    this.proc = null
  }

  /** SIGTERM and wait (SIGKILL after `timeoutMs`). */
  async stop(timeoutMs = 20_000): Promise<void> {
    const proc = this.proc
    if (proc === null) return
    if (proc.running) {
      this.sample(proc)
      this.expectingExit = true
      proc.signal('SIGTERM')
      const timer = setTimeout(() => void proc.kill(), timeoutMs)
      await proc.exited
      clearTimeout(timer)
    }
    this.retire(proc)
    this.proc = null
  }

  /** Lines of the current and earlier incarnations matching `re`. */
  count(re: RegExp): number {
    return this.log.split('\n').filter((l) => re.test(l)).length
  }
}
