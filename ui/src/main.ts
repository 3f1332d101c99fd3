/**
 * @module Entry point of the route designer (Svelte 5): loads the plugin catalog, mounts the app.
 */
import { mount } from 'svelte'
import App from './App.svelte'
import { loadCatalog } from './lib/config/catalog.ts'
import './app.css'

const target = document.getElementById('app')
if (target === null) throw new Error('no #app element')
// The plugin schemas are loaded first: forms, validation and the preview all read them.
await loadCatalog()
export default mount(App, { target })
