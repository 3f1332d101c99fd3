/**
 * @module Writes docs/plugins.md from engine/plugin-status.ts and the Node and edge registries.
 * Run after changing a plugin's status or registering a plugin: `npx tsx scripts/plugins-doc.ts`.
 */
import { writeFileSync } from 'node:fs'
import { pluginsDocText } from './plugins-doc-text.ts'

const path = new URL('../docs/plugins.md', import.meta.url)
writeFileSync(path, pluginsDocText())
console.log(`wrote ${path.pathname}`)
