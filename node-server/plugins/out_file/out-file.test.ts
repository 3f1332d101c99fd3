/**
 * @module out_file on real temp directories: Fluentd's file naming (time slices, `_N` files,
 * append, .gz), placeholders in paths, formats, config errors (§9 case 30), unsafe tags moved to
 * the backup, and the default file buffer surviving a restart.
 */

import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startAgent, type TestAgent } from '../../../test/helpers/agent.ts'
import { streamFromEvents } from '../../../engine/event-stream.ts'
import { EventTime } from '../../../engine/event-time.ts'
import { waitUntil } from '../../../engine/output/testing.ts'
import { outNull } from '../../../engine/plugins/out_null/index.ts'
import { checkSchema } from '../../../engine/config/schema.ts'
import { outFile } from './index.ts'
import { defaultBufferPath, pathTemplate } from './path.ts'

const T = 1795243920 // 2026-11-21 06:52:00 UTC
const DAY = 86400
let dir: string
let running: TestAgent | null = null

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-out-file-'))
})
afterEach(async () => {
  await running?.stop()
  running = null
  await rm(dir, { recursive: true, force: true })
})

const emit = (tag: string, sec: number, record: Record<string, unknown>) =>
  running!.agent.root.emit(streamFromEvents(tag, [{ time: new EventTime(sec, 0), record }]))

const conf = (body: string) => `<match **>\n  @type file\n  @id out\n${body}\n</match>\n`
const utcFormat = '  <format>\n    timezone +0000\n  </format>'
const listAll = async (d = dir): Promise<string[]> => {
  const out: string[] = []
  for (const e of await readdir(d, { withFileTypes: true })) {
    if (e.isDirectory()) out.push(...(await listAll(join(d, e.name))).map((f) => `${e.name}/${f}`))
    else out.push(e.name)
  }
  return out.sort()
}
const flush = async () => {
  const plugin = running!.agent.plugins.find((p) => p.id === 'out')!.plugin as { flushAll(): Promise<void> }
  await plugin.flushAll()
}

describe('out_file', () => {
  it('has a valid schema', () => expect(checkSchema(outFile.schema)).toEqual([]))

  it('names files like Fluentd: path.%Y%m%d_N.log per time slice, a new _N per chunk', async () => {
    running = await startAgent(
      conf(`  path ${dir}/x\n${utcFormat}\n  <buffer time>\n    @type memory\n    timekey 1d\n    timekey_use_utc true\n  </buffer>`),
      [outFile],
    )
    emit('app', T, { k: 'v' })
    emit('app', T + DAY, { k: 'w' })
    await flush()
    emit('other', T + 1, { n: 1 })
    await flush()
    expect(await listAll()).toEqual(['x.20261121_0.log', 'x.20261121_1.log', 'x.20261122_0.log'])
    expect(await readFile(join(dir, 'x.20261121_0.log'), 'utf8')).toBe('2026-11-21T06:52:00+00:00\tapp\t{"k":"v"}\n')
    expect(await readFile(join(dir, 'x.20261121_1.log'), 'utf8')).toBe('2026-11-21T06:52:01+00:00\tother\t{"n":1}\n')
  })

  it('appends to one file per slice with append true, gzipped members with compress gzip', async () => {
    running = await startAgent(
      conf(
        `  path ${dir}/x\n  append true\n  compress gzip\n${utcFormat}\n  <buffer time>\n    @type memory\n    timekey 1h\n    timekey_use_utc true\n  </buffer>`,
      ),
      [outFile],
    )
    emit('a', T, { i: 1 })
    await flush()
    emit('a', T + 60, { i: 2 })
    await flush()
    expect(await listAll()).toEqual(['x.2026112106.log.gz'])
    const text = gunzipSync(await readFile(join(dir, 'x.2026112106.log.gz'))).toString()
    expect(text).toBe('2026-11-21T06:52:00+00:00\ta\t{"i":1}\n2026-11-21T06:53:00+00:00\ta\t{"i":2}\n')
  })

  it('expands ${tag}, record keys and strftime in the path; writes json lines', async () => {
    running = await startAgent(
      conf(
        `  path ${dir}/\${tag}/\${host}/%Y/%m/%d/%H/out\n  <format>\n    @type json\n  </format>\n` +
          '  <buffer tag,time,host>\n    @type memory\n    timekey 1h\n    timekey_use_utc true\n  </buffer>',
      ),
      [outFile],
    )
    emit('app.web', T, { host: 'h1', k: 1 })
    emit('app.db', T, { host: 'h2', k: 2 })
    await flush()
    expect(await listAll()).toEqual(['app.db/h2/2026/11/21/06/out_0.log', 'app.web/h1/2026/11/21/06/out_0.log'])
    expect(await readFile(join(dir, 'app.web/h1/2026/11/21/06/out_0.log'), 'utf8')).toBe('{"host":"h1","k":1}\n')
  })

  it('rejects placeholders that do not fit the chunk keys (§9 case 30)', async () => {
    await expect(startAgent(conf(`  path ${dir}/x/%Y%m%d\n  <buffer time>\n    timekey 1h\n  </buffer>`), [outFile])).rejects.toThrow(
      /test\.conf:1: .*insufficient timestamp placeholders in path/,
    )
    await expect(startAgent(conf(`  path ${dir}/\${tag}/x\n  <buffer time>\n    timekey 1d\n  </buffer>`), [outFile])).rejects.toThrow(
      /test\.conf:1: .*has tag placeholders, but chunk key 'tag' is not configured/,
    )
    await expect(startAgent(conf(`  path ${dir}/x.*\n  <buffer []>\n  </buffer>`), [outFile])).rejects.toThrow(
      /path including '\*' must be used with buffer chunk key 'time'/,
    )
  })

  it('moves a chunk whose tag would leave the directory to the backup (unrecoverable, no retries)', async () => {
    running = await startAgent(
      conf(`  path ${dir}/logs/\${tag}\n  <buffer tag>\n    @type file\n    path ${dir}/buf\n    flush_mode immediate\n  </buffer>`),
      [outFile],
    )
    await emit('..', T, { evil: true })
    await waitUntil(() => running!.logs.some((l) => l.message.startsWith('Undeliverable chunk moved to')), 'the backup')
    const backups = await readdir(join(dir, 'buf', 'backup', 'worker0', 'out'))
    expect(backups.filter((f) => f.endsWith('.log'))).toHaveLength(1)
    expect(running.logs.some((l) => l.message === 'Failed to flush the buffer.')).toBe(false)
    expect((await listAll()).some((f) => f.startsWith('logs/'))).toBe(false)
  })

  it('buffers in a file buffer under the path by default, kept across a restart', async () => {
    const text = conf(`  path ${dir}/x\n${utcFormat}`)
    running = await startAgent(text, [outFile])
    expect(running.logs.some((l) => l.message.startsWith('default timekey interval (1d) will be used because of missing <buffer>'))).toBe(
      true,
    )
    await emit('app', T, { k: 'kept' })
    expect((await listAll()).filter((f) => f.startsWith('x/buffer.b'))).toHaveLength(2) // chunk + .meta
    await running.stop()
    running = await startAgent(text, [outFile])
    await flush()
    const day = new Date((T - (T % DAY)) * 1000)
    const local = `x.${day.getFullYear()}${String(day.getMonth() + 1).padStart(2, '0')}${String(day.getDate()).padStart(2, '0')}_0.log`
    expect((await listAll()).filter((f) => f.endsWith('_0.log')).length).toBe(1)
    const [written] = (await listAll()).filter((f) => f.endsWith('_0.log'))
    expect(written.length).toBe(local.length)
    expect(await readFile(join(dir, written), 'utf8')).toBe('2026-11-21T06:52:00+00:00\tapp\t{"k":"kept"}\n')
  })
})

