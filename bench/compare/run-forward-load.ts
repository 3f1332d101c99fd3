/**
 * @module `runForwardLoad(port, load, messages)`: runs forward-load.ts as a child process against a
 * server and gives its JSON result line; a generator that printed no result gives a result with
 * zero events, `source: ''` and its stderr as the error. Used by bench:compare and bench:profile.
 */

import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { ForwardLoadResult } from './forward-load.ts'
import type { ForwardLoad } from './scenarios.ts'

const FORWARD_LOAD = fileURLToPath(new URL('./forward-load.ts', import.meta.url))

export function runForwardLoad(port: number, load: ForwardLoad, messages: number): Promise<ForwardLoadResult> {
  const args = ['--import', 'tsx', FORWARD_LOAD, '--port', String(port), '--messages', String(messages), '--conns', String(load.conns)]
  if (load.ack) args.push('--ack', '--window', String(load.window))
  if (load.compress) args.push('--compress')
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.setEncoding('utf8').on('data', (t: string) => {
      out += t
    })
    child.stderr.setEncoding('utf8').on('data', (t: string) => {
      err += t
    })
    child.on('close', () => {
      try {
        resolve(JSON.parse(out.trim().split('\n').pop() ?? '') as ForwardLoadResult)
      } catch {
        resolve({
          events: 0,
          messages: 0,
          bytes: 0,
          seconds: 0,
          eventsPerSec: 0,
          ackP50Ms: null,
          recordBytes: 0,
          source: '',
          errors: [err.trim() || 'no result'],
        })
      }
    })
  })
}
