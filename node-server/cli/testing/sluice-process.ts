/**
 * @module Test helpers that run the real `sluice` executable as a child process: collect its
 * output, wait for log lines (never fixed sleeps), read the ports it bound from its `listening`
 * lines, send signals, and make sure it is gone after the test. Also used by bench/relay.
 */

import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url))
export const SLUICE_BIN = fileURLToPath(new URL('../../bin/sluice.mjs', import.meta.url))

/** `… [info] listening plugin_id=in_forward type=forward address=127.0.0.1 port=41234` (or the same as a JSON line) */
const LISTENING = /\[info\] listening plugin_id=(\S+) type=(\S+) address=(\S+) port=(\d+)/

export interface ProcessOptions {
  env?: NodeJS.ProcessEnv
  cwd?: string
  /** Run this executable with the args instead of `node bin/sluice.mjs` (e.g. `npm` for `npm start`). */
  command?: string
  /** In its own process group (signal the group with `signalGroup`, as a terminal's Ctrl-C does). */
  detached?: boolean
}

export interface Exit {
  code: number | null
  signal: NodeJS.Signals | null
}

export class SluiceProcess {
  readonly child: ChildProcess
  stdout = ''
  stderr = ''
  readonly exited: Promise<Exit>
  private waiters: (() => void)[] = []

  constructor(args: readonly string[], options: ProcessOptions = {}) {
    const [file, argv] = options.command === undefined ? [process.execPath, [SLUICE_BIN, ...args]] : [options.command, [...args]]
    this.child = spawn(file, argv, {
      cwd: options.cwd ?? REPO_ROOT,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: options.detached ?? false,
    })
    this.child.stdout!.setEncoding('utf8').on('data', (t: string) => {
      this.stdout += t
      this.notify()
    })
    this.child.stderr!.setEncoding('utf8').on('data', (t: string) => {
      this.stderr += t
      this.notify()
    })
    this.exited = new Promise((resolve) =>
      this.child.once('close', (code, signal) => {
        this.notify()
        resolve({ code, signal })
      }),
    )
  }

  get pid(): number {
    return this.child.pid!
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null
  }

  private notify(): void {
    const waiters = this.waiters
    this.waiters = []
    for (const w of waiters) w()
  }

  /** Resolves when `test` holds on the output; rejects after `timeoutMs` or if the process exits first. */
  async waitFor<T>(test: () => T | undefined | null | false, what: string, timeoutMs = 15_000): Promise<T> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const value = test()
      if (value) return value
      if (!this.running) throw new Error(`sluice exited before ${what}\nstderr:\n${this.stderr}\nstdout:\n${this.stdout}`)
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`timed out waiting for ${what}\nstderr:\n${this.stderr}`)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 250))
        this.waiters.push(() => {
          clearTimeout(timer)
          resolve()
        })
      })
    }
  }

  /** Waits for a stderr line matching `re` (counting from `from`, an offset into stderr). */
  waitForLine(re: RegExp, from = 0, timeoutMs?: number): Promise<RegExpMatchArray> {
    return this.waitFor(() => this.stderr.slice(from).match(re), `a log line matching ${re}`, timeoutMs)
  }

  /** The port a plugin (or `api`) listens on, from its `listening` line after `from`. */
  async port(pluginId: string, from = 0): Promise<number> {
    const found = await this.waitFor(() => {
      for (const line of this.stderr.slice(from).split('\n')) {
        const m = LISTENING.exec(line)
        if (m && m[1] === pluginId) return Number(m[4])
        if (line.startsWith('{') && line.includes('"listening"')) {
          const j = JSON.parse(line) as { message?: string; plugin_id?: string; port?: number }
          if (j.message === 'listening' && j.plugin_id === pluginId) return j.port
        }
      }
      return undefined
    }, `plugin ${pluginId} listening`)
    return found
  }

  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal)
  }

  /** Signals the whole process group (started with `detached`), as a terminal does on Ctrl-C. */
  signalGroup(signal: NodeJS.Signals): void {
    process.kill(-this.pid, signal)
  }

  /** Kills the process if it still runs (test cleanup). */
  async kill(): Promise<Exit> {
    if (this.running) this.child.kill('SIGKILL')
    return this.exited
  }
}

export function startSluice(args: readonly string[], options?: ProcessOptions): SluiceProcess {
  return new SluiceProcess(args, options)
}

/** Runs sluice to completion (check, convert, a failing start). */
export async function runSluice(
  args: readonly string[],
  options?: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number },
): Promise<Exit & { stdout: string; stderr: string }> {
  const p = new SluiceProcess(args, options)
  const timer = setTimeout(() => p.child.kill('SIGKILL'), options?.timeoutMs ?? 20_000)
  const exit = await p.exited
  clearTimeout(timer)
  return { ...exit, stdout: p.stdout, stderr: p.stderr }
}

/** Polls `condition` until true; rejects after `timeoutMs`. */
export async function waitUntil(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}
