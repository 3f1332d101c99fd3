/** @module A modal dialog (native <dialog>). */
export { default as Dialog } from './Dialog.svelte'
export * from './types.ts'
