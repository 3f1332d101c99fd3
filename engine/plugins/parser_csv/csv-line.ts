/**
 * @module One CSV line read as Ruby's `CSV.parse_line` reads it (parser_engine normal), and as
 * Fluentd's own fast splitter does (parser_engine fast). Ruby's rules: the row ends at the first
 * row separator (`\r\n`, `\n` or `\r`, whichever the text has first); an empty unquoted field is
 * nil, a quoted one is ""; `""` inside quotes is a quote; a quote inside an unquoted field, text
 * after a closing quote, or an unclosed quote is a MalformedCSVError.
 */

import { rubySplit } from '../../parser/ruby.ts'

/** Ruby's CSV::MalformedCSVError. */
export class MalformedCsvError extends Error {
  override name = 'CSV::MalformedCSVError'
}

/** The fields of the first row of `text`, or null for empty text (Ruby: `CSV.parse_line('')` is nil). */
export function parseCsvLine(text: string, colSep: string): (string | null)[] | null {
  if (text === '') return null
  const rowSep = detectRowSep(text)
  const fields: (string | null)[] = []
  let pos = 0
  for (;;) {
    if (text[pos] === '"') {
      let value = ''
      pos++
      for (;;) {
        const q = text.indexOf('"', pos)
        if (q < 0) throw new MalformedCsvError('Unclosed quoted field in line 1.')
        value += text.slice(pos, q)
        if (text[q + 1] === '"') {
          value += '"'
          pos = q + 2
          continue
        }
        pos = q + 1
        break
      }
      fields.push(value)
      if (pos >= text.length || (rowSep !== '' && text.startsWith(rowSep, pos))) return fields
      if (!text.startsWith(colSep, pos)) throw new MalformedCsvError("Any value after quoted field isn't allowed in line 1.")
      pos += colSep.length
      continue
    }
    let end = text.indexOf(colSep, pos)
    const rowEnd = rowSep === '' ? -1 : text.indexOf(rowSep, pos)
    const endsRow = end < 0 || (rowEnd >= 0 && rowEnd < end)
    if (endsRow) end = rowEnd < 0 ? text.length : rowEnd
    const field = text.slice(pos, end)
    if (field.includes('"')) throw new MalformedCsvError('Illegal quoting in line 1.')
    const newline = /[\r\n]/.exec(field)
    if (newline) throw new MalformedCsvError(`Unquoted fields do not allow new line <${JSON.stringify(newline[0])}> in line 1.`)
    fields.push(field === '' ? null : field)
    if (endsRow) return fields
    pos = end + colSep.length
  }
}

function detectRowSep(text: string): string {
  const m = /\r\n|\n|\r/.exec(text)
  return m === null ? '' : m[0]
}

/**
 * Fluentd's `parse_fast_internal`: split at the delimiter (keeping empty fields), then rejoin
 * quoted fields that contained the delimiter. It never fails; odd quoting gives odd fields, and
 * columns beyond the keys are stored under a nil key, as Fluentd stores them.
 */
export function parseCsvFast(text: string, delimiter: string, keys: readonly string[]): Map<string | null, string | null> {
  const record = new Map<string | null, string | null>()
  const line = text.replace(/\r?\n$|\r$/, '')
  if (line === '') return record
  const columns = rubySplit(line, delimiter, -1)
  let i = 0
  for (let j = 0; j < columns.length; j++, i++) {
    let column: string | null = columns[j]
    const quotes = column.split('"').length - 1
    if (quotes === 0) {
      if (column === '') column = null
    } else if (quotes === 1) {
      if (column.startsWith('"')) {
        const merged = [column]
        for (j++; j < columns.length; j++) {
          merged.push(columns[j])
          if (columns[j].endsWith('"')) break
        }
        column = merged.join(delimiter).slice(1, -1)
      }
    } else {
      if (column.startsWith('"') && column.endsWith('"')) column = column.slice(1, -1)
      if (quotes > 2) column = column.replaceAll('""', '"')
    }
    record.set(keys[i] ?? null, column)
  }
  return record
}
