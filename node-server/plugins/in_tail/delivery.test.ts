/**
 * @module in_tail's delivery: a file's position advances only once the router accepted the batch.
 * With a real buffered output at total_limit_size and `overflow_action block`, reading pauses
 * (one batch waits; the file is not read ahead) and resumes when the buffer drains — every line
 * once. A rejected emit (BufferOverflowError with throw_exception, or any other error: Fluentd
 * swallows those and advances, losing the lines) leaves the position where it was and the lines
 * are read again — every line once, nothing lost.
 */

import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { decodeMulti } from '@msgpack/msgpack'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { eventTimeCodec } from '../../../engine/event-time.ts'
import { bufferSection, resolveBufferConfig } from '../../../engine/output/buffer-schema.ts'
import { createBufferedOutput } from '../../../engine/output/buffered-output.ts'
import { BufferOverflowError } from '../../../engine/output/errors.ts'
import { RecordingWriter } from '../../../engine/output/testing.ts'
import type { PluginSpec } from '../../../engine/plugin.ts'
import { MAX_READ_BYTES } from './options.ts'
import { numbered, readPosFile, runTail, tally, tempDir, type TailRun, until } from './testing.ts'

let tmp: ReturnType<typeof tempDir>
let run: TailRun | null = null
const gates = new Map<string, { writer: RecordingWriter; open: () => void }>()

/** `@type gated`: a real buffered output whose writes wait until the test opens the gate. */
const gatedOutput: PluginSpec<'output'> = {
  name: 'gated',
  kind: 'output',
  description: 'test: buffered output with a gated writer',
  runtimes: ['node'],
  schema: { params: [], sections: [bufferSection()] },
  create(ctx, config: { buffer: Record<string, unknown> }) {
    const writer = new RecordingWriter()
    let open!: () => void
    writer.gate = new Promise<void>((resolve) => {
      open = resolve
    })
    gates.set(ctx.id, { writer, open })
    return createBufferedOutput(ctx, { buffer: resolveBufferConfig(config.buffer).config, writer })
  },
}

/** The `message` of every event the writer received. */
function written(writer: RecordingWriter): string[] {
  const out: string[] = []
  for (const chunk of writer.chunks) {
    for (const entry of decodeMulti(chunk.entries, { extensionCodec: eventTimeCodec })) {
      out.push(String((entry as [unknown, { message: string }])[1].message))
    }
  }
  return out
}

beforeEach(() => {
  tmp = tempDir()
})

afterEach(async () => {
  for (const g of gates.values()) g.open()
  await run?.stop()
  run = null
  gates.clear()
  tmp.remove()
})

const parse = '<parse>\n@type tail_test_lines\n</parse>'
/** `seq 00000042 xxxx…` lines of ~100 bytes, as testing-writer.mjs writes them. */
function lines(n: number): string {
  let text = ''
  for (let i = 0; i < n; i++) text += `seq ${String(i).padStart(8, '0')} ${'x'.repeat(86)}\n`
  return text
}

describe('in_tail delivery', () => {
  it('pauses reading while a blocked buffer holds the emit, and delivers every line once after', async () => {
    const path = join(tmp.dir, 'big.log')
    const pos = join(tmp.dir, 'pos')
    const n = 50_000 // 5 MB
    writeFileSync(path, lines(n))
    run = await runTail(`path ${path}\ntag t\nread_from_head true\npos_file ${pos}\nread_lines_limit 500\n${parse}`, {
      match: `<match **>\n  @type gated\n  @id gated\n  <buffer>\n    total_limit_size 256k\n    chunk_limit_size 64k\n    overflow_action block\n    flush_mode immediate\n    flush_thread_interval 0.02\n  </buffer>\n</match>`,
      plugins: [gatedOutput],
    })
    const gate = gates.get('gated')!
    await until(() => run!.agent.logs.some((l) => l.message.startsWith('Buffer is full')), 'the buffer full')
    await until(() => gate.writer.calls >= 1, 'a flush waiting at the gate')
    // Not read ahead: the buffer's 256 KiB, one waiting batch (500 lines) and one read (up to 1 MiB) at most.
    const blockedAt = run.input.files()[0]
    expect(blockedAt.read).toBeLessThanOrEqual(256 * 1024 + 500 * 100 + MAX_READ_BYTES + 64 * 1024)
    expect(readPosFile(pos)[0].pos).toBeLessThanOrEqual(blockedAt.read)
    gate.open()
    await until(() => gate.writer.events >= n, `${n} events written`, 30_000)
    expect(tally(written(gate.writer), n)).toEqual({ missing: [], duplicates: 0, unknown: 0 })
    await until(() => readPosFile(pos)[0].pos === n * 100, 'the position at the end')
  })

  for (const [name, error] of [
    ['BufferOverflowError', new BufferOverflowError('buffer space has too many data')],
    ['any other error', new Error('a plugin bug')],
  ] as const) {
    it(`keeps the position on a rejected emit (${name}) and reads the lines again: every line once`, async () => {
      const path = join(tmp.dir, 'a.log')
      const pos = join(tmp.dir, 'pos')
      writeFileSync(path, numbered('l', 10))
      run = await runTail(`path ${path}\ntag t\nread_from_head true\npos_file ${pos}\nread_lines_limit 4\n${parse}`)
      // The first batch goes through, the next ones are refused three times.
      let refusals = 0
      const emit = run.out.emit.bind(run.out)
      run.out.emit = (stream) => {
        if (run!.out.events.length >= 4 && refusals < 3) {
          refusals++
          throw error
        }
        emit(stream)
      }
      await until(() => refusals >= 1, 'a refusal')
      expect(readPosFile(pos)[0].pos).toBe(16)
      await run.out.waitFor(10)
      expect(refusals).toBe(3)
      expect(run.messages()).toEqual(numbered('l', 10).trim().split('\n'))
      await until(() => readPosFile(pos)[0].pos === 40, 'the position at the end')
      expect(run.agent.logs.some((l) => l.message === 'emit was not accepted; the lines are read again from the last position')).toBe(true)
    })
  }
})
