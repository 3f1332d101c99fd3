#!/usr/bin/env node
/**
 * @module The `sluice` executable: runs the bundled daemon (dist/sluice.mjs, see bundle.mjs) when it
 * is fresh, otherwise registers tsx's ESM loader so Node 20 runs the TypeScript sources as they
 * are; both hand over to node-server/cli/main.ts.
 */

import { pathToFileURL } from 'node:url'
import { BUNDLE, freshBundle } from './bundle.mjs'

if (freshBundle()) {
  // The bundled daemon (npm start builds it): no TypeScript loader in the process.
  const { main } = await import(pathToFileURL(BUNDLE).href)
  await main(process.argv.slice(2))
} else {
  let register
  try {
    ;({ register } = await import('tsx/esm/api'))
  } catch (error) {
    process.stderr.write(
      "sluice: cannot load tsx, which runs sluice's TypeScript sources on Node 20 " +
        `(${error?.code ? error.code : error}); install the dependencies with \`npm install\`\n`,
    )
    process.exit(70)
  }
  register()
  globalThis[Symbol.for('sluice.typescriptLoader')] = true
  const { main } = await import('../cli/main.ts')
  await main(process.argv.slice(2))
}
