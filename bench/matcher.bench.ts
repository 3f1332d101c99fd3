/**
 * @module Matcher cases: a 50-rule route table of realistic Fluentd patterns (`app.**`,
 * `kube.*.*`, `{a,b}.**`, `system.*`, `**.audit`, filters and matches, no catch-all match so some
 * tags miss) looked up with `CoreRouteTable.lookupAt(ptr, len)` on tags already in WASM memory
 * (the hot path, cache on), against a naive matcher that tests the tag against 50 RegExps (each
 * pattern turned into an anchored regex the way Fluentd's match.rb does) in order on every lookup.
 * Also: the core on unique tags (every lookup misses the cache) and the raw export without the
 * bridge, and the miss-heavy case: 100,000 distinct tags in a cycle (the 2,048-entry cache is
 * useless) through the table's DFA (the default), through the same table with the DFA off (the
 * Pike NFA: every rule's program run per miss) and through the naive matcher, in the same run.
 */

import { CoreRouteTable, type Core } from '../wasm/core.ts'
import { compileRoutes } from '../wasm/match-compiler.ts'
import type { Route, RouteRule } from '../wasm/types.ts'
import type { BenchCase, Check } from './harness.ts'
import { prng } from './inputs.ts'

/** The 50 rules, in config order: filters accumulate, the first matching match wins. */
export const RULES: readonly RouteRule[] = [
  { kind: 'filter', pattern: 'kube.**' },
  { kind: 'filter', pattern: 'app.**' },
  { kind: 'filter', pattern: '{nginx,apache}.access' },
  { kind: 'filter', pattern: 'system.*' },
  { kind: 'filter', pattern: '**.audit' },
  { kind: 'filter', pattern: 'docker.*.stderr' },
  { kind: 'filter', pattern: 'app.payments.**' },
  { kind: 'filter', pattern: 'syslog.*.{err,crit,alert,emerg}' },
  { kind: 'filter', pattern: 'kube.kube-system.*' },
  { kind: 'filter', pattern: 'aws.**' },
  { kind: 'filter', pattern: 'metrics.*.gauge' },
  { kind: 'match', pattern: 'fluent.**' },
  { kind: 'match', pattern: 'app.payments.**' },
  { kind: 'match', pattern: 'app.auth.{login,logout,session}' },
  { kind: 'match', pattern: 'app.web.*' },
  { kind: 'match', pattern: 'app.api.v{1,2}.**' },
  { kind: 'match', pattern: 'app.worker.*.error' },
  { kind: 'match', pattern: 'app.*.debug' },
  { kind: 'match', pattern: 'kube.kube-system.*' },
  { kind: 'match', pattern: 'kube.monitoring.**' },
  { kind: 'match', pattern: 'kube.*.*' },
  { kind: 'match', pattern: 'system.kernel' },
  { kind: 'match', pattern: 'system.{auth,authpriv}' },
  { kind: 'match', pattern: 'system.cron' },
  { kind: 'match', pattern: 'system.*' },
  { kind: 'match', pattern: 'nginx.access' },
  { kind: 'match', pattern: 'nginx.error' },
  { kind: 'match', pattern: 'apache.{access,error}' },
  { kind: 'match', pattern: 'haproxy.**' },
  { kind: 'match', pattern: 'mysql.slow' },
  { kind: 'match', pattern: 'mysql.*' },
  { kind: 'match', pattern: 'postgres.**' },
  { kind: 'match', pattern: 'redis.*' },
  { kind: 'match', pattern: 'docker.*.stdout' },
  { kind: 'match', pattern: 'docker.**' },
  { kind: 'match', pattern: 'aws.{cloudtrail,elb,alb}.**' },
  { kind: 'match', pattern: 'aws.lambda.*' },
  { kind: 'match', pattern: 'gcp.**' },
  { kind: 'match', pattern: 'syslog.**' },
  { kind: 'match', pattern: 'audit.**' },
  { kind: 'match', pattern: 'security.{ids,waf}.*' },
  { kind: 'match', pattern: 'metrics.**' },
  { kind: 'match', pattern: 'trace.*.span' },
  { kind: 'match', pattern: '{hdfs,yarn}.{namenode,datanode,resourcemanager}' },
  { kind: 'match', pattern: 'hadoop.**' },
  { kind: 'match', pattern: 'zookeeper.*' },
  { kind: 'match', pattern: 'openstack.nova.*' },
  { kind: 'match', pattern: 'openstack.**' },
  { kind: 'match', pattern: 'android.*.*' },
  { kind: 'match', pattern: 'ssh.*' },
]

