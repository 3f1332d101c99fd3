/**
 * @module Reads a V8 `.cpuprofile` (what `node --cpu-prof` writes) and sums its samples into self
 * time per function (name, file:line) and per category: garbage collection, the WebAssembly core,
 * Node's socket and stream internals, other Node internals, the program's own code, idle. The
 * category split is what the bench:profile report prints first: where a scenario's CPU goes.
 */

export interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number; scriptId?: string }
  children?: number[]
}

export interface CpuProfile {
  nodes: ProfileNode[]
  startTime: number
  endTime: number
  samples: number[]
  timeDeltas: number[]
}

export interface FunctionTime {
  name: string
  where: string
  category: string
  ms: number
  share: number
}

export interface ProfileSummary {
  /** Wall time the profile covers (ms). */
  totalMs: number
  /** Time not idle (ms). */
  busyMs: number
  categories: { category: string; ms: number; share: number }[]
  functions: FunctionTime[]
}

/** The category of a call frame. */
export function categoryOf(frame: ProfileNode['callFrame']): string {
  const { functionName: name, url } = frame
  if (name === '(garbage collector)') return 'gc'
  if (name === '(idle)') return 'idle'
  if (name === '(program)') return 'program (V8/native)'
  if (url.startsWith('wasm://') || /wasm-function/.test(name)) return 'wasm core'
  if (url.startsWith('node:net') || url.startsWith('node:internal/stream_base') || url.startsWith('node:internal/streams'))
    return 'node sockets/streams'
  if (url.startsWith('node:')) return 'node other'
  if (url.includes('/node_modules/')) return 'dependencies'
  if (url === '') return 'native'
  return 'sluice'
}

function shortUrl(url: string): string {
  const i = url.lastIndexOf('/node-server/')
  const j = url.lastIndexOf('/engine/')
  const k = url.lastIndexOf('/wasm/')
  const at = Math.max(i, j, k)
  if (at >= 0) return url.slice(at + 1)
  return url.replace(/^file:\/\/.*\/(dist\/)/, '$1')
}

export function summarize(profile: CpuProfile, top = 30): ProfileSummary {
  const byId = new Map<number, ProfileNode>()
  for (const n of profile.nodes) byId.set(n.id, n)
  const self = new Map<number, number>()
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0))
  }
  const totalUs = profile.endTime - profile.startTime
  const categories = new Map<string, number>()
  const functions = new Map<string, FunctionTime>()
  let idleUs = 0
  for (const [id, us] of self) {
    const frame = byId.get(id)!.callFrame
    const category = categoryOf(frame)
    if (category === 'idle') idleUs += us
    categories.set(category, (categories.get(category) ?? 0) + us)
    const where = frame.url === '' ? '' : `${shortUrl(frame.url)}:${frame.lineNumber + 1}`
    const key = `${frame.functionName}@${where}`
    const f = functions.get(key) ?? { name: frame.functionName || '(anonymous)', where, category, ms: 0, share: 0 }
    f.ms += us / 1000
    functions.set(key, f)
  }
  const busyUs = Math.max(1, totalUs - idleUs)
  const cats = [...categories]
    .filter(([c]) => c !== 'idle')
    .map(([category, us]) => ({ category, ms: us / 1000, share: us / busyUs }))
    .sort((a, b) => b.ms - a.ms)
  const fns = [...functions.values()]
    .filter((f) => f.category !== 'idle')
    .map((f) => ({ ...f, share: (f.ms * 1000) / busyUs }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, top)
  return { totalMs: totalUs / 1000, busyMs: busyUs / 1000, categories: cats, functions: fns }
}

/** The summary as text: categories, then the top functions by self time. */
export function summaryText(s: ProfileSummary): string {
  const pct = (x: number) => `${(x * 100).toFixed(1).padStart(5)} %`
  const lines = [`busy ${s.busyMs.toFixed(0)} ms of ${s.totalMs.toFixed(0)} ms profiled`, '', 'self time by category (share of busy time):']
  for (const c of s.categories) lines.push(`  ${pct(c.share)}  ${c.ms.toFixed(0).padStart(7)} ms  ${c.category}`)
  lines.push('', 'top functions by self time:')
  for (const f of s.functions) lines.push(`  ${pct(f.share)}  ${f.ms.toFixed(0).padStart(7)} ms  ${f.name}  ${f.where}  [${f.category}]`)
  return `${lines.join('\n')}\n`
}
