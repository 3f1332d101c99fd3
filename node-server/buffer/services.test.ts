/**
 * @module The Node buffer services through AgentOptions.services: `<buffer @type file>` without a
 * path goes to `<root_dir>/worker0/<plugin_id>/buffer/` (Fluentd's layout; chunks of the earlier
 * `<root_dir>/<plugin_id>/buffer/` are resumed too), and a memory buffer's undeliverable chunk to
 * `<root_dir>/backup/worker0/<plugin_id>/<chunk_id>.log` with its `.meta`.
 */

import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { loadCore } from '../../wasm/load-node.ts'
import { buildAgent, type Agent } from '../../engine/agent.ts'
import { parseConfig } from '../../engine/config/parse.ts'
import { streamFromEvents } from '../../engine/event-stream.ts'
import { EventTime } from '../../engine/event-time.ts'
import { createLogger, type LogRecord } from '../../engine/log.ts'
import { waitUntil } from '../../engine/output/testing.ts'
import { PluginRegistry } from '../../engine/plugin.ts'
import { outNull } from '../../engine/plugins/out_null/index.ts'
import { nodeBufferServices } from './services.ts'

let root: string
let agent: Agent | null = null
const logs: LogRecord[] = []

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'sluice-root-'))
})
afterEach(async () => {
  await agent?.stop(5000)
  agent = null
  logs.length = 0
  await rm(root, { recursive: true, force: true })
})

async function start(conf: string): Promise<Agent> {
  const core = await loadCore()
  const parsed = parseConfig(conf, 'fluent.conf', { env: {}, hostname: 'h', workerId: 0 })
  const built = buildAgent(parsed.config, parsed.locs, {
    core,
    registry: new PluginRegistry().register(outNull),
    log: createLogger((r) => logs.push(r), 'debug'),
    runtime: 'node',
    services: nodeBufferServices({ rootDir: root }),
  })
  if (built.agent === null) throw new Error(built.errors.map((e) => e.message).join('\n'))
  await built.agent.start()
  agent = built.agent
  return built.agent
}

const stream = streamFromEvents('t', [{ time: new EventTime(1, 0), record: { k: 'v' } }])

describe('nodeBufferServices', () => {
  it('puts a file buffer without path under <root_dir>/worker0/<plugin_id>/buffer', async () => {
    const a = await start('<match **>\n  @type null\n  @id sink\n  <buffer>\n    @type file\n  </buffer>\n</match>\n')
    await a.root.emit(stream)
    const files = await readdir(join(root, 'worker0', 'sink', 'buffer'))
    expect(files.filter((f) => /^buffer\.b[0-9a-f]{32}\.log$/.test(f))).toHaveLength(1)
  })

  it("keeps a memory buffer's undeliverable chunk in <root_dir>/backup/worker0/<plugin_id>", async () => {
    const a = await start(
      '<match **>\n  @type null\n  @id sink\n  never_flush true\n  <buffer>\n    flush_mode immediate\n    retry_max_times 0\n  </buffer>\n</match>\n',
    )
    a.root.emit(stream)
    await waitUntil(() => logs.some((l) => l.message.startsWith('Undeliverable chunk moved to')), 'the backup')
    const files = (await readdir(join(root, 'backup', 'worker0', 'sink'))).sort()
    expect(files).toHaveLength(2)
    const [file, meta] = files
    expect(file).toMatch(/^[0-9a-f]{32}\.log$/)
    expect(meta).toBe(file + '.meta')
    expect(new Uint8Array(await readFile(join(root, 'backup', 'worker0', 'sink', file)))).toEqual(stream.entries)
    expect(JSON.parse(await readFile(join(root, 'backup', 'worker0', 'sink', meta), 'utf8'))).toMatchObject({
      tag: 't',
      count: 1,
      size: stream.entries.length,
      state: 'queued',
    })
  })
})
