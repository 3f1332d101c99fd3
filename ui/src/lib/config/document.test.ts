/**
 * @module The design document's text form: plain .conf, disabled directives as `#~ ` comments
 * that come back disabled; round trips through edits.
 */

import { describe, expect, it } from 'vitest'
import { parseConfig } from '../../../../engine/config/parse.ts'
import { elementAt, parseDesign, printDesign } from './document.ts'

const TEXT = `<source>
  @type forward
</source>

<filter app.**>
  @type grep
  <regexp>
    key level
    pattern /error/
  </regexp>
</filter>

<label @OUT>
  <filter **>
    @type record_transformer
  </filter>

  <match **>
    @type stdout
  </match>
</label>
`

describe('printDesign / parseDesign', () => {
  it('prints exactly like printConfig when nothing is disabled', () => {
    const parsed = parseDesign(TEXT)
    expect(parsed.errors).toEqual([])
    expect(printDesign(parsed.doc)).toBe(TEXT)
  })

  it('prints disabled directives (top level and in labels) as #~ lines that Fluentd ignores, and reads them back', () => {
    const { doc } = parseDesign(TEXT)
    const text = printDesign({ model: doc.model, disabled: new Set(['1', '2/0']) })
    expect(text).toContain('#~ <filter app.**>\n#~   @type grep\n#~   <regexp>')
    expect(text).toContain('<label @OUT>\n#~   <filter **>\n#~     @type record_transformer\n#~   </filter>\n\n  <match **>')
    expect(text).toContain('</source>\n\n#~ <filter app.**>')
    // For Fluentd (and engine/config) those lines are comments:
    const plain = parseConfig(text, 'fluent.conf')
    expect(plain.errors).toEqual([])
    expect(plain.config.root.elements.map((e) => e.name)).toEqual(['source', 'label'])
    const back = parseDesign(text)
    expect([...back.doc.disabled].sort()).toEqual(['1', '2/0'])
    expect(elementAt(back.doc.model, '1')?.arg).toBe('app.**')
    expect(printDesign(back.doc)).toBe(text)
  })

  it('keeps the text line numbers for errors', () => {
    const parsed = parseDesign('<source>\n  @type forward\n</source>\n#~ <match **>\n#~   @type stdout\n#~ </match>\n<match x>\n  @type\n')
    expect(parsed.errors.map((e) => e.line)).toEqual([7])
    expect(parsed.locs.get(elementAt(parsed.doc.model, '1')!)?.line).toBe(4)
  })
})