describe('out_file as a <secondary>', () => {
  it("takes the primary's chunks when its retries run out", async () => {
    running = await startAgent(
      `<match **>
  @type null
  never_flush true
  <buffer>
    flush_mode immediate
    retry_wait 0.01
    retry_max_times 2
    retry_randomize false
  </buffer>
  <secondary>
    @type file
    path ${dir}/failed
    <format>
      @type json
    </format>
  </secondary>
</match>
`,
      [outNull, outFile],
    )
    emit('app', T, { k: 'rescued' })
    await waitUntil(async () => (await listAll()).includes('failed_0.log'), 'the secondary file')
    expect(await readFile(join(dir, 'failed_0.log'), 'utf8')).toBe('{"k":"rescued"}\n')
  })
})

describe('out_file paths', () => {
  it('follows generate_path_template', () => {
    const o = { timekey: 86400, append: false, gzip: false, suffix: '.log' }
    expect(pathTemplate('/d/file', o)).toBe('/d/file.%Y%m%d_**.log')
    expect(pathTemplate('/d/file.*', o)).toBe('/d/file.%Y%m%d_**')
    expect(pathTemplate('/d/file.*.data', { ...o, timekey: 60, gzip: true })).toBe('/d/file.%Y%m%d%H%M_**.data.gz')
    expect(pathTemplate('/d/%Y%m%d/file', { ...o, append: true })).toBe('/d/%Y%m%d/file.log')
    expect(pathTemplate('/d/file', { ...o, timekey: null })).toBe('/d/file_**.log')
    expect(() => pathTemplate('/d/%Y/file', { ...o, timekey: 3600 })).toThrow(/insufficient timestamp placeholders/)
  })

  it('puts the default buffer beside the path, never in a placeholder directory', () => {
    expect(defaultBufferPath('/var/log/app')).toBe('/var/log/app')
    expect(defaultBufferPath('/var/log/app/${tag}/%Y')).toBe('/var/log/app/.buffer')
    expect(defaultBufferPath('/var/log/access.%Y%m%d')).toBe('/var/log/access.buffer')
  })
})
