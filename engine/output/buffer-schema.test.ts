/**
 * @module The <buffer> section: Fluentd's defaults per buffer type and chunk keys, configure-time
 * checks, and §9 case 30 through a real agent (errors carry file:line).
 */

import { describe, expect, it } from 'vitest'
import { loadCore } from '../../wasm/load-node.ts'
import { buildAgent } from '../agent.ts'
import { parseConfig } from '../config/parse.ts'
import { checkSchema, validateElement } from '../config/schema.ts'
import { createElement } from '../config/model.ts'
import { createLogger } from '../log.ts'
import { PluginRegistry, type PluginSpec } from '../plugin.ts'
import { bufferSection, resolveBufferConfig, secondarySection } from './buffer-schema.ts'
import { checkPlaceholders } from './placeholders.ts'

const schema = {
  params: [{ name: 'path', type: 'string', required: true, description: 'x' }],
  sections: [bufferSection(), secondarySection],
} as const

describe('<buffer> section', () => {
  it('is a valid schema', () => {
    expect(checkSchema(schema as never)).toEqual([])
  })

  it('applies the memory and file defaults', () => {
    const memory = resolveBufferConfig(
      validateElement(createElement('match', '', {}, [createElement('buffer', 'tag')]), schema).config.buffer as never,
    ).config
    expect(memory).toMatchObject({
      type: 'memory',
      chunkLimitSize: 8 * 1024 ** 2,
      totalLimitSize: 512 * 1024 ** 2,
      flushAtShutdown: true,
      flushMode: 'interval',
      flushInterval: 60,
      chunkKeys: { tag: true, time: false, keys: [] },
      queuedChunksLimitSize: 1,
      overflowAction: 'throw_exception',
      retryWait: 1,
      retryTimeout: 72 * 3600,
      retrySecondaryThreshold: 0.8,
      chunkFullThreshold: 0.95,
    })
    const file = resolveBufferConfig({ '@type': 'file', chunk_keys: ['time'], timekey: 3600 }).config
    expect(file).toMatchObject({
      chunkLimitSize: 256 * 1024 ** 2,
      totalLimitSize: 64 * 1024 ** 3,
      flushAtShutdown: false,
      flushMode: 'lazy',
      timekeyWait: 600,
    })
    expect(resolveBufferConfig({ chunk_limit_size: 1024, queue_limit_length: 4 }).config.totalLimitSize).toBe(4096)
  })

  it('takes plugin defaults (config_set_default)', () => {
    const section = bufferSection({ '@type': 'file', chunk_keys: ['time'], timekey: 86400 })
    const { config } = validateElement(createElement('match', '', {}, []), { params: [], sections: [section] })
    expect(resolveBufferConfig(config.buffer as never).config).toMatchObject({ type: 'file', timekey: 86400, chunkKeys: { time: true } })
  })

  it('checks what Fluentd checks at configure', () => {
    expect(() => resolveBufferConfig({ chunk_keys: ['time'] })).toThrow("argument includes 'time', but timekey is not configured")
    expect(() => resolveBufferConfig({ flush_mode: 'lazy', flush_interval: 5 })).toThrow(/can't be specified/)
    expect(resolveBufferConfig({ chunk_keys: ['time'], timekey: 60, flush_interval: 5 }).warnings[0]).toMatch(/ignored/)
    expect(() => resolveBufferConfig({ timekey_zone: 'Mars/Base' })).toThrow(/not a zone/)
    expect(() => resolveBufferConfig({ retry_secondary_threshold: 1 })).toThrow(/between 0 and 1/)
  })
})

describe('§9 case 30 through the agent', () => {
  const pathOutput: PluginSpec<'output'> = {
    name: 'pathy',
    kind: 'output',
    description: 'test',
    schema: schema as never,
    runtimes: ['node'],
    create(_ctx, config: { path: string; buffer: Record<string, unknown> }) {
      const { config: buffer } = resolveBufferConfig(config.buffer)
      checkPlaceholders(config.path, buffer.chunkKeys, buffer.timekey)
      return { emit: () => undefined }
    },
  }

  async function errors(conf: string): Promise<string[]> {
    const core = await loadCore()
    const parsed = parseConfig(conf, 'fluent.conf', { env: {}, hostname: 'h', workerId: 0 })
    const built = buildAgent(parsed.config, parsed.locs, {
      core,
      registry: new PluginRegistry().register(pathOutput),
      log: createLogger(() => {}),
      runtime: 'node',
    })
    return built.errors.map((e) => e.message)
  }

  it('rejects timekey 1h with a path that has no hour placeholder, at the directive line', async () => {
    const found = await errors('<match x>\n  @type pathy\n  path /x/%Y%m%d\n  <buffer time>\n    timekey 1h\n  </buffer>\n</match>\n')
    expect(found).toHaveLength(1)
    expect(found[0]).toMatch(/^fluent\.conf:1: .*doesn't have timestamp placeholder for hour\('%H'\) for timekey 3600/)
  })

  it('rejects ${tag} without the tag chunk key', async () => {
    const found = await errors('<match x>\n  @type pathy\n  path /x/${tag}\n  <buffer>\n  </buffer>\n</match>\n')
    expect(found[0]).toMatch(/^fluent\.conf:1: .*has tag placeholders, but chunk key 'tag' is not configured/)
    expect(
      await errors('<match x>\n  @type pathy\n  path /x/${tag}/%Y%m%d%H\n  <buffer tag,time>\n    timekey 1h\n  </buffer>\n</match>\n'),
    ).toEqual([])
  })

  it('rejects <buffer> inside <secondary>', async () => {
    const found = await errors(
      '<match x>\n  @type pathy\n  path /x\n  <secondary>\n    @type pathy\n    <buffer>\n    </buffer>\n  </secondary>\n</match>\n',
    )
    expect(found[0]).toMatch(/^fluent\.conf:6: <secondary> section cannot have <buffer> section/)
  })
})
