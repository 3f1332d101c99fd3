/**
 * @module Test helpers for in_tail: temp directories removed afterwards, an agent running one
 * tail source into the capture output, waits on conditions (never fixed sleeps), Fluentd-format
 * pos_file reading, and two test-only parsers that do not depend on the shipped ones:
 * `tail_test_lines` ({"message": line}, lines starting with `#` do not match) and
 * `tail_test_partials` (a line-joining parser shaped like cri's: `P text` fragments are joined
 * until an `F text` line, other lines do not match).
 */

import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startAgent, type TestAgent } from '../../../test/helpers/agent.ts'
import { type Capture, captures } from '../../../test/helpers/capture-output.ts'
import type { EventTime } from '../../../engine/event-time.ts'
import type { EntrySink, ParserStream, Unmatched } from '../../../engine/parser/types.ts'
import type { ParserPlugin, PluginSpec } from '../../../engine/plugin.ts'
import { NODE_PLUGINS } from '../registry.ts'
import { inTail, type TailInput } from './index.ts'

const encoder = new TextEncoder()

/** `{"message": bytes}` as msgpack, without a string. */
function messageRecord(bytes: Uint8Array, start: number, end: number): Uint8Array {
  const key = encoder.encode('message')
  const n = end - start
  const header =
    n < 32
      ? [0xa0 | n]
      : n < 256
        ? [0xd9, n]
        : n < 65536
          ? [0xda, n >> 8, n & 0xff]
          : [0xdb, n >>> 24, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]
  const out = new Uint8Array(1 + 1 + key.length + header.length + n)
  let at = 0
  out[at++] = 0x81
  out[at++] = 0xa0 | key.length
  out.set(key, at)
  at += key.length
  out.set(header, at)
  at += header.length
  out.set(bytes.subarray(start, end), at)
  return out
}

export const testLinesParser: PluginSpec<'parser', Record<string, unknown>> = {
  name: 'tail_test_lines',
  kind: 'parser',
  description: 'Test parser: {"message": line}; lines starting with # do not match.',
  schema: { params: [] },
  runtimes: ['node'],
  create(): ParserPlugin {
    const parser = {
      lastError: '',
      parse(bytes: Uint8Array, start: number, end: number, out: EntrySink, now: EventTime): number {
        if (end > start && bytes[start] === 0x23) {
          parser.lastError = 'pattern not matched'
          return 0
        }
        const record = messageRecord(bytes, start, end)
        out.appendEncoded(now.sec, now.nsec, record, 0, record.length)
        return 1
      },
    }
    return parser
  },
}

class PartialsStream implements ParserStream {
  private held: Uint8Array[] = []

  get pending(): boolean {
    return this.held.length > 0
  }

  push(bytes: Uint8Array, start: number, end: number, out: EntrySink, now: EventTime, unmatched: Unmatched): number {
    const kind = bytes[start]
    if (end - start < 2 || (kind !== 0x50 && kind !== 0x46) || bytes[start + 1] !== 0x20) {
      unmatched(bytes.slice(start, end), 'pattern not matched')
      return 0
    }
    this.held.push(bytes.slice(start + 2, end))
    if (kind === 0x50) return 0
    return this.flush(out, now)
  }

  flush(out: EntrySink, now: EventTime): number {
    if (this.held.length === 0) return 0
    const joined = Buffer.concat(this.held)
    this.held = []
    const record = messageRecord(joined, 0, joined.length)
    out.appendEncoded(now.sec, now.nsec, record, 0, record.length)
    return 1
  }
}

export const testPartialsParser: PluginSpec<'parser', Record<string, unknown>> = {
  name: 'tail_test_partials',
  kind: 'parser',
  description: 'Test parser: "P text" fragments joined until "F text".',
  schema: { params: [] },
  runtimes: ['node'],
  create(): ParserPlugin {
    return {
      lastError: 'use a stream',
      parse: () => 0,
      newStream: () => new PartialsStream(),
    }
  },
}

/** A temp directory and its removal. */
export function tempDir(prefix = 'sluice-tail-'): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) }
}

export interface TailRun {
  agent: TestAgent
  input: TailInput
  out: Capture
  /** The message field of every captured event, in order. */
  messages(): string[]
  stop(): Promise<void>
}

