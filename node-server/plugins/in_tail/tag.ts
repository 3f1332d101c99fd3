/**
 * @module in_tail's tag: a `*` in `tag` is replaced by the file's path with `/` turned into `.`,
 * runs of `.` squeezed to one and one leading `.` dropped (Fluentd's `TailWatcher#tag`). Only the
 * first `*` counts, as Ruby's `tag.split('*')` gives: `a.*.b.*` → `a.` + path + `.b.`.
 */

/** The tag of events read from `path`, for a configured `tag`. */
export type TagOf = (path: string) => string

/** Builds the tag function of a configured tag (one string for all files when it has no `*`). */
export function tagFunction(tag: string): TagOf {
  if (!tag.includes('*')) return () => tag
  // Ruby's split drops trailing empty fields: 'foo.*' → ['foo.'], '*' → [].
  const parts = tag.split('*')
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop()
  const prefix = parts[0] ?? ''
  const suffix = parts[1] ?? ''
  return (path) => prefix + pathTag(path) + suffix
}

/** `/var/log//a..log` → `var.log.a.log`. */
export function pathTag(path: string): string {
  return path
    .replace(/\//g, '.')
    .replace(/\.{2,}/g, '.')
    .replace(/^\./, '')
}