const escapeRe = (c: string): string => c.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&')

/**
 * A glob pattern as Fluentd's GlobMatchPattern builds its Regexp (lib/fluent/match.rb), in JS
 * terms: `\A` → `^`, `\Z` → `(?=\n?$)`, `Regexp.union` → `(?:a|b)`.
 */
export function fluentdRegex(pat: string): RegExp {
  const stack: string[][] = []
  const regex: string[] = ['']
  const append = (s: string) => {
    regex[regex.length - 1] += s
  }
  let escape = false
  let dot = false
  let i = 0
  while (i < pat.length) {
    const c = pat[i]
    if (escape) {
      append(escapeRe(c))
      escape = false
      i++
      continue
    } else if (pat.slice(i, i + 2) === '**') {
      if (dot) {
        append('(?![^\\.])')
        dot = false
      }
      if (pat[i + 2] === '.') {
        append('(?:.*\\.|^)')
        i += 3
      } else {
        append('.*')
        i += 2
      }
      continue
    } else if (dot) {
      append('\\.')
      dot = false
    }
    if (c === '\\') escape = true
    else if (c === '.') dot = true
    else if (c === '*') append('[^\\.]*')
    else if (c === '{') {
      stack.push([])
      regex.push('')
    } else if (c === '}' && stack.length > 0) {
      stack[stack.length - 1].push(regex.pop()!)
      append(`(?:${stack.pop()!.join('|')})`)
    } else if (c === ',' && stack.length > 0) {
      stack[stack.length - 1].push(regex.pop()!)
      regex.push('')
    } else if (/[a-zA-Z0-9_]/.test(c)) append(c)
    else append('\\' + c)
    i++
  }
  while (stack.length > 0) {
    stack[stack.length - 1].push(regex.pop()!)
    append(`(?:${stack.pop()!.join('|')})`)
  }
  return new RegExp(`^${regex[regex.length - 1]}(?=\\n?$)`)
}

/** The naive matcher: every rule's regex, tested in order on every lookup. */
export class NaiveMatcher {
  private readonly regexes: RegExp[]
  private readonly isFilter: boolean[]
  /** Filters of the last lookup. */
  readonly filters: Int32Array
  filterCount = 0

  constructor(rules: readonly RouteRule[]) {
    this.regexes = rules.map((r) => {
      const alts = r.pattern.split(/\s+/).filter((p) => p.length > 0)
      if (alts.length === 0 || alts.includes('**')) return /^/
      return alts.length === 1 ? fluentdRegex(alts[0]) : new RegExp(alts.map((a) => `(?:${fluentdRegex(a).source})`).join('|'))
    })
    this.isFilter = rules.map((r) => r.kind === 'filter')
    this.filters = new Int32Array(rules.length)
  }

  /** The match rule index (−1: none); the filters are in `filters[0..filterCount)`. */
  lookup(tag: string): number {
    const n = this.regexes.length
    let f = 0
    for (let r = 0; r < n; r++) {
      if (!this.regexes[r].test(tag)) continue
      if (this.isFilter[r]) this.filters[f++] = r
      else {
        this.filterCount = f
        return r
      }
    }
    this.filterCount = f
    return -1
  }

  route(tag: string): Route {
    const match = this.lookup(tag)
    return { match, filters: Array.from(this.filters.subarray(0, this.filterCount)) }
  }
}

