/**
 * @module @include resolution: what a written path refers to (relative to the including file,
 * `file://` URLs, globs in sorted order) and why remote URLs are refused. Reading is the host's job.
 */
import { dirname, isGlob, resolveAgainst } from './path.ts'

/** What the runtime provides for file access; engine/ never touches the file system itself. */
export interface IncludeHost {
  /** The file's text; throws (any error) when it cannot be read. */
  readFile?(path: string): string
  /** Paths matching a glob pattern (`*`, `?` at least); order does not matter, the parser sorts. */
  glob?(pattern: string): string[]
}

export type IncludeTargets = { ok: true; pattern: string; files: string[] } | { ok: false; reason: string; hint: string }

const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//

/**
 * Resolves the path of `@include PATH` written in `includingFile` to the files to read, in order.
 *
 * @example
 * resolveInclude('conf.d/*.conf', '/etc/fluent/fluent.conf', host)
 * // { ok: true, pattern: '/etc/fluent/conf.d/*.conf', files: ['/etc/fluent/conf.d/a.conf', ...] }
 */
export function resolveInclude(written: string, includingFile: string, host: IncludeHost): IncludeTargets {
  let path = written
  const scheme = SCHEME.exec(path)?.[1]?.toLowerCase()
  if (scheme === 'http' || scheme === 'https') {
    return {
      ok: false,
      reason: `@include of a URL is not supported: ${written}`,
      hint:
        'sluice reads configuration only from local files, so that starting and checking a config ' +
        'never depends on the network; download the file and @include the local copy',
    }
  }
  if (scheme === 'file') {
    path = decodeURIComponent(path.slice('file://'.length).replace(/^localhost\//, '/'))
  } else if (scheme) {
    return {
      ok: false,
      reason: `unsupported @include URL scheme ${scheme}: ${written}`,
      hint: '@include takes a file path or a glob such as conf.d/*.conf',
    }
  }
  const pattern = resolveAgainst(dirname(includingFile), path)
  if (!host.readFile) {
    return {
      ok: false,
      reason: `@include is not available here: ${written}`,
      hint: 'this runtime has no file access; inline the included file',
    }
  }
  if (!isGlob(pattern)) return { ok: true, pattern, files: [pattern] }
  if (!host.glob) {
    return {
      ok: false,
      reason: `@include of a glob is not available here: ${written}`,
      hint: 'this runtime cannot list files; include each file by name',
    }
  }
  let files: string[]
  try {
    files = host.glob(pattern)
  } catch (error) {
    return {
      ok: false,
      reason: `cannot expand @include ${written}: ${messageOf(error)}`,
      hint: `check the pattern (resolved to ${pattern})`,
    }
  }
  return { ok: true, pattern, files: [...files].sort() }
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
