/**
 * @module Runs the shared conformance suites on the WebAssembly core (release build): every
 * result must equal the reference's, field for field.
 */
import { loadCore } from '../../wasm/load-node.ts'
import { runFramerConformance } from './framer.cases.ts'
import { runFramerProperties } from './framer.properties.ts'
import { runJsonConformance } from './json.cases.ts'
import { runJsonProperties } from './json.properties.ts'
import { runMatcherConformance } from './matcher.cases.ts'

runFramerConformance('wasm', async () => (await loadCore()).framer)
runFramerProperties('wasm', async () => (await loadCore()).framer)
runMatcherConformance('wasm', async () => (await loadCore()).matcher)
runJsonConformance('wasm', async () => (await loadCore()).json)
runJsonProperties('wasm', async () => (await loadCore()).json)
