/**
 * @module Runs the shared conformance suites on the TypeScript reference (the test oracle).
 */
import { referenceFramer } from '../../wasm/reference/framer.ts'
import { runFramerConformance } from './framer.cases.ts'
import { runFramerProperties } from './framer.properties.ts'

runFramerConformance('reference', () => referenceFramer)
runFramerProperties('reference', () => referenceFramer)
