/**
 * @module Talking to a running sluice (node-server/ui-api): read its config, validate a config,
 * apply one (hot reload, Bearer token), and capture live events from the opt-in tap (server-sent
 * events read with fetch, so the token can go in a header).
 */

export interface RemoteProblem {
  file?: string
  line?: number
  reason?: string
  hint?: string
  message: string
  severity?: string
}

export interface ValidateResult {
  ok: boolean
  errors: RemoteProblem[]
  warnings: RemoteProblem[]
}

export interface ApplyResult {
  ok: boolean
  errors: string[]
}

export interface Remote {
  /** The daemon's base URL, e.g. http://127.0.0.1:24220 ('' = the page's own origin). */
  base: string
  token: string
}

function url(remote: Remote, path: string): string {
  return `${remote.base.replace(/\/+$/, '')}${path}`
}

function headers(remote: Remote, extra: Record<string, string> = {}): Record<string, string> {
  return remote.token ? { ...extra, authorization: `Bearer ${remote.token}` } : extra
}

async function failure(response: Response): Promise<string> {
  const text = await response.text().catch(() => '')
  try {
    const body = JSON.parse(text) as { error?: string }
    if (body.error) return `${response.status}: ${body.error}`
  } catch {
    // not JSON
  }
  return `${response.status} ${response.statusText}${text ? `: ${text.slice(0, 200)}` : ''}`
}

/** The running config as written; `masked` when read without the token (secret values are `xxxxxx`). */
export async function fetchConfig(remote: Remote): Promise<{ text: string; masked: boolean }> {
  const response = await fetch(url(remote, '/api/config'), { headers: headers(remote), cache: 'no-store' })
  if (!response.ok) throw new Error(await failure(response))
  return { text: await response.text(), masked: response.headers.get('x-sluice-secrets') === 'masked' }
}

/** What the daemon allows the designer: apply (it has a token), the live tap; and its host name. */
export interface DesignerInfo {
  apply: boolean
  tap: boolean
  /** The daemon's host name (what `${hostname}` is there); absent from an older daemon. */
  hostname?: string
}

/** GET /api/designer; null when no sluice answers there (the designer runs on its own). */
export async function designerInfo(remote: Remote, signal?: AbortSignal): Promise<DesignerInfo | null> {
  try {
    const response = await fetch(url(remote, '/api/designer'), { cache: 'no-store', signal })
    if (!response.ok) return null
    return (await response.json()) as DesignerInfo
  } catch {
    return null
  }
}

export async function validateRemote(remote: Remote, text: string): Promise<ValidateResult> {
  const response = await fetch(url(remote, '/api/config/validate'), {
    method: 'POST',
    headers: headers(remote, { 'content-type': 'text/plain; charset=utf-8' }),
    body: text,
  })
  if (!response.ok) throw new Error(await failure(response))
  return (await response.json()) as ValidateResult
}

export async function applyRemote(remote: Remote, text: string): Promise<ApplyResult> {
  const response = await fetch(url(remote, '/api/config/apply'), {
    method: 'POST',
    headers: headers(remote, { 'content-type': 'text/plain; charset=utf-8' }),
    body: text,
  })
  if (response.status === 200 || response.status === 422) return (await response.json()) as ApplyResult
  throw new Error(await failure(response))
}

export interface TapEvent {
  tag: string
  time: number
  record: unknown
}

export interface TapHandlers {
  /** The daemon subscribed this client: every event from now on arrives. */
  onStart?(): void
  onEvent(line: string): void
  /** The daemon dropped events this client read too slowly. */
  onDropped?(count: number): void
}

/**
 * Streams live events from GET /api/tap — `limit` of them, or with `follow` every one until
 * `signal` aborts; resolves when the stream ends. Each event's data line is the event's JSON
 * (64-bit integers as written). `onStart` is called once the daemon has subscribed this client.
 */
export async function tap(
  remote: Remote,
  options: { limit?: number; follow?: boolean },
  handlers: TapHandlers,
  signal?: AbortSignal,
): Promise<number> {
  const query = options.follow ? 'follow=1' : `limit=${options.limit ?? 100}`
  const response = await fetch(url(remote, `/api/tap?${query}`), {
    headers: headers(remote, { accept: 'text/event-stream' }),
    cache: 'no-store',
    signal,
  })
  if (!response.ok || response.body === null) throw new Error(await failure(response))
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader()
  let buffer = ''
  let count = 0
  try {
    for (;;) {
      const { value, done } = await reader.read()
      if (done) break
      buffer += value
      let end: number
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end)
        buffer = buffer.slice(end + 2)
        const data = block
          .split('\n')
          .filter((l) => l.startsWith('data:'))
          .map((l) => l.slice(5).trimStart())
          .join('\n')
        const event = /^event:\s*(.*)$/m.exec(block)?.[1] ?? 'message'
        if (event === 'start') handlers.onStart?.()
        else if (event === 'tap' && data) {
          handlers.onEvent(data)
          count++
        } else if (event === 'dropped') handlers.onDropped?.(Number(data) || 0)
      }
    }
  } catch (error) {
    if (!(error instanceof DOMException && error.name === 'AbortError')) throw error
  }
  return count
}
