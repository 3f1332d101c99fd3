/**
 * @module What the edge's plugins need from the Workers runtime, as small interfaces: outbound TCP
 * (`connect()` of cloudflare:sockets), fetch, and Queue producers by binding name. worker.ts
 * supplies the real ones; tests and the Node benchmark supply their own. Nothing here imports a
 * Workers module, so the plugins type-check and run under Node too.
 */

/** The part of a cloudflare:sockets Socket the forward output uses. */
export interface EdgeSocket {
  readonly readable: ReadableStream<Uint8Array>
  readonly writable: WritableStream<Uint8Array>
  readonly opened: Promise<unknown>
  readonly closed: Promise<unknown>
  close(): Promise<void>
}

export interface SocketAddress {
  hostname: string
  port: number
}

export type Connect = (address: SocketAddress, options: { secureTransport: 'off' | 'on'; allowHalfOpen: boolean }) => EdgeSocket

/** A message for `sendBatch` (Cloudflare's MessageSendRequest). */
export interface QueueSendRequest<Body = unknown> {
  body: Body
  contentType?: 'v8' | 'json' | 'text' | 'bytes'
  delaySeconds?: number
}

/** The producer side of a Cloudflare Queue binding. */
export interface QueueProducer<Body = unknown> {
  send(body: Body, options?: { contentType?: QueueSendRequest['contentType']; delaySeconds?: number }): Promise<unknown>
  sendBatch(messages: Iterable<QueueSendRequest<Body>>): Promise<unknown>
}

export interface EdgePlatform {
  connect: Connect
  fetch: typeof fetch
  /** The Queue producer bound under `name`, or undefined when the Worker has none. */
  queue(name: string): QueueProducer | undefined
}
