/**
 * @module Reads of an accepted plain TCP socket into memory the caller provides (Node's `onread`
 * option), so a busy connection makes no Buffer per read: `net.Server` has no `onread`, so the
 * socket's handle is moved, before any read, into a new `net.Socket` made with one. Each read's
 * bytes land in the Uint8Array `buffer()` last returned (asked again after every read), then
 * `onRead(n)` runs; `end`, `close`, `error`, pause/resume and writes work as on any socket.
 *
 * This uses Node internals that are stable since Node 12 but not documented (the socket's
 * `_handle`, the `handle` constructor option, `_server` for the server's connection count): when
 * they are not as expected, `adoptUserBuffer` returns null and the caller keeps the socket as it is.
 */

import { Socket } from 'node:net'

interface SocketInternals {
  _handle?: { reading?: boolean; readStart?: unknown } | null
  _server?: unknown
  server?: unknown
}

/**
 * Moves the handle of `socket` (accepted with `pauseOnConnect`, never read, plain TCP) into a new
 * socket that reads into `buffer()`; the old socket object is left handle-less and destroyed.
 * Returns the new socket, paused (call `resume()` to start reading), or null when the socket cannot
 * be adopted (already reading or closed, a TLS socket, internals that differ).
 */
export function adoptUserBuffer(socket: Socket, buffer: () => Uint8Array, onRead: (n: number) => void): Socket | null {
  const old = socket as unknown as SocketInternals
  const handle = old._handle
  if (
    handle == null ||
    typeof handle.readStart !== 'function' ||
    handle.reading === true ||
    socket.destroyed ||
    socket.readableFlowing === true ||
    socket.readableLength > 0 ||
    socket.constructor !== Socket
  ) {
    return null
  }
  let adopted: Socket
  try {
    adopted = new Socket({
      handle,
      allowHalfOpen: socket.allowHalfOpen,
      readable: true,
      writable: true,
      pauseOnCreate: true,
      onread: {
        buffer,
        callback: (n: number) => {
          onRead(n)
          return true
        },
      },
    } as ConstructorParameters<typeof Socket>[0])
  } catch {
    return null
  }
  // The server counts its connections on the socket (`_server`); the count now follows the new one.
  const next = adopted as unknown as SocketInternals
  next._server = old._server ?? null
  next.server = old.server ?? null
  old._server = null
  old.server = null
  old._handle = null
  socket.destroy()
  return adopted
}
