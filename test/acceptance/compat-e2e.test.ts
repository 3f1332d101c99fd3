/**
 * @module A td-agent 2 (v0.12) config running for real: `type`, in_http on a real port, out_file
 * with flat `format json`, `buffer_type file` + `buffer_path`, `time_slice_format` and `utc`,
 * events posted over HTTP and written by the file buffer and out_file exactly as the converted
 * `<format>` / `<buffer time>` sections say (JSON lines, hourly UTC slice, the buffer directory).
 */

import { existsSync } from 'node:fs'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createLogger } from '../../engine/log.ts'
import { prepareAgent } from '../../node-server/ops/prepare.ts'
import type { InHttpPlugin } from '../../node-server/plugins/in_http/index.ts'
import { nodeRegistry } from '../../node-server/plugins/registry.ts'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-v012-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

const hourSlice = (sec: number) => new Date(sec * 1000).toISOString().slice(0, 13).replace(/[-T]/g, '')

describe('a v0.12 td-agent.conf, run for real', () => {
  it('converts the flat params and writes what the sections say', async () => {
    const text = [
      '<source>',
      '  type http',
      '  bind 127.0.0.1',
      '  port 0',
      '</source>',
      '<match v012.**>',
      '  type file',
      `  path ${dir}/out/events`,
      '  format json',
      '  buffer_type file',
      `  buffer_path ${dir}/buffer/events`,
      '  time_slice_format %Y%m%d%H',
      '  utc',
      '  flush_interval 60s',
      '  flush_at_shutdown true',
      '</match>',
      '',
    ].join('\n')
    const prepared = await prepareAgent(
      { kind: 'text', text, name: 'td-agent.conf' },
      { registry: nodeRegistry(), logger: () => createLogger(() => {}, 'fatal'), env: {}, hostname: 'h' },
    )
    expect(prepared.errors).toEqual([])
    expect(prepared.warnings.map((w) => `${w.line}: ${w.reason}`)).toEqual([
      "2: 'type' is deprecated parameter name. use '@type' instead.",
      "7: 'type' is deprecated parameter name. use '@type' instead.",
      '9: v0.12 flat formatter parameters in <match v012.**> (format, utc) are deprecated: read as <format> @type json, utc </format>',
      `10: v0.12 flat buffer parameters in <match v012.**> (buffer_type, buffer_path, time_slice_format, flush_interval, flush_at_shutdown) are deprecated: read as <buffer time> @type file, path ${dir}/buffer/events, flush_interval 60s, flush_at_shutdown true, timekey 3600, timekey_use_utc true </buffer>`,
      '13: v0.12 flat inject parameters in <match v012.**> (utc) are deprecated: read as <inject> localtime false </inject>',
    ])
    const agent = prepared.agent!
    await agent.start()
    try {
      const input = agent.plugins.find((p) => p.kind === 'input')!.plugin as InHttpPlugin
      const { port } = input.address()
      const sec = Math.floor(Date.now() / 1000)
      for (const msg of ['first', 'second']) {
        const res = await fetch(`http://127.0.0.1:${port}/v012.app?time=${sec}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ msg }),
        })
        expect(res.status).toBe(200)
      }
      // The file buffer holds the events in the converted buffer_path until the flush.
      expect(existsSync(join(dir, 'buffer'))).toBe(true)
      await agent.stop(10_000)
      const files = await readdir(join(dir, 'out'))
      expect(files).toEqual([`events.${hourSlice(sec)}_0.log`])
      expect(await readFile(join(dir, 'out', files[0]), 'utf8')).toBe('{"msg":"first"}\n{"msg":"second"}\n')
    } finally {
      await agent.stop(10_000)
    }
  })
})
