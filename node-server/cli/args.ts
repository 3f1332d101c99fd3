/**
 * @module Command-line parsing: a command word (`run` by default, `check`, `convert`, `bench`),
 * then options declared as data (`--name value`, `--name=value`, `-x value`, flags, repeatable
 * options, `--no-x` for flags). Unknown options are errors with a "did you mean".
 */

import { closest } from '../../engine/config/suggest.ts'

export type OptionType = 'string' | 'flag' | 'count'

export interface OptionSpec {
  name: string
  short?: string
  type: OptionType
  /** Value placeholder for the help text. */
  value?: string
  description: string
  repeat?: boolean
}

export type ParsedOptions = Record<string, string | string[] | boolean | number | undefined>

export interface ParsedArgs {
  options: ParsedOptions
  positionals: string[]
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UsageError'
  }
}

/**
 * Parses `argv` against `specs`. Flags are booleans (`--no-api` sets `api` false), `count` options
 * count repetitions (`-vv` → 2), repeatable options collect arrays.
 *
 * @example
 * parseArgs(['-c', 'fluent.conf', '--log-level=debug'], RUN_OPTIONS).options.config // 'fluent.conf'
 */
export function parseArgs(argv: readonly string[], specs: readonly OptionSpec[]): ParsedArgs {
  const options: ParsedOptions = {}
  const positionals: string[] = []
  const byName = new Map(specs.map((s) => [s.name, s]))
  const byShort = new Map(specs.filter((s) => s.short).map((s) => [s.short!, s]))
  const set = (spec: OptionSpec, value: string | boolean) => {
    if (spec.type === 'count') options[spec.name] = ((options[spec.name] as number | undefined) ?? 0) + 1
    else if (spec.repeat) options[spec.name] = [...((options[spec.name] as string[] | undefined) ?? []), value as string]
    else options[spec.name] = value
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1))
      break
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=')
      const name = arg.slice(2, eq < 0 ? undefined : eq)
      const spec = byName.get(name)
      if (spec === undefined && name.startsWith('no-')) {
        const negated = byName.get(name.slice(3))
        if (negated?.type === 'flag' && eq < 0) {
          options[negated.name] = false
          continue
        }
      }
      if (spec === undefined) {
        const near = closest(name, [...byName.keys()])
        throw new UsageError(`unknown option --${name}${near ? `; did you mean --${near}?` : ''}`)
      }
      if (spec.type !== 'string') {
        if (eq >= 0) throw new UsageError(`--${name} takes no value`)
        set(spec, true)
        continue
      }
      const next = argv[i + 1]
      // `--port --duration 3s`: the value is missing (an empty shell variable), not "--duration".
      const missing = eq < 0 && (next === undefined || (next.startsWith('--') && byName.has(next.slice(2).split('=')[0])))
      if (missing) throw new UsageError(`--${name} needs a value${spec.value ? ` (${spec.value})` : ''}`)
      const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i]
      set(spec, value)
      continue
    }
    if (arg.startsWith('-') && arg.length > 1) {
      // -c FILE, -cFILE, -vv
      for (let k = 1; k < arg.length; k++) {
        const spec = byShort.get(arg[k])
        if (spec === undefined) throw new UsageError(`unknown option -${arg[k]}`)
        if (spec.type !== 'string') {
          set(spec, true)
          continue
        }
        const rest = arg.slice(k + 1)
        const value = rest !== '' ? rest : argv[++i]
        if (value === undefined) throw new UsageError(`-${spec.short} needs a value${spec.value ? ` (${spec.value})` : ''}`)
        set(spec, value)
        break
      }
      continue
    }
    positionals.push(arg)
  }
  return { options, positionals }
}

/** Help lines for a list of options, aligned. */
export function formatOptions(specs: readonly OptionSpec[]): string {
  const heads = specs.map((s) => {
    const long = `--${s.name}${s.type === 'string' ? ` ${s.value ?? 'VALUE'}` : ''}`
    return s.short ? `-${s.short}, ${long}` : `    ${long}`
  })
  const width = Math.max(...heads.map((h) => h.length)) + 2
  return specs.map((s, i) => `  ${heads[i].padEnd(width)}${s.description}`).join('\n')
}

export function stringOption(options: ParsedOptions, name: string): string | undefined {
  const v = options[name]
  return typeof v === 'string' ? v : undefined
}

export function listOption(options: ParsedOptions, name: string): string[] {
  const v = options[name]
  return Array.isArray(v) ? v : typeof v === 'string' ? [v] : []
}

/** A non-negative integer option (ports, counts). */
export function integerOption(options: ParsedOptions, name: string, min = 0, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const text = stringOption(options, name)
  if (text === undefined) return undefined
  if (!/^\d+$/.test(text.trim())) throw new UsageError(`--${name} must be a whole number, got ${JSON.stringify(text)}`)
  const n = Number(text)
  if (n < min || n > max) throw new UsageError(`--${name} must be between ${min} and ${max}, got ${n}`)
  return n
}
