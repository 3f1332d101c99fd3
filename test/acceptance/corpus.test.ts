/**
 * @module The corpus of realistic fluent.conf files (test/fixtures/corpus): each one checks as
 * corpus-expectations.ts says (clean with its warnings, or failing on exactly the plugins sluice
 * does not implement), configs waiting for a planned plugin are flagged when it lands, and every
 * config that parses survives `sluice convert` conf → JSON → conf with the same model.
 */

import { readdirSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseConfig } from '../../engine/config/parse.ts'
import { knownPlugin, type EcosystemKind } from '../../engine/plugin-status.ts'
import { convertCommand } from '../../node-server/cli/convert.ts'
import { checkCorpusConfig, CORPUS_DIR, CORPUS_ENV, CORPUS_HOSTNAME } from './corpus-check.ts'
import { CORPUS, WAITING_FOR } from './corpus-expectations.ts'

const files = readdirSync(CORPUS_DIR)
  .filter((f) => f.endsWith('.conf'))
  .sort()

describe('corpus: sluice check', () => {
  it('has at least 40 configs, each with an expectation, and no stale expectation', () => {
    expect(files.length).toBeGreaterThanOrEqual(40)
    expect(files.filter((f) => CORPUS[f] === undefined)).toEqual([])
    expect(Object.keys(CORPUS).filter((f) => !files.includes(f))).toEqual([])
  })

  it.each(files)('%s', async (file) => {
    const got = await checkCorpusConfig(file)
    const want = CORPUS[file] ?? {}
    expect({ errors: got.errors, warnings: got.warnings, notes: got.notes }).toEqual({
      errors: want.errors ?? [],
      warnings: want.warnings ?? [],
      notes: want.notes ?? [],
    })
    if ((want.errors ?? []).length === 0) expect(got.plugins).toBeGreaterThan(0)
  })

  it('waits only for plugins that are still planned (when one lands, update the configs listed for it)', () => {
    const landed = Object.keys(WAITING_FOR).filter((key) => {
      const [kind, name] = key.split(':') as [EcosystemKind, string]
      return knownPlugin(kind, name)?.status !== 'planned'
    })
    expect(landed, 'these plugins are no longer planned: re-check the corpus configs WAITING_FOR lists for them').toEqual([])
    for (const list of Object.values(WAITING_FOR)) for (const file of list) expect(files).toContain(file)
  })

  it('names each unimplemented plugin once per directive, and only plugins the status table knows', () => {
    for (const expectation of Object.values(CORPUS)) {
      for (const error of expectation.errors ?? []) {
        const m = /sluice does not implement (\w+) plugin '([\w-]+)'/.exec(error)
        if (m) expect(knownPlugin(m[1] as EcosystemKind, m[2])?.status).not.toBe('implemented')
      }
    }
  })
})

describe('corpus: sluice convert round trip (conf → JSON → conf gives the same model)', () => {
  const saved: Record<string, string | undefined> = {}
  beforeAll(() => {
    for (const [key, value] of Object.entries(CORPUS_ENV)) {
      saved[key] = process.env[key]
      process.env[key] = value
    }
  })
  afterAll(() => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key]
      else process.env[key] = value
    }
  })

  const run = async (argv: string[], stdin = '') => {
    let out = ''
    let err = ''
    const code = await convertCommand(argv, { out: (t) => (out += t), err: (t) => (err += t) }, () => stdin)
    return { code, out, err }
  }

  it.each(files)('%s', async (file) => {
    const path = new URL(file, CORPUS_DIR).pathname
    const toJson = await run([path])
    const parses = !(CORPUS[file]?.errors ?? []).some((e) => /embedded Ruby/.test(e))
    if (!parses) {
      expect(toJson.code).toBe(1)
      return
    }
    expect(toJson.code).toBe(0)
    const model = JSON.parse(toJson.out)
    const toConf = await run(['-', '--to', 'conf'], toJson.out)
    expect(toConf.code).toBe(0)
    const reparsed = parseConfig(toConf.out, file, { env: CORPUS_ENV, hostname: CORPUS_HOSTNAME })
    expect(reparsed.errors).toEqual([])
    expect(JSON.parse(JSON.stringify(reparsed.config))).toEqual(model)
    const again = await run(['-'], toConf.out)
    expect(JSON.parse(again.out)).toEqual(model)
  })
})
