#!/usr/bin/env node
/**
 * @module The `sluice` executable: registers tsx's ESM loader so Node 20 can run the TypeScript
 * sources as they are, then hands over to node-server/cli/main.ts. tsx is a devDependency: a
 * production install (`npm install --omit=dev`) needs tsx moved to dependencies, or a build step.
 */

let register
try {
  ;({ register } = await import('tsx/esm/api'))
} catch (error) {
  process.stderr.write(
    'sluice: cannot load tsx, which runs sluice\'s TypeScript sources on Node 20 ' +
      `(${error && error.code ? error.code : error}); install the dependencies with \`npm install\` (dev dependencies included)\n`,
  )
  process.exit(70)
}
register()
const { main } = await import('../cli/main.ts')
await main(process.argv.slice(2))
