/**
 * @module The NATS client packages (@nats-io/transport-node, @nats-io/jetstream), loaded the first
 * time a NATS plugin connects rather than with every daemon: together they cost some 10 MB of
 * resident memory in a process that never talks to NATS. `loadNats()` imports them (NatsLink calls
 * it before its first connect); `nats()` hands them to code that only runs once a connection exists
 * (the writer, the consumer, the stream keeper), so it never waits.
 */

export interface NatsModules {
  transport: typeof import('@nats-io/transport-node')
  jetstream: typeof import('@nats-io/jetstream')
}

let loaded: NatsModules | null = null
let loading: Promise<NatsModules> | null = null

/** Imports the NATS client packages once. */
export function loadNats(): Promise<NatsModules> {
  loading ??= Promise.all([import('@nats-io/transport-node'), import('@nats-io/jetstream')]).then(([transport, jetstream]) => {
    loaded = { transport, jetstream }
    return loaded
  })
  return loading
}

/** The NATS client packages; only valid once a connection exists (loadNats() came first). */
export function nats(): NatsModules {
  if (loaded === null) throw new Error('the NATS client is not loaded yet (loadNats() runs before the first connect)')
  return loaded
}
