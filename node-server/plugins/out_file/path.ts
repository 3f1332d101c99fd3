/**
 * @module out_file paths, as Fluentd's generate_path_template: `/dir/file` + `<buffer time>` →
 * `/dir/file.%Y%m%d_**.log` (the time part follows the timekey: %Y%m%d, %Y%m%d%H, %Y%m%d%H%M,
 * %Y%m%d%H%M%S), `*` in the path takes the time part, `_**` becomes `_0`, `_1` … (the first free
 * file) unless `append`, `.gz` is added when compressed. Also the default buffer directory.
 */

import { PlaceholderConfigError } from '../../../engine/output/placeholders.ts'

export function timekeyToTimeformat(timekey: number | null): string {
  if (timekey === null) return ''
  if (timekey < 60) return '%Y%m%d%H%M%S'
  if (timekey < 3600) return '%Y%m%d%H%M'
  if (timekey < 86400) return '%Y%m%d%H'
  return '%Y%m%d'
}

export interface PathOptions {
  /** The timekey when `time` is a chunk key, else null. */
  timekey: number | null
  append: boolean
  gzip: boolean
  suffix: string
}

/** The full path template of Fluentd's out_file (throws a config error where Fluentd does). */
export function pathTemplate(path: string, o: PathOptions): string {
  const comp = o.gzip ? '.gz' : ''
  const index = o.append ? '' : '_**'
  if (path.includes('*')) {
    if (o.timekey === null) throw new PlaceholderConfigError("path including '*' must be used with buffer chunk key 'time'")
    return path.split('*').join(timekeyToTimeformat(o.timekey) + index) + comp
  }
  if (o.timekey === null) return `${path}${index}${o.suffix}${comp}`
  const format = timekeyToTimeformat(o.timekey)
  const pieces = format.match(/../g)!
  if (pieces.some((p) => path.includes(p))) {
    if (pieces.some((p) => !path.includes(p))) {
      throw new PlaceholderConfigError(`insufficient timestamp placeholders in path: timekey ${o.timekey} needs ${format}`)
    }
    return `${path}${index}${o.suffix}${comp}`
  }
  return `${path}.${format}${index}${o.suffix}${comp}`
}

/**
 * Where chunks are buffered when `<buffer> path` is not written: Fluentd uses the output path
 * itself as a directory; sluice does too when the path has no placeholders, else the part before
 * the first placeholder + `.buffer` (`/logs/${tag}/%Y` → `/logs/.buffer`), never a directory named
 * after a placeholder.
 */
export function defaultBufferPath(path: string): string {
  const cut = path.search(/\$\{|%|\*/)
  if (cut < 0) return path
  const prefix = path.slice(0, cut)
  if (prefix.endsWith('/')) return prefix + '.buffer'
  return prefix.replace(/[._-]+$/, '') + '.buffer'
}
