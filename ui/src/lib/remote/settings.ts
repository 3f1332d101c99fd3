/**
 * @module Where the running sluice is: its API base URL (kept in localStorage) and the apply token
 * (kept only for the browser session). Served by sluice at /ui/, the default is the page's origin.
 */

import type { Remote } from './api.ts'

const BASE_KEY = 'sluice.remote.base'
const TOKEN_KEY = 'sluice.remote.token'

export function defaultBase(): string {
  if (typeof location !== 'undefined' && /^https?:$/.test(location.protocol) && location.pathname.startsWith('/ui/')) return location.origin
  return 'http://127.0.0.1:24220'
}

export function loadRemote(): Remote {
  let base = defaultBase()
  let token = ''
  try {
    base = localStorage.getItem(BASE_KEY) ?? base
    token = sessionStorage.getItem(TOKEN_KEY) ?? ''
  } catch {
    // storage unavailable
  }
  return { base, token }
}

export function saveRemote(remote: Remote): void {
  try {
    localStorage.setItem(BASE_KEY, remote.base)
    sessionStorage.setItem(TOKEN_KEY, remote.token)
  } catch {
    // storage unavailable
  }
}
