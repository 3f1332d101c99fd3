/** @module Pipeline graph component: sources → filters → matches → outputs as plain SVG. */
export { default as PipelineGraph } from './PipelineGraph.svelte'
export * from './types.ts'