/** ~200 distinct tags from realistic families (some hit no match rule), deterministic. */
export function buildTags(count = 200): string[] {
  const random = prng(0x7a9)
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]
  const services = ['payments', 'auth', 'web', 'api', 'worker', 'search', 'billing', 'checkout', 'inventory', 'notify']
  const namespaces = ['default', 'kube-system', 'monitoring', 'ingress-nginx', 'payments', 'logging', 'cert-manager']
  const containers = ['app', 'sidecar', 'proxy', 'coredns', 'fluent-bit', 'prometheus', 'controller', 'worker']
  const families: (() => string)[] = [
    () => `app.${pick(services)}.${pick(['info', 'debug', 'error', 'access', 'login', 'logout', 'session'])}`,
    () => `app.api.v${1 + Math.floor(random() * 3)}.${pick(['orders', 'users', 'carts', 'health'])}`,
    () => `app.worker.${pick(['mail', 'export', 'resize', 'index'])}.${pick(['error', 'info'])}`,
    () => `kube.${pick(namespaces)}.${pick(containers)}`,
    () => `kube.${pick(namespaces)}.${pick(containers)}-${Math.floor(random() * 90 + 10)}.${pick(containers)}`,
    () => `system.${pick(['kernel', 'auth', 'authpriv', 'cron', 'daemon', 'mail', 'user', 'local0'])}`,
    () => pick(['nginx.access', 'nginx.error', 'apache.access', 'apache.error', 'haproxy.http', 'haproxy.tcp.frontend']),
    () => pick(['mysql.slow', 'mysql.error', 'mysql.general', 'postgres.main.log', 'redis.server', 'redis.sentinel']),
    () =>
      `docker.${Math.floor(random() * 0xffffff)
        .toString(16)
        .padStart(6, '0')}.${pick(['stdout', 'stderr'])}`,
    () => `aws.${pick(['cloudtrail', 'elb', 'alb', 'lambda', 's3', 'waf'])}.${pick(['us-east-1', 'eu-west-1', 'prod'])}`,
    () => `gcp.${pick(['gke', 'gce', 'run'])}.${pick(['prod', 'staging'])}`,
    () => `syslog.${pick(['web1', 'web2', 'db1', 'lb1'])}.${pick(['info', 'notice', 'err', 'crit', 'alert', 'warning'])}`,
    () => pick(['audit', 'linux.audit', 'audit.linux', 'k8s.api.audit', 'security.ids.snort', 'security.waf.modsec', 'security.edr.agent']),
    () => `metrics.${pick(['cpu', 'mem', 'disk', 'net'])}.${pick(['gauge', 'counter'])}`,
    () => `trace.${pick(services)}.${pick(['span', 'event'])}`,
    () =>
      pick([
        'hdfs.datanode',
        'hdfs.namenode',
        'yarn.resourcemanager',
        'hadoop.mapreduce.job',
        'zookeeper.quorum',
        'openstack.nova.api',
        'openstack.neutron.server',
        'android.system.main',
        'ssh.auth',
        'fluent.info',
        'fluent.warn',
      ]),
    // Misses: nothing but filters (or nothing at all) catches these.
    () =>
      pick(['test', 'debug.foo', 'unknown.service.x', 'legacy.billing.batch', 'tmp.scratch', 'staging']) +
      (random() < 0.5 ? '' : `.${Math.floor(random() * 50)}`),
  ]
  const tags = new Set<string>()
  while (tags.size < count) tags.add(pick(families)())
  return [...tags]
}

/** A lookup sequence over `n` tags with a Zipf-like skew (a few hot tags, a long tail). */
function zipfSequence(n: number, length: number): Uint16Array {
  const random = prng(0x21bf)
  const weights = Array.from({ length: n }, (_, i) => 1 / (i + 1) ** 0.9)
  const total = weights.reduce((a, b) => a + b, 0)
  const cdf: number[] = []
  let acc = 0
  for (const w of weights) cdf.push((acc += w / total))
  // Shuffle which tag gets which rank so hot tags are spread over the families.
  const order = Array.from({ length: n }, (_, i) => i)
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[order[i], order[j]] = [order[j], order[i]]
  }
  const seq = new Uint16Array(length)
  for (let k = 0; k < length; k++) {
    const u = random()
    let lo = 0
    let hi = n - 1
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (cdf[mid] < u) lo = mid + 1
      else hi = mid
    }
    seq[k] = order[lo]
  }
  return seq
}

