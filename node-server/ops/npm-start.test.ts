/**
 * @module Stop signals reach the daemon through npm, as systemd, Docker and CI send them (to the
 * top process): `npm start` execs the daemon (no shell left between npm, which forwards SIGTERM
 * and SIGINT, and sluice); `npx sluice` keeps npm's `sh -c`, which dies on SIGTERM without passing
 * it on, so the daemon notices its parent is gone (parent-watch.ts) and stops; Ctrl-C, which a
 * terminal sends to the whole foreground group and npm forwards once more, is one graceful stop.
 * Each test asserts that every process exited within the shutdown timeout and every listening
 * port was released. Real npm, real signals, ports on 0 (`--default-ports 0`).
 */

import { readFileSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { startSluice, waitUntil, type SluiceProcess } from '../cli/testing/sluice-process.ts'

const SHUTDOWN_TIMEOUT_S = 10
const ARGS = ['--default-ports', '0', '--shutdown-timeout', `${SHUTDOWN_TIMEOUT_S}s`]

const npmCache = mkdtempSync(join(tmpdir(), 'sluice-npm-cache-'))
const launched: SluiceProcess[] = []
const daemons: number[] = []

afterEach(async () => {
  for (const pid of daemons.splice(0)) if (alive(pid)) process.kill(pid, 'SIGKILL')
  await Promise.all(launched.splice(0).map((p) => p.kill()))
})

afterAll(() => {
  rmSync(npmCache, { recursive: true, force: true })
})

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

function parentOf(pid: number): number {
  // /proc/<pid>/stat: "pid (comm) state ppid …"; comm may hold spaces, so read after the last ')'.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
}

/** Resolves when `port` can be bound again on 127.0.0.1 (nothing holds it any more). */
async function released(port: number): Promise<boolean> {
  const server = createServer()
  return new Promise((resolve) => {
    server.once('error', () => resolve(false))
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)))
  })
}

/** Starts `npm …` (or `npx …`), waits for the three listeners and the daemon's `started` line. */
async function launch(command: 'npm' | 'npx', args: string[], detached = false) {
  const p = startSluice(args, { command, detached, env: { npm_config_cache: npmCache, npm_config_update_notifier: 'false' } })
  launched.push(p)
  // npm start builds what is missing first (the designer takes a few seconds).
  const daemon = Number((await p.waitForLine(/\[info\] started .*\bpid=(\d+)/, 0, 120_000))[1])
  const ports = [await p.port('in_forward'), await p.port('in_http'), await p.port('api')]
  daemons.push(daemon)
  return { p, ports, daemon }
}

/** Every process exited and every port is free within the shutdown timeout. */
async function expectAllGone(p: SluiceProcess, daemon: number, ports: number[], since: number): Promise<void> {
  const deadline = SHUTDOWN_TIMEOUT_S * 1000
  await p.exited
  await waitUntil(() => !alive(daemon), `the daemon (pid ${daemon}) to exit`, deadline)
  for (const port of ports) expect(await released(port)).toBe(true)
  expect(Date.now() - since).toBeLessThan(deadline)
}

describe('stop signals through npm', () => {
  it('SIGTERM to `npm start` stops the daemon gracefully: npm execs it, no shell in between', { timeout: 180_000 }, async () => {
    const { p, ports, daemon } = await launch('npm', ['start', '--', ...ARGS])
    expect(parentOf(daemon)).toBe(p.pid)
    const t0 = Date.now()
    p.signal('SIGTERM')
    await expectAllGone(p, daemon, ports, t0)
    expect(p.stderr).toMatch(/\[info\] stopping reason=SIGTERM/)
    expect(p.stderr).toMatch(/\[info\] stopped elapsed_ms=/)
  })

  it('Ctrl-C on `npm start` (SIGINT to the whole group, forwarded again by npm) is one graceful stop', { timeout: 180_000 }, async () => {
    const { p, ports, daemon } = await launch('npm', ['start', '--', ...ARGS], true)
    const t0 = Date.now()
    p.signalGroup('SIGINT')
    await expectAllGone(p, daemon, ports, t0)
    expect(p.stderr).toMatch(/\[info\] stopped elapsed_ms=/)
    expect(p.stderr).not.toMatch(/second signal/)
  })

  it('SIGTERM to `npx sluice` stops the daemon although the shell npx runs it in does not pass the signal on', {
    timeout: 180_000,
  }, async () => {
    const { p, ports, daemon } = await launch('npx', ['--offline', 'sluice', ...ARGS])
    expect(parentOf(daemon)).not.toBe(p.pid) // npx → sh -c → node
    const t0 = Date.now()
    p.signal('SIGTERM')
    await expectAllGone(p, daemon, ports, t0)
    expect(p.stderr).toMatch(/the process that started sluice \(npm\) exited; stopping/)
    expect(p.stderr).toMatch(/\[info\] stopped elapsed_ms=/)
  })
})
