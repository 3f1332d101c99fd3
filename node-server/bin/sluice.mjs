#!/usr/bin/env node
/**
 * @module The `sluice` executable. First builds what is missing (artifacts.mjs: the WebAssembly
 * core, and the bundle when esbuild is installed), so `npm install && npx sluice` works on a fresh
 * clone; a core that cannot be built ends here with one line. Then runs the bundled daemon
 * (dist/sluice.mjs, see bundle.mjs) when it is fresh, otherwise registers tsx's ESM loader so
 * Node 20 runs the TypeScript sources as they are; both hand over to node-server/cli/main.ts.
 */

import { pathToFileURL } from 'node:url'
import { ArtifactError, ensureBundle, ensureCore } from './artifacts.mjs'
import { BUNDLE } from './bundle.mjs'

const argv = process.argv.slice(2)
// Help and version need nothing built.
const informational = argv.length > 0 && argv.every((a) => ['--help', '-h', 'help', '--version', 'version'].includes(a))
if (!informational) {
  try {
    ensureCore()
  } catch (error) {
    if (!(error instanceof ArtifactError)) throw error
    process.stderr.write(`${error.message}\n`)
    process.exit(1)
  }
}

if (ensureBundle()) {
  // The bundled daemon: no TypeScript loader in the process.
  const { main } = await import(pathToFileURL(BUNDLE).href)
  await main(argv)
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
  await main(argv)
}