/** Tags written once into a block of WASM memory; `ptrs[i]`, `lens[i]` address tag i. */
function placeTags(core: Core, tags: readonly string[]): { ptrs: Int32Array; lens: Int32Array } {
  const encoded = tags.map((t) => new TextEncoder().encode(t))
  const total = encoded.reduce((a, b) => a + b.length, 0)
  const block = core.exports.alloc(total)
  if (block === 0) throw new Error('core.wasm is out of memory (tags)')
  const ptrs = new Int32Array(tags.length)
  const lens = new Int32Array(tags.length)
  let p = block
  encoded.forEach((bytes, i) => {
    core.u8().set(bytes, p)
    ptrs[i] = p
    lens[i] = bytes.length
    p += bytes.length
  })
  return { ptrs, lens }
}

const sameRoute = (a: Route, b: Route) =>
  a.match === b.match && a.filters.length === b.filters.length && a.filters.every((f, i) => f === b.filters[i])

export const SEQUENCE_LENGTH = 65_536
export const UNIQUE_TAGS = 32_768
export const MISS_HEAVY_TAGS = 100_000

/**
 * `count` distinct tags for the miss-heavy case: the base tags with one or two unique parts
 * (request ids, pod hashes, hosts), so most families keep their route and none repeats.
 */
export function missHeavyTags(base: readonly string[], count: number): string[] {
  const random = prng(0x5eed)
  const tags: string[] = []
  for (let i = 0; i < count; i++) {
    const b = base[i % base.length]
    const id = Math.floor(random() * 2 ** 32).toString(36)
    tags.push(random() < 0.5 ? `${b}.${id}` : `${b}-${i.toString(36)}.${id}`)
  }
  return tags
}

