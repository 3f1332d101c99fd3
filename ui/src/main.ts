/**
 * @module Entry point of the route designer (Svelte 5): mounts the app.
 */
import { mount } from 'svelte'
import App from './App.svelte'
import './app.css'

const target = document.getElementById('app')
if (target === null) throw new Error('no #app element')
export default mount(App, { target })
