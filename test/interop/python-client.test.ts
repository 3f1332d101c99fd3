/**
 * @module Debian's python3-fluent-logger (0.10) against sluice's in_forward: Message mode with
 * integer times, and with `nanosecond_precision=True` (EventTime from a float, and an explicit
 * EventTime ext). The package is installed with apt-get when /usr/bin/python3 cannot import it;
 * if that fails the suite fails with the reason (it is never skipped). It runs with
 * /usr/bin/python3: the python3 first on PATH may be a separate build that cannot see Debian's
 * packages.
 */

import { execFile, spawn } from 'node:child_process'
import { promisify } from 'node:util'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startForward, type ForwardHarness } from '../../node-server/plugins/in_forward/testing.ts'

const execFileAsync = promisify(execFile)
const PYTHON = '/usr/bin/python3'
const T = 1441588984

async function canImportFluent(): Promise<boolean> {
  try {
    await execFileAsync(PYTHON, ['-c', 'import fluent.sender'])
    return true
  } catch {
    return false
  }
}

beforeAll(async () => {
  if (await canImportFluent()) return
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  const install = () =>
    execFileAsync('apt-get', ['install', '-y', '--no-install-recommends', 'python3-fluent-logger'], { env, maxBuffer: 16 * 1024 * 1024 })
  try {
    await install()
  } catch {
    try {
      await execFileAsync('apt-get', ['update'], { env, maxBuffer: 16 * 1024 * 1024 })
      await install()
    } catch (err) {
      throw new Error(`python3-fluent-logger is not installed and apt-get could not install it: ${(err as Error).message}`)
    }
  }
  if (!(await canImportFluent())) throw new Error(`${PYTHON} still cannot import fluent.sender after apt-get install python3-fluent-logger`)
}, 120_000)

/** Runs a Python snippet with PORT and T defined; rejects with its stderr on a non-zero exit. */
function runPython(port: number, body: string): Promise<void> {
  const script = `import struct, sys, time\nimport msgpack\nfrom fluent import sender\nPORT = ${port}\nT = ${T}\n${body}\n`
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, ['-c', script], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (d) => {
      stderr += d
    })
    child.on('error', reject)
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`python exited with ${code}: ${stderr}`))))
  })
}

let h: ForwardHarness | null = null
afterEach(async () => {
  await h?.stop()
  h = null
})

describe('python3-fluent-logger (Debian)', () => {
  it('Message mode with integer times, and the current time from emit()', async () => {
    h = await startForward()
    const before = Math.floor(Date.now() / 1000)
    await runPython(
      h.port,
      `
s = sender.FluentSender('py', host='127.0.0.1', port=PORT)
assert s.emit_with_time('int', T, {'n': 1, 'text': 'héllo', 'list': [1, 2], 'big': 2**40}), s.last_error
assert s.emit('now', {'n': 2}), s.last_error
s.close()`,
    )
    const events = await h.capture.waitFor(2)
    expect(events[0]).toMatchObject({
      tag: 'py.int',
      time: { sec: T, nsec: 0 },
      record: { n: 1, text: 'héllo', list: [1, 2], big: 2n ** 40n },
    }) // uint64 on the wire: exact as bigint
    expect(events[1].tag).toBe('py.now')
    expect(events[1].time.sec).toBeGreaterThanOrEqual(before)
    expect(events[1].time.sec).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000))
  })

  it('nanosecond_precision: EventTime from a float and an explicit EventTime ext keep their nanoseconds', async () => {
    h = await startForward()
    await runPython(
      h.port,
      `
s = sender.FluentSender('py', host='127.0.0.1', port=PORT, nanosecond_precision=True)
assert s.emit_with_time('float', T + 0.25, {'n': 1}), s.last_error
assert s.emit_with_time('ext', msgpack.ExtType(0, struct.pack('>II', T, 123456789)), {'n': 2}), s.last_error
assert s.emit('now', {'n': 3}), s.last_error
s.close()`,
    )
    const events = await h.capture.waitFor(3)
    expect(events.slice(0, 2).map((e) => [e.tag, e.time.sec, e.time.nsec, e.record.n])).toEqual([
      ['py.float', T, 250_000_000, 1],
      ['py.ext', T, 123456789, 2],
    ])
    expect(events[2].tag).toBe('py.now')
  })
})