export function matcherCases(core: Core): { cases: BenchCase[]; checks: Check[]; info: Record<string, number | string> } {
  const tags = buildTags()
  const seq = zipfSequence(tags.length, SEQUENCE_LENGTH)
  const table = new CoreRouteTable(core, RULES)
  const naive = new NaiveMatcher(RULES)
  const placed = placeTags(core, tags)
  // Unique tags: each base tag with a unique suffix on its last part, looked up in a cycle far
  // larger than the 2,048-entry cache, so every lookup evaluates the rules.
  const unique = Array.from({ length: UNIQUE_TAGS }, (_, i) => `${tags[i % tags.length]}-${i.toString(36)}`)
  const placedUnique = placeTags(core, unique)
  // Miss-heavy: 100,000 distinct tags; the same table with the DFA off is the old NFA path.
  const missTags = missHeavyTags(tags, MISS_HEAVY_TAGS)
  const placedMiss = placeTags(core, missTags)
  const nfaTable = new CoreRouteTable(core, RULES)
  nfaTable.setDfaLimit(0)
  const missBytes = missTags.reduce((a, t) => a + t.length, 0)

  // The raw export, without the bridge (same blob as CoreRouteTable loads).
  const compiled = compileRoutes(RULES)
  const blobPtr = core.allocBytes(new Uint8Array(compiled.words.buffer, compiled.words.byteOffset, compiled.words.byteLength))
  const rawHandle = core.exports.routesLoad(blobPtr, compiled.words.length)
  core.exports.free(blobPtr)
  if (rawHandle <= 0) throw new Error(`route table rejected (${rawHandle})`)

  // Correctness: the core's route equals the naive matcher's for every tag.
  const checks: Check[] = []
  const mismatches: string[] = []
  let misses = 0
  const check = (list: readonly string[], where: { ptrs: Int32Array; lens: Int32Array }) => {
    list.forEach((tag, i) => {
      const core1 = table.route(table.lookupAt(where.ptrs[i], where.lens[i]))
      const ref = naive.route(tag)
      if (ref.match === -1) misses++
      if (!sameRoute(core1, ref) && mismatches.length < 5)
        mismatches.push(`${tag}: core ${JSON.stringify(core1)} naive ${JSON.stringify(ref)}`)
    })
  }
  check(tags, placed)
  const tagMisses = misses
  check(unique, placedUnique)
  check(missTags, placedMiss)
  let nfaMismatches = 0
  missTags.forEach((tag, i) => {
    if (!sameRoute(nfaTable.route(nfaTable.lookupAt(placedMiss.ptrs[i], placedMiss.lens[i])), naive.route(tag))) nfaMismatches++
  })
  checks.push({
    id: 'matcher: core route == naive regex route',
    ok: mismatches.length === 0 && nfaMismatches === 0,
    detail:
      mismatches.length === 0 && nfaMismatches === 0
        ? `${tags.length} tags (${tagMisses} without a match) + ${unique.length} unique tags + ${missTags.length} miss-heavy tags agree (DFA and NFA paths)`
        : [...mismatches, `${nfaMismatches} NFA-path mismatches`].join('; '),
  })
  let seqMisses = 0
  for (let k = 0; k < seq.length; k++) if (naive.lookup(tags[seq[k]]) === -1) seqMisses++

  const { ptrs, lens } = placed
  const uPtrs = placedUnique.ptrs
  const uLens = placedUnique.lens
  const mPtrs = placedMiss.ptrs
  const mLens = placedMiss.lens
  const ex = core.exports
  const base = { group: 'matcher' as const, bytesPerOp: 0, unit: 'lookups' }

  const cases: BenchCase[] = [
    {
      ...base,
      id: 'matcher.core.cached',
      input: `${tags.length} tags`,
      label: `matcher: sluice lookupAt, cache on`,
      impl: 'sluice',
      description: `${SEQUENCE_LENGTH} lookups (Zipf-like mix of ${tags.length} tags, ${((100 * seqMisses) / seq.length).toFixed(0)}% without a match) with CoreRouteTable.lookupAt on tags already in WASM memory`,
      entriesPerOp: SEQUENCE_LENGTH,
      run: () => {
        let s = 0
        for (let k = 0; k < seq.length; k++) {
          const t = seq[k]
          s += table.lookupAt(ptrs[t], lens[t])
        }
        return s
      },
      targets: [{ metric: 'entriesPerSec', min: 20e6 }],
      compareTo: ['matcher.naive.mix'],
    },
    {
      ...base,
      id: 'matcher.naive.mix',
      input: `${tags.length} tags`,
      label: 'matcher: naive 50 RegExps',
      impl: 'naive-regex',
      description: 'the same lookups: the tag string tested against the 50 anchored RegExps in order (filters collected, first match wins)',
      entriesPerOp: SEQUENCE_LENGTH,
      run: () => {
        let s = 0
        for (let k = 0; k < seq.length; k++) s += naive.lookup(tags[seq[k]]) + naive.filterCount
        return s
      },
    },
    {
      ...base,
      id: 'matcher.diag.raw-export',
      input: `${tags.length} tags`,
      label: 'diag matcher: raw routesLookup export',
      impl: 'diagnostic',
      description: 'the same lookups calling core.exports.routesLookup directly (no bridge method, no id check)',
      entriesPerOp: SEQUENCE_LENGTH,
      run: () => {
        let s = 0
        for (let k = 0; k < seq.length; k++) {
          const t = seq[k]
          s += ex.routesLookup(rawHandle, ptrs[t], lens[t])
        }
        return s
      },
    },
    {
      ...base,
      id: 'matcher.diag.one-tag',
      input: '1 tag',
      label: 'diag matcher: lookupAt, one hot tag',
      impl: 'diagnostic',
      description: `${SEQUENCE_LENGTH} lookups of the same tag (${tags[seq[0]]}): the cache hit with everything in L1`,
      entriesPerOp: SEQUENCE_LENGTH,
      run: () => {
        let s = 0
        const p = ptrs[seq[0]]
        const l = lens[seq[0]]
        for (let k = 0; k < SEQUENCE_LENGTH; k++) s += table.lookupAt(p, l)
        return s
      },
    },
    {
      ...base,
      id: 'matcher.diag.call-floor',
      input: 'none',
      label: 'diag matcher: empty export call (abiVersion)',
      impl: 'diagnostic',
      description: `${SEQUENCE_LENGTH} calls of core.exports.abiVersion(): the JS→WASM call cost alone`,
      entriesPerOp: SEQUENCE_LENGTH,
      run: () => {
        let s = 0
        for (let k = 0; k < SEQUENCE_LENGTH; k++) s += ex.abiVersion()
        return s
      },
    },
    {
      ...base,
      id: 'matcher.core.unique',
      input: `${UNIQUE_TAGS} unique tags`,
      label: 'matcher: sluice lookupAt, every lookup misses the cache',
      impl: 'sluice',
      description: `${UNIQUE_TAGS} distinct tags in a cycle (16x the cache): every lookup evaluates the 50 rules and inserts into the cache`,
      entriesPerOp: UNIQUE_TAGS,
      run: () => {
        let s = 0
        for (let i = 0; i < uPtrs.length; i++) s += table.lookupAt(uPtrs[i], uLens[i])
        return s
      },
      compareTo: ['matcher.naive.unique'],
    },
    {
      ...base,
      id: 'matcher.naive.unique',
      input: `${UNIQUE_TAGS} unique tags`,
      label: 'matcher: naive 50 RegExps, unique tags',
      impl: 'naive-regex',
      description: 'the naive matcher on the same unique tags',
      entriesPerOp: UNIQUE_TAGS,
      run: () => {
        let s = 0
        for (let i = 0; i < unique.length; i++) s += naive.lookup(unique[i]) + naive.filterCount
        return s
      },
    },
    {
      ...base,
      id: 'matcher.core.miss-heavy',
      input: `${MISS_HEAVY_TAGS} distinct tags`,
      label: 'matcher: sluice lookupAt, 100k distinct tags (DFA)',
      impl: 'sluice',
      description: `${MISS_HEAVY_TAGS} distinct tags (avg ${(missBytes / MISS_HEAVY_TAGS).toFixed(1)} B) in a cycle: every lookup misses the cache and walks the table's DFA (the default)`,
      entriesPerOp: MISS_HEAVY_TAGS,
      run: () => {
        let s = 0
        for (let i = 0; i < mPtrs.length; i++) s += table.lookupAt(mPtrs[i], mLens[i])
        return s
      },
      compareTo: ['matcher.nfa.miss-heavy', 'matcher.naive.miss-heavy'],
    },
    {
      ...base,
      id: 'matcher.nfa.miss-heavy',
      input: `${MISS_HEAVY_TAGS} distinct tags`,
      label: 'matcher: sluice lookupAt, 100k distinct tags, DFA off (NFA)',
      impl: 'sluice-nfa',
      description:
        'the same lookups on the same table with setDfaLimit(0): every miss runs each rule program on the Pike NFA (the path before the DFA)',
      entriesPerOp: MISS_HEAVY_TAGS,
      run: () => {
        let s = 0
        for (let i = 0; i < mPtrs.length; i++) s += nfaTable.lookupAt(mPtrs[i], mLens[i])
        return s
      },
      compareTo: ['matcher.naive.miss-heavy'],
    },
    {
      ...base,
      id: 'matcher.naive.miss-heavy',
      input: `${MISS_HEAVY_TAGS} distinct tags`,
      label: 'matcher: naive 50 RegExps, 100k distinct tags',
      impl: 'naive-regex',
      description: 'the naive matcher on the same 100,000 distinct tags',
      entriesPerOp: MISS_HEAVY_TAGS,
      run: () => {
        let s = 0
        for (let i = 0; i < missTags.length; i++) s += naive.lookup(missTags[i]) + naive.filterCount
        return s
      },
    },
  ]
  const dfa = table.dfaStats()
  return {
    cases,
    checks,
    info: {
      rules: RULES.length,
      filters: RULES.filter((r) => r.kind === 'filter').length,
      distinctTags: tags.length,
      tagsWithoutMatch: tagMisses,
      sequenceLength: SEQUENCE_LENGTH,
      sequenceWithoutMatch: seqMisses,
      uniqueTags: UNIQUE_TAGS,
      missHeavyTags: MISS_HEAVY_TAGS,
      missHeavyAvgTagBytes: Number((missBytes / MISS_HEAVY_TAGS).toFixed(1)),
      dfaStates: dfa.states,
      dfaClasses: dfa.classes,
      dfaBytes: dfa.bytes,
      dfaResets: dfa.resets,
    },
  }
}
