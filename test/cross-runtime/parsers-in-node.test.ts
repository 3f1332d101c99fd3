/**
 * @module Runs the cross-runtime parser checks under Node, the baseline of the workerd and
 * Chromium suites (the same expected literals).
 */
import { loadCore } from '../../wasm/load-node.ts'
import { runParserChecks } from './parser-checks.ts'
import { describeParserChecks } from './vitest-checks.ts'

describeParserChecks('Node', async () => runParserChecks(await loadCore()))
