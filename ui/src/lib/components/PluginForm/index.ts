/** @module Plugin settings forms generated from the plugins' schemas. */
export { default as PluginForm } from './PluginForm.svelte'
export { default as ParamField } from './ParamField.svelte'
export * from './types.ts'
