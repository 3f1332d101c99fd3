/**
 * @module Runs the shared conformance suites on the TypeScript references (the test oracles).
 */
import { referenceFramer } from '../../wasm/reference/framer.ts'
import { referenceMatcher } from '../../wasm/reference/matcher.ts'
import { runFramerConformance } from './framer.cases.ts'
import { runFramerProperties } from './framer.properties.ts'
import { runMatcherConformance } from './matcher.cases.ts'

runFramerConformance('reference', () => referenceFramer)
runFramerProperties('reference', () => referenceFramer)
runMatcherConformance('reference', () => referenceMatcher)
