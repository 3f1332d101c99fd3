/**
 * @module <service_discovery> for out_forward, after Fluentd's test_sd_file.rb (its data files:
 * config.yml / config.json, a missing file) and out_forward with `<service_discovery>`: static
 * services without any <server>, a YAML file whose change moves the traffic to a new receiver
 * (real sockets on port 0, the file in a temp dir), a bad rewrite that keeps the servers.
 */

import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { streamFromEvents } from '../../../engine/event-stream.ts'
import { EventTime } from '../../../engine/event-time.ts'
import { waitUntil } from '../../../engine/output/testing.ts'
import { startAgent, type TestAgent } from '../../../test/helpers/agent.ts'
import { readServiceFile } from './discovery.ts'
import { outForward, type ForwardOutput } from './index.ts'
import { FakeReceiver, T } from './testing.ts'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-sd-'))
  cleanups.push(() => rm(dir, { recursive: true, force: true }))
  return dir
}

async function receiver(): Promise<FakeReceiver> {
  const r = new FakeReceiver()
  await r.listen()
  cleanups.push(() => r.close())
  return r
}

const YML = `- 'host': 127.0.0.1
  'port': 24224
  'weight': 1
  'name': test1
  'standby': false
  'username': user1
  'password': pass1
  'shared_key': key1
- 'host': 127.0.0.1
  'port': 24225
`
const JSON_LIST = JSON.stringify([
  { host: '127.0.0.1', port: 24224, weight: 1, name: 'test1', standby: false, username: 'user1', password: 'pass1', shared_key: 'key1' },
  { host: '127.0.0.1', port: 24225, weight: 1 },
])

describe('sd_file files (test_sd_file.rb)', () => {
  it.each([
    ['config.yml', YML],
    ['config.yaml', YML],
    ['config.json', JSON_LIST],
    ['config', YML],
  ])('reads %s', async (name, text) => {
    const dir = await tempDir()
    await writeFile(join(dir, name), text)
    const services = readServiceFile(join(dir, name))
    expect(services[0]).toEqual({
      host: '127.0.0.1',
      port: 24224,
      name: 'test1',
      weight: 1,
      standby: false,
      username: 'user1',
      password: 'pass1',
      shared_key: 'key1',
    })
    expect(services[1]).toMatchObject({
      host: '127.0.0.1',
      port: 24225,
      name: null,
      weight: name === 'config.json' ? 1 : 60,
      standby: false,
    })
  })

  it('refuses a service without port and a file that does not exist', async () => {
    const dir = await tempDir()
    await writeFile(join(dir, 'invalid_config.yml'), "- 'host': 127.0.0.1\n  'weight': 1\n")
    expect(() => readServiceFile(join(dir, 'invalid_config.yml'))).toThrow('key not found: "port". Service must have `host` and `port`')
    await expect(
      startAgent(
        `<match **>\n  @type forward\n  <service_discovery>\n    @type file\n    path ${dir}/missing.json\n  </service_discovery>\n</match>\n`,
        [outForward],
      ),
    ).rejects.toThrow(/sd_file: path=.*missing\.json not found/)
  })
})

async function sender(body: string): Promise<{ a: TestAgent; out: ForwardOutput }> {
  const a = await startAgent(
    `<match **>\n  @type forward\n  @id out\n  heartbeat_type none\n${body}\n  <buffer>\n    flush_mode immediate\n  </buffer>\n</match>\n`,
    [outForward],
  )
  cleanups.push(() => a.stop())
  return { a, out: a.agent.plugins.find((p) => p.id === 'out')!.plugin as ForwardOutput }
}

const event = (n: number) => streamFromEvents('app', [{ time: new EventTime(T + n, 0), record: { n } }])

describe('out_forward with <service_discovery>', () => {
  it('sends to static services (no <server> needed)', async () => {
    const r = await receiver()
    const { a } = await sender(
      `  <service_discovery>\n    @type static\n    <service>\n      host 127.0.0.1\n      port ${r.port}\n    </service>\n  </service_discovery>`,
    )
    await a.agent.root.emit(event(1))
    await waitUntil(() => r.messages.length === 1, 'the message')
  })

  it('needs a server from somewhere', async () => {
    await expect(startAgent('<match **>\n  @type forward\n</match>\n', [outForward])).rejects.toThrow(
      'forward output plugin requires at least one node is required. Add <server> or <service_discovery>',
    )
  })

  it('follows a YAML file: a changed list moves the traffic, a broken one keeps the servers', async () => {
    const dir = await tempDir()
    const path = join(dir, 'sd.yaml')
    const first = await receiver()
    const second = await receiver()
    await writeFile(path, `- host: 127.0.0.1\n  port: ${first.port}\n`)
    const { a, out } = await sender(`  <service_discovery>\n    @type file\n    path ${path}\n  </service_discovery>`)
    await a.agent.root.emit(event(1))
    await waitUntil(() => first.messages.length === 1, 'the first receiver')

    await writeFile(path, `- host: 127.0.0.1\n  port: ${second.port}\n  name: second\n`)
    await waitUntil(() => out.writer.nodes.map((n) => n.name).join() === 'second', 'the new server list', 15_000)
    await a.agent.root.emit(event(2))
    await waitUntil(() => second.messages.length === 1, 'the second receiver')
    expect(first.messages.length).toBe(1)
    expect(a.logs.some((l) => l.message === 'Servers changed by service discovery.')).toBe(true)

    await writeFile(path, '- host: 127.0.0.1\n  weight: 3\n')
    await waitUntil(() => a.logs.some((l) => l.level === 'error' && l.message.startsWith('sd_file:')), 'the error line', 15_000)
    expect(out.writer.nodes.map((n) => n.name)).toEqual(['second'])
  })
})
