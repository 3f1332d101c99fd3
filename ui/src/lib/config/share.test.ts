/** @module Share links: deflate-raw + base64url in the fragment, samples only when given. */
import { describe, expect, it } from 'vitest'
import { decodeShare, encodeShare, fromBase64Url, toBase64Url } from './share.ts'

describe('share links', () => {
  it('round-trips the config, and the samples only when they are included', async () => {
    const config = '<match **>\n  @type stdout\n</match>\n'.repeat(20)
    const fragment = await encodeShare({ config })
    expect(fragment).toMatch(/^c=[A-Za-z0-9_-]+$/)
    expect(fragment.length).toBeLessThan(config.length)
    expect(await decodeShare(`#${fragment}`)).toEqual({ config })
    const samples = '{"id": 18446744073709551615}\n'
    const both = await encodeShare({ config, samples, tag: 'app.web', format: 'auto' })
    expect(await decodeShare(both)).toEqual({ config, samples, tag: 'app.web', format: 'auto' })
    expect(await decodeShare('#other=1')).toBeNull()
  })

  it('encodes base64url without padding', () => {
    for (const n of [0, 1, 2, 3, 4, 255, 70_000]) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37) & 255)
      const text = toBase64Url(bytes)
      expect(text).not.toMatch(/[+/=]/)
      expect(fromBase64Url(text)).toEqual(bytes)
    }
  })
})
