/**
 * @module Runs the shared conformance suites on the TypeScript references (the test oracles).
 */
import { referenceFramer } from '../../wasm/reference/framer.ts'
import { referenceMatcher } from '../../wasm/reference/matcher.ts'
import { referenceJson } from '../../wasm/reference/json.ts'
import { runFramerConformance } from './framer.cases.ts'
import { runFramerProperties } from './framer.properties.ts'
import { runJsonConformance } from './json.cases.ts'
import { runJsonProperties } from './json.properties.ts'
import { runMatcherConformance } from './matcher.cases.ts'

runFramerConformance('reference', () => referenceFramer)
runFramerProperties('reference', () => referenceFramer)
runMatcherConformance('reference', () => referenceMatcher)
runJsonConformance('reference', () => referenceJson)
runJsonProperties('reference', () => referenceJson)
