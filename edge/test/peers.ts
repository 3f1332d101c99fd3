/** @module The ports of the Node peers global-setup.ts starts, as the workerd tests receive them (`inject('peers')`). */

export interface Peers {
  control: number
  sluice: number
  /** A sluice in_forward with <security> (self_hostname sluice.test, shared_key secret, user edge / pw). */
  sluiceSecure: number
  plain: number
  secure: number
  silent: number
  closing: number
  wrongAck: number
  sink: number
}

declare module 'vitest' {
  export interface ProvidedContext {
    peers: Peers
  }
}
