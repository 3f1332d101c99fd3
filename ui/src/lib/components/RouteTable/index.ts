/** @module Route table component: the ordered, draggable table of sources, filters and matches per router. */
export { default as RouteTable } from './RouteTable.svelte'
export * from './types.ts'
