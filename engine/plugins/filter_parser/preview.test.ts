/**
 * @module filter_parser in the designer's preview (engine/preview, as the browser runs it): the
 * real filter and parsers run on sample records, and the details show the parsed record.
 */

import { beforeAll, describe, expect, it } from 'vitest'
import type { Core } from '../../../wasm/core.ts'
import { loadCore } from '../../../wasm/load-node.ts'
import { parseConfig } from '../../config/parse.ts'
import { PARSERS } from '../../parser/testing.ts'
import { catalogFromSpecs, mergeCatalogs, schemaEntry } from '../../preview/catalog.ts'
import { previewConfig } from '../../preview/preview.ts'
import { parseSamples } from '../../preview/samples.ts'
import { filterParser } from './index.ts'

let core: Core
beforeAll(async () => {
  core = await loadCore()
})

describe('filter_parser in the preview', () => {
  it('parses a field of the sample records', async () => {
    const conf =
      '<filter app.**>\n  @type parser\n  key_name log\n  reserve_data true\n  <parse>\n    @type json\n  </parse>\n</filter>\n<match **>\n  @type stdout\n</match>\n'
    const parsed = parseConfig(conf, 'fluent.conf')
    const { samples } = parseSamples('{"log":"{\\"level\\":\\"warn\\",\\"n\\":3}","pod":"web-1"}\n{"log":"not json","pod":"web-2"}', {
      tag: 'app.web',
      now: 1_700_000_000_000,
    })
    const catalog = mergeCatalogs(catalogFromSpecs([filterParser, ...PARSERS]), [schemaEntry('output', 'stdout', { params: [] }, 'test')])
    const preview = await previewConfig(core, parsed.config, samples, { catalog, now: 1_700_000_000_000 })
    try {
      expect(preview.summary.failed).toBeNull()
      const first = await preview.details(0)
      expect(first.output).toEqual({ log: '{"level":"warn","n":3}', pod: 'web-1', level: 'warn', n: 3 })
      const second = await preview.details(1)
      expect(second.output).toEqual({ log: 'not json', pod: 'web-2' })
    } finally {
      await preview.dispose()
    }
  })
})
