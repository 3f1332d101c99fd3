/**
 * @module Runs the cross-runtime parser checks INSIDE workerd (zones through workerd's Intl, the
 * core's JSON transcoder instantiated from the imported module, the msgpack writer), against the
 * literals the Node suite checks too.
 */
import { describe, expect, it } from 'vitest'
import coreModule from '../../wasm/build/core.wasm'
import { Core } from '../../wasm/core.ts'
import { runParserChecks } from '../cross-runtime/parser-checks.ts'
import { describeParserChecks } from '../cross-runtime/vitest-checks.ts'

describe('parser checks', () => {
  it('run inside workerd', () => {
    expect(navigator.userAgent).toBe('Cloudflare-Workers')
  })
})

describeParserChecks('workerd', async () => runParserChecks(Core.fromModule(coreModule)))