/**
 * Starts an agent with `<source @type tail>` + `source` params (one per line) and a capture
 * output for `**`; `extra` is appended to the config.
 */
export async function runTail(
  source: string,
  options: { extra?: string; match?: string; plugins?: PluginSpec[]; now?: () => number } = {},
): Promise<TailRun> {
  const conf = `<source>\n  @type tail\n  @id tail\n${source
    .trim()
    .split('\n')
    .map((l) => `  ${l.trim()}`)
    .join('\n')}\n</source>\n${options.match ?? '<match **>\n  @type capture\n  @id out\n</match>'}\n${options.extra ?? ''}`
  captures.delete('out')
  // The parsers sluice ships, and the two test ones.
  const parsers = NODE_PLUGINS.filter((spec) => spec.kind === 'parser')
  const agent = await startAgent(conf, [inTail, ...parsers, testLinesParser, testPartialsParser, ...(options.plugins ?? [])], {
    now: options.now,
  })
  const input = agent.agent.plugins.find((p) => p.id === 'tail')!.plugin as TailInput
  const out = captures.get('out') ?? (null as unknown as Capture)
  return {
    agent,
    input,
    out,
    messages: () => out.events.map((e) => String(e.record.message)),
    stop: () => agent.stop(),
  }
}

/** Polls `condition` every 10 ms until it holds; rejects with `what` after `timeoutMs`. */
export async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

export interface PosLine {
  path: string
  pos: number
  ino: bigint
}

/** The entries of a pos_file (`path\tpos\tino`), in file order. */
export function readPosFile(path: string): PosLine[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [p, pos, ino] = line.split('\t')
      return { path: p, pos: Number.parseInt(pos, 16), ino: BigInt(`0x${ino}`) }
    })
}

/** `n` numbered lines `prefix-<i>` (i from `from`), each ending in a newline. */
export function numbered(prefix: string, n: number, from = 0): string {
  let text = ''
  for (let i = from; i < from + n; i++) text += `${prefix}-${i}\n`
  return text
}

/**
 * For a writer with `gate`: once the tailer follows the file the writer's latest rename rotation
 * created (an open, active watcher on its inode), lets the writer rotate again. Returns a stop function.
 */
export function openGates(run: TailRun, path: string, gate: string): () => void {
  const timer = setInterval(() => {
    let k = 0
    while (existsSync(`${path}.${k + 1}`)) k++
    if (k === 0 || existsSync(`${gate}.${k}`)) return
    let ino: string
    try {
      ino = String(statSync(path, { bigint: true }).ino)
    } catch {
      return
    }
    if (run.input.files().some((f) => !f.rotating && f.open && f.ino === ino)) writeFileSync(`${gate}.${k}`, '')
  }, 5)
  return () => clearInterval(timer)
}

export interface WriterOptions {
  path: string
  lines: number
  rotateEvery?: number
  mode?: 'none' | 'rename' | 'copytruncate'
  lateLines?: number
  burst?: number
  pauseMs?: number
  prefix?: string
  pad?: number
  /** See testing-writer.mjs and openGates. */
  gate?: string
}

const WRITER = new URL('./testing-writer.mjs', import.meta.url).pathname

/** Runs testing-writer.mjs (a separate process appending numbered lines and rotating); resolves when it is done. */
export function runWriter(options: WriterOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRITER, JSON.stringify(options)], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', (d) => {
      out += d
    })
    child.stderr.on('data', (d) => {
      err += d
    })
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`writer exited with ${code}: ${err}`))))
  })
}

/** The sequence number of a writer line (`seq 00000042 …` → 42). */
export function seqOf(message: string): number {
  return Number(message.split(' ')[1])
}

/** How many times each sequence number in `messages` occurs, and which of 0 … n-1 are missing. */
export function tally(messages: readonly string[], n: number): { missing: number[]; duplicates: number; unknown: number } {
  const seen = new Uint32Array(n)
  let unknown = 0
  for (const m of messages) {
    const seq = seqOf(m)
    if (Number.isInteger(seq) && seq >= 0 && seq < n) seen[seq]++
    else unknown++
  }
  const missing: number[] = []
  let duplicates = 0
  for (let i = 0; i < n; i++) {
    if (seen[i] === 0) missing.push(i)
    else duplicates += seen[i] - 1
  }
  return { missing, duplicates, unknown }
}
