/**
 * @module The deployable bundle's size: `wrangler deploy --dry-run --outdir <tmp>` (offline)
 * bundles the Worker and its .wasm exactly as a deploy would; sizes raw and gzip'd.
 */

import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'

const ROOT = new URL('../../', import.meta.url).pathname

export interface BundleFile {
  name: string
  bytes: number
  gzipBytes: number
}

export function measureBundle(): BundleFile[] {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-edge-bundle-'))
  try {
    execFileSync(
      process.execPath,
      [
        join(ROOT, 'node_modules/wrangler/bin/wrangler.js'),
        'deploy',
        '--dry-run',
        '--outdir',
        dir,
        '-c',
        join(ROOT, 'edge/wrangler.jsonc'),
      ],
      {
        cwd: dir,
        stdio: 'pipe',
        env: { ...process.env, WRANGLER_SEND_METRICS: 'false', WRANGLER_HIDE_BANNER: 'true', WRANGLER_LOG_PATH: join(dir, 'logs') },
      },
    )
    return readdirSync(dir)
      .filter((f) => f.endsWith('.js') || f.endsWith('.wasm'))
      .map((f) => {
        const bytes = readFileSync(join(dir, f))
        return {
          name: f.replace(/^[0-9a-f]{40}-/, ''),
          bytes: statSync(join(dir, f)).size,
          gzipBytes: gzipSync(bytes, { level: 9 }).length,
        }
      })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
