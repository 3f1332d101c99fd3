/**
 * @module Reading the PEM files TLS params name (certificates, keys, CA bundles) for in_forward and
 * out_forward: a missing or unreadable file is a config error that names the param.
 */

import { readFileSync } from 'node:fs'

/** Reads a file for a TLS param; the error names the param. */
export function readPem(param: string, path: string): Buffer {
  try {
    return readFileSync(path)
  } catch (err) {
    throw new Error(`${param}: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)
  }
}
