/**
 * @module Putting the real secrets back into a config the designer holds with secrets masked (read
 * without the API token: each secret value is `xxxxxx` on its line, every other line as written).
 * The running config read WITH the token has the same lines, secrets shown; every line of the
 * edited text that is still the masked baseline's line gets the running config's line back. Lines
 * the user changed stay as typed (a secret typed anew wins).
 */

import { diffLines } from '../../../../engine/preview/text-diff.ts'

/**
 * @example
 * unmask('a\n  shared_key xxxxxx\n', 'a\n  shared_key s3cret\n', 'a\n  shared_key xxxxxx\nb\n')
 * // 'a\n  shared_key s3cret\nb\n'
 */
export function unmask(maskedBase: string, fullBase: string, edited: string): string {
  const masked = maskedBase.split('\n')
  const full = fullBase.split('\n')
  if (masked.length !== full.length) return edited
  const out: string[] = []
  for (const line of diffLines(masked, edited.split('\n'))) {
    if (line.kind === 'removed') continue
    if (line.kind === 'same' && line.oldLine !== null && masked[line.oldLine - 1] !== full[line.oldLine - 1])
      out.push(full[line.oldLine - 1])
    else out.push(line.text)
  }
  return out.join('\n')
}
