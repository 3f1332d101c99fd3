/**
 * @module The edge's settings from the Worker environment: SLUICE_CONFIG as text or as the JSON
 * model object (a wrangler.jsonc var), the KV key `config` when the var is absent (cached for
 * 30 s), the default config, SLUICE_TOKENS as text or array, SLUICE_AUTH off.
 */

import { describe, expect, it } from 'vitest'
import { DEFAULT_CONFIG, loadSettings } from '../src/settings.ts'
import { runtime, stopRuntimes } from './support.ts'

describe('settings', () => {
  it('takes SLUICE_CONFIG as text or as the model object, and SLUICE_TOKENS as text or array', async () => {
    const model = { version: 1, root: { name: 'ROOT', arg: '', params: {}, elements: [] } }
    const s = await loadSettings({ SLUICE_CONFIG: model, SLUICE_TOKENS: [{ name: 'a' }], SLUICE_AUTH: 'OFF', SLUICE_HOSTNAME: 'edge-1' })
    expect(s).toMatchObject({
      config: JSON.stringify(model),
      configSource: 'SLUICE_CONFIG',
      tokens: '[{"name":"a"}]',
      auth: false,
      hostname: 'edge-1',
    })
    expect((await loadSettings({ SLUICE_CONFIG: '<match **>\n@type null\n</match>' })).config).toContain('@type null')
    expect(await loadSettings({})).toMatchObject({
      config: DEFAULT_CONFIG,
      configSource: 'default',
      auth: true,
      hostname: 'sluice-edge',
      kv: null,
    })
  })

  it('reads the KV key config when SLUICE_CONFIG is absent, at most every 30 s', async () => {
    let reads = 0
    let stored = '<match **>\n  @type null\n</match>'
    const kv = {
      get: async (key: string) => {
        reads++
        return key === 'config' ? stored : null
      },
    }
    let now = 1_000_000
    const first = await loadSettings({ SLUICE_KV: kv }, () => now)
    expect(first).toMatchObject({ config: stored, configSource: 'KV config' })
    stored = '<match **>\n  @type capture\n</match>'
    now += 10_000
    expect((await loadSettings({ SLUICE_KV: kv }, () => now)).config).toContain('@type null')
    now += 25_000
    expect((await loadSettings({ SLUICE_KV: kv }, () => now)).config).toContain('@type capture')
    expect(reads).toBe(2)
  })

  it('the default config accepts events and drops them (and says so on /healthz)', async () => {
    const t = await runtime(DEFAULT_CONFIG, { configSource: 'default' })
    expect((await t.post('/any', '{"a":1}')).status).toBe(202)
    expect(await (await t.runtime.app.request('/healthz')).json()).toMatchObject({ config: 'default', outputs: ['null'] })
    await stopRuntimes()
  })
})
