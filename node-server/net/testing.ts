/**
 * @module Test support for the line and syslog inputs (not a test file): small parsers written for
 * these tests — `test_none` ({message: line}, records as objects), `test_json` (records written as
 * msgpack bytes, the path real parsers take), `test_join` (a line-joining parser with one stream
 * per source: lines starting with a space continue the previous record) — a TCP client that
 * records what happens to its connection, and a gate output whose emits the test settles.
 */

import { connect, type Socket } from 'node:net'
import type { EventTime } from '../../engine/event-time.ts'
import type { EventStream } from '../../engine/event-stream.ts'
import { encodeRecord } from '../../engine/event-stream.ts'
import type { EntrySink, ParserPlugin, ParserStream, Unmatched } from '../../engine/parser/types.ts'
import type { PluginSpec } from '../../engine/plugin.ts'
import { waitUntil } from '../../engine/output/testing.ts'

export { waitUntil }

const decoder = new TextDecoder()
const text = (b: Uint8Array, s: number, e: number) => decoder.decode(b.subarray(s, e))

function parser(parse: ParserPlugin['parse']): ParserPlugin {
  return { lastError: '', parse }
}

export const testNoneParser: PluginSpec<'parser', { message_key: string }> = {
  name: 'test_none',
  kind: 'parser',
  description: 'test parser: the whole line under message_key',
  schema: { params: [{ name: 'message_key', type: 'string', default: 'message', description: 'key' }] },
  runtimes: ['node'],
  create: (_ctx, config) =>
    parser((b, s, e, out, now) => {
      out.append(now, { [config.message_key]: text(b, s, e) })
      return 1
    }),
}

export const testJsonParser: PluginSpec<'parser'> = {
  name: 'test_json',
  kind: 'parser',
  description: 'test parser: a JSON object, written as msgpack bytes',
  schema: { params: [] },
  runtimes: ['node'],
  create: () => {
    const p: ParserPlugin & { lastError: string } = {
      lastError: '',
      parse(b, s, e, out, now) {
        let value: unknown
        try {
          value = JSON.parse(text(b, s, e))
        } catch (err) {
          p.lastError = (err as Error).message
          return 0
        }
        if (value === null || typeof value !== 'object' || Array.isArray(value)) {
          p.lastError = 'pattern not matched'
          return 0
        }
        const bytes = encodeRecord(value as Record<string, unknown>)
        out.appendEncoded(now.sec, now.nsec, bytes, 0, bytes.length)
        return 1
      },
    }
    return p
  },
}

/** Lines starting with a space continue the record of the previous line (one stream per source). */
export const testJoinParser: PluginSpec<'parser'> = {
  name: 'test_join',
  kind: 'parser',
  description: 'test parser: joins continuation lines',
  schema: { params: [] },
  runtimes: ['node'],
  create: () => ({
    lastError: '',
    parse(b, s, e, out, now) {
      out.append(now, { message: text(b, s, e) })
      return 1
    },
    newStream(): ParserStream {
      let held: string[] = []
      let time: EventTime | null = null
      const flush = (out: EntrySink): number => {
        if (held.length === 0) return 0
        out.append(time!, { message: held.join('\n') })
        held = []
        return 1
      }
      return {
        get pending() {
          return held.length > 0
        },
        push(b, s, e, out, now, unmatched: Unmatched) {
          const line = text(b, s, e)
          if (line.startsWith(' ')) {
            if (held.length === 0) {
              unmatched(b.subarray(s, e), 'continuation without a first line')
              return 0
            }
            held.push(line.slice(1))
            return 0
          }
          const n = flush(out)
          held = [line]
          time = now
          return n
        },
        flush: (out) => flush(out),
      }
    },
  }),
}

export const TEST_PARSERS: readonly PluginSpec[] = [testNoneParser, testJsonParser, testJoinParser]

/** A raw TCP client that records what it receives and when its connection ends. */
export interface RawClient {
  socket: Socket
  closed: boolean
  write(data: string | Uint8Array): Promise<void>
  end(data?: string | Uint8Array): void
  waitForClose(timeoutMs?: number): Promise<void>
}

export function rawClient(port: number, host = '127.0.0.1'): Promise<RawClient> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port })
    const c: RawClient = {
      socket,
      closed: false,
      write: (data) => new Promise((ok, fail) => socket.write(data, (err) => (err ? fail(err) : ok()))),
      end: (data) => (data === undefined ? socket.end() : socket.end(data)),
      waitForClose: (timeoutMs = 10_000) => waitUntil(() => c.closed, 'the connection to close', timeoutMs),
    }
    socket.on('close', () => {
      c.closed = true
    })
    socket.on('error', () => undefined)
    socket.once('connect', () => resolve(c))
    socket.once('error', reject)
  })
}

/** An output whose every emit returns a promise the test settles (like overflow_action block). */
export class Gate {
  readonly pending: { stream: EventStream; resolve: () => void; reject: (err: Error) => void }[] = []
  readonly accepted: EventStream[] = []
}

export const gates = new Map<string, Gate>()

export const gateOutput: PluginSpec<'output'> = {
  name: 'gate',
  kind: 'output',
  description: 'test output answering with promises',
  schema: { params: [] },
  runtimes: ['node'],
  create(ctx) {
    const gate = new Gate()
    gates.set(ctx.id, gate)
    return {
      stop: () => {
        for (const p of gate.pending.splice(0)) p.reject(new Error('output is stopping'))
      },
      emit: (stream) =>
        new Promise<void>((resolve, reject) => {
          gate.pending.push({
            stream,
            resolve: () => {
              gate.accepted.push(stream)
              resolve()
            },
            reject,
          })
        }),
    }
  },
}
