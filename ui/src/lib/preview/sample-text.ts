/**
 * @module Keeping big sample sets out of the samples textarea. A textarea lays out all of its text
 * on every change; past a few hundred KB — and with a single line of a few hundred KB even sooner
 * (a pasted one-line JSON array froze the tab for minutes) — that blocks the page. Such sets live
 * only as a string (the worker has the events); the textarea shows a cut-down, read-only view, and a
 * paste that would make the text big is applied to the string instead of the textarea.
 */

/** Past this many characters the text is not put into the textarea. */
export const LARGE_TEXT = 256 * 1024
/** A line longer than this is not put into the textarea either. */
export const LONG_LINE = 8 * 1024
/** What the read-only view shows. */
const VIEW_LINES = 200
const VIEW_LINE_CHARS = 2000

/** True when the text must not go into the textarea (too long, or a line too long). */
export function isLargeText(text: string): boolean {
  if (text.length > LARGE_TEXT) return true
  if (text.length <= LONG_LINE) return false
  let start = 0
  for (;;) {
    const end = text.indexOf('\n', start)
    if ((end < 0 ? text.length : end) - start > LONG_LINE) return true
    if (end < 0) return false
    start = end + 1
  }
}

/**
 * The first lines of a big text, each cut, for the read-only view.
 *
 * @example
 * viewOfLargeText('x'.repeat(10_000)) // 'xxxx…(2000 characters)… [8,000 more characters on this line]'
 */
export function viewOfLargeText(text: string): string {
  const out: string[] = []
  let start = 0
  while (out.length < VIEW_LINES && start <= text.length) {
    let end = text.indexOf('\n', start)
    if (end < 0) end = text.length
    const length = end - start
    out.push(
      length > VIEW_LINE_CHARS
        ? `${text.slice(start, start + VIEW_LINE_CHARS)}… [${(length - VIEW_LINE_CHARS).toLocaleString('en-US')} more characters on this line]`
        : text.slice(start, end),
    )
    start = end + 1
  }
  return out.join('\n')
}

/** The text after pasting `pasted` over `[from, to)` of `text`. */
export function pasteInto(text: string, pasted: string, from: number, to: number): string {
  return text.slice(0, from) + pasted + text.slice(to)
}
