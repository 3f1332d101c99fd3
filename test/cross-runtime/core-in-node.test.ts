/**
 * @module Runs the cross-runtime core checks under Node (wasm/load-node.ts), the baseline the workerd
 * and Chromium suites are compared with through the same expected literals.
 */
import { loadCore } from '../../wasm/load-node.ts'
import { runCoreChecks } from './core-checks.ts'
import { describeCoreChecks } from './vitest-checks.ts'

describeCoreChecks('Node', async () => runCoreChecks(await loadCore()))
