/**
 * @module Runs the shared conformance suites on the TypeScript reference (the test oracle).
 */
import { referenceFramer } from '../../wasm/reference/framer.ts'
import { runFramerConformance } from './framer.cases.ts'

runFramerConformance('reference', () => referenceFramer)
