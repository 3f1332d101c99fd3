/**
 * @module The parser and formatter plugin kinds in the config layer and the agent: a `<parse>` /
 * `<format>` section is validated against the schema of the plugin its `@type` chooses (or the
 * section's default type), unknown types and params are reported at their line, and a plugin builds
 * its parser or formatter through its context.
 */

import { afterEach, describe, expect, it } from 'vitest'
import { captures } from '../../test/helpers/capture-output.ts'
import { startAgent, type TestAgent } from '../../test/helpers/agent.ts'
import { parseConfig } from '../config/parse.ts'
import { type PluginSchema, type SectionSpec, validateElement } from '../config/schema.ts'
import { EventTime } from '../event-time.ts'
import type { FormatterPlugin, InputPlugin, ParserPlugin, PluginSectionConfig, PluginSpec } from '../plugin.ts'
import { PluginRegistry } from '../plugin.ts'
import { EntriesWriter } from '../records/entries-writer.ts'

const decoder = new TextDecoder()

/** A parser for these tests: `key=value` pairs separated by spaces; lines without `=` do not match. */
const pairsParser: PluginSpec<'parser', { separator: string }> = {
  name: 'pairs',
  kind: 'parser',
  description: 'test parser',
  schema: { params: [{ name: 'separator', type: 'string', default: '=', description: 'between key and value' }] },
  runtimes: ['node', 'workers', 'browser'],
  create(_ctx, config): ParserPlugin {
    return {
      lastError: '',
      parse(bytes, start, end, out, now) {
        const text = decoder.decode(bytes.subarray(start, end))
        if (!text.includes(config.separator)) {
          ;(this as { lastError: string }).lastError = `pattern not matched: ${text}`
          return 0
        }
        const record = Object.fromEntries(text.split(' ').map((pair) => pair.split(config.separator)))
        out.append(now, record)
        return 1
      },
    }
  },
}

const upperFormatter: PluginSpec<'formatter', Record<string, unknown>> = {
  name: 'upper_tag',
  kind: 'formatter',
  description: 'test formatter',
  schema: { params: [] },
  runtimes: ['node', 'workers', 'browser'],
  create(): FormatterPlugin {
    return { format: (tag, _sec, _nsec, _record, _start, _end, out) => out.writeText(`${tag.toUpperCase()}\n`) }
  },
}

const parseSection: SectionSpec = {
  name: 'parse',
  description: 'the parser',
  plugin: { kind: 'parser', defaultType: 'pairs' },
  schema: { params: [] },
}

const schemaWithParse: PluginSchema = {
  params: [{ name: 'tag', type: 'string', required: true, description: 'tag' }],
  sections: [{ ...parseSection, init: true }],
}

const registry = new PluginRegistry().register(pairsParser, upperFormatter)

function validate(text: string) {
  const parsed = parseConfig(text, 'test.conf', { env: {}, hostname: 'h', workerId: 0 })
  const source = parsed.config.root.elements[0]
  return validateElement(source, schemaWithParse, parsed.locs, { plugins: registry })
}

describe('<parse> sections', () => {
  it("validate against the chosen parser's schema", () => {
    const { config, errors } = validate('<source>\n  tag t\n  <parse>\n    @type pairs\n    separator :\n  </parse>\n</source>\n')
    expect(errors).toEqual([])
    expect(config.parse).toEqual({ '@type': 'pairs', separator: ':' })
  })

  it("use the section's default type, also when the section is absent (init)", () => {
    expect(validate('<source>\n  tag t\n  <parse>\n  </parse>\n</source>\n').config.parse).toEqual({ '@type': 'pairs', separator: '=' })
    expect(validate('<source>\n  tag t\n</source>\n').config.parse).toEqual({ '@type': 'pairs', separator: '=' })
  })

  it('report an unknown type and a param the parser does not take, at their lines', () => {
    const unknown = validate('<source>\n  tag t\n  <parse>\n    @type pair\n  </parse>\n</source>\n').errors
    expect(unknown.map((e) => `${e.line}: ${e.reason}; ${e.hint}`)).toEqual([
      "3: unknown parser plugin 'pair' in <parse>; did you mean 'pairs'? available: pairs",
    ])
    const param = validate('<source>\n  tag t\n  <parse>\n    @type pairs\n    seperator :\n  </parse>\n</source>\n').warnings
    expect(param.map((e) => `${e.line}: ${e.reason}; ${e.hint}`)).toEqual([
      "5: parameter 'seperator' in <parse> is not used; did you mean separator?",
    ])
  })
})

describe('plugins build parsers and formatters through their context', () => {
  let running: TestAgent | null = null
  afterEach(async () => {
    await running?.stop()
    running = null
  })

  it('an input parses lines with the parser of its <parse> section', async () => {
    const lines: InputPlugin[] = []
    const linesInput: PluginSpec<'input', { tag: string; parse: PluginSectionConfig }> = {
      name: 'lines',
      kind: 'input',
      description: 'test input',
      schema: schemaWithParse,
      runtimes: ['node'],
      create(ctx, config) {
        const parser = ctx.createParser(config.parse)
        const formatter = ctx.createFormatter({ '@type': 'upper_tag' })
        const plugin: InputPlugin & { feed(line: string): string } = {
          feed(line: string) {
            const out = new EntriesWriter()
            const bytes = new TextEncoder().encode(line)
            if (parser.parse(bytes, 0, bytes.length, out, new EventTime(1700000000, 5)) === 0) return parser.lastError
            ctx.router.emit({ tag: config.tag, entries: out.bytes(), count: out.count })
            const text: number[] = []
            formatter.format(config.tag, 0, 0, bytes, 0, 0, {
              writeByte: (b) => text.push(b),
              writeBytes: (b) => text.push(...b),
              writeText: (s) => text.push(...new TextEncoder().encode(s)),
              writeAscii: (s) => text.push(...new TextEncoder().encode(s)),
            })
            return decoder.decode(new Uint8Array(text))
          },
        }
        lines.push(plugin)
        return plugin
      },
    }
    running = await startAgent(
      '<source>\n  @type lines\n  tag app\n  <parse>\n    separator :\n  </parse>\n</source>\n<match app>\n  @type capture\n  @id out\n</match>\n',
      [linesInput, pairsParser, upperFormatter],
    )
    const feed = (lines[0] as InputPlugin & { feed(line: string): string }).feed
    expect(feed('a:1 b:2')).toBe('APP\n')
    expect(feed('no pairs here')).toBe('pattern not matched: no pairs here')
    expect(captures.get('out')?.events.map((e) => [e.time.sec, e.time.nsec, e.record])).toEqual([[1700000000, 5, { a: '1', b: '2' }]])
  })
})
