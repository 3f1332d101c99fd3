/**
 * @module Real nats-server processes for tests and bench:nats (Debian's `nats-server`, installed by
 * scripts/ensure-nats.mjs when absent): one server or a cluster of them on free loopback ports,
 * JetStream stores in a temp dir removed by `remove()`, SIGKILL / restart on the same port and
 * store, SIGSTOP / SIGCONT, and readiness taken from the server's own log lines (no fixed sleeps).
 */

import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const CANDIDATES = ['/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server']
const ENSURE = fileURLToPath(new URL('../../scripts/ensure-nats.mjs', import.meta.url))

/** The nats-server binary; installs Debian's package first when it is missing. */
export function natsServerBinary(): string {
  let found = CANDIDATES.find((p) => existsSync(p))
  if (found !== undefined) return found
  const r = spawnSync(process.execPath, [ENSURE], { stdio: 'inherit' })
  found = CANDIDATES.find((p) => existsSync(p))
  if (r.status !== 0 || found === undefined)
    throw new Error('nats-server is not installed and scripts/ensure-nats.mjs could not install it')
  return found
}

/** A TCP port free on 127.0.0.1 right now (the OS picks it; released at once). */
export async function freeTcpPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

export interface NatsServerOptions {
  /** The directory for this server's config and JetStream store (removed with the owner's temp dir). */
  dir: string
  port: number
  /** JetStream on (default true). */
  jetstream?: boolean
  serverName?: string
  /** Extra nats-server config text (authorization, tls, limits …). */
  extra?: string
  cluster?: { name: string; port: number; routes: number[] }
}

/** One nats-server process; `start` again after `kill` comes back on the same port and store. */
export class NatsServer {
  readonly port: number
  readonly confPath: string
  readonly storeDir: string
  private child: ChildProcess | null = null
  private exitedPromise: Promise<void> = Promise.resolve()
  /** stderr of every incarnation (trimmed to the last 200 KB). */
  log = ''
  starts = 0

  constructor(readonly options: NatsServerOptions) {
    this.port = options.port
    mkdirSync(options.dir, { recursive: true })
    this.confPath = join(options.dir, 'nats.conf')
    this.storeDir = join(options.dir, 'store')
    const lines = [`listen: 127.0.0.1:${options.port}`, 'max_payload: 1MB']
    if (options.serverName !== undefined) lines.push(`server_name: ${options.serverName}`)
    if (options.jetstream ?? true) {
      lines.push(`jetstream { store_dir: ${JSON.stringify(this.storeDir)}, max_memory_store: 256MB, max_file_store: 2GB }`)
    }
    if (options.cluster !== undefined) {
      const routes = options.cluster.routes.map((p) => JSON.stringify(`nats-route://127.0.0.1:${p}`)).join(', ')
      lines.push(`cluster { name: ${options.cluster.name}, listen: 127.0.0.1:${options.cluster.port}, routes: [${routes}] }`)
    }
    if (options.extra !== undefined) lines.push(options.extra)
    writeFileSync(this.confPath, `${lines.join('\n')}\n`)
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`
  }

  get pid(): number | null {
    return this.running ? this.child!.pid! : null
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null
  }

  /** Starts the server and waits for its "Server is ready" log line. */
  async start(timeoutMs = 20_000): Promise<void> {
    if (this.running) return
    let current = ''
    const child = spawn(natsServerBinary(), ['-c', this.confPath], { stdio: ['ignore', 'pipe', 'pipe'] })
    this.child = child
    this.starts++
    const append = (t: string) => {
      current += t
      this.log = (this.log + t).slice(-200_000)
    }
    child.stdout!.setEncoding('utf8').on('data', append)
    child.stderr!.setEncoding('utf8').on('data', append)
    this.exitedPromise = new Promise((resolve) => child.once('close', () => resolve()))
    const deadline = Date.now() + timeoutMs
    for (;;) {
      if (current.includes('Server is ready')) return
      if (!this.running) throw new Error(`nats-server exited before it was ready:\n${current}`)
      if (Date.now() > deadline) throw new Error(`nats-server was not ready within ${timeoutMs} ms:\n${current}`)
      await new Promise((r) => setTimeout(r, 20))
    }
  }

  /** SIGKILL: no shutdown at all; waits until the process is gone. */
  async kill(): Promise<void> {
    if (this.child === null) return
    if (this.running) this.child.kill('SIGKILL')
    await this.exitedPromise
  }

  /** SIGTERM and wait (SIGKILL after `timeoutMs`). */
  async stop(timeoutMs = 10_000): Promise<void> {
    if (this.child === null) return
    if (this.running) {
      this.child.kill('SIGTERM')
      const timer = setTimeout(() => this.child?.kill('SIGKILL'), timeoutMs)
      await this.exitedPromise
      clearTimeout(timer)
    }
  }

  /**
   * SIGSTOP: the process stays, its sockets stay open, nothing is answered. Resolves once the
   * kernel shows every thread stopped (on a busy machine the signal can take a while to land).
   */
  async pause(timeoutMs = 5_000): Promise<void> {
    if (!this.running) return
    const pid = this.child!.pid!
    this.child!.kill('SIGSTOP')
    const deadline = Date.now() + timeoutMs
    while (!allThreadsStopped(pid)) {
      if (Date.now() > deadline) throw new Error(`nats-server ${pid} did not stop within ${timeoutMs} ms of SIGSTOP`)
      await new Promise((r) => setTimeout(r, 5))
    }
  }

  /** SIGCONT after `pause`. */
  resume(): void {
    if (this.running) this.child!.kill('SIGCONT')
  }
}

/** Every thread of `pid` in state T (stopped), from /proc. */
function allThreadsStopped(pid: number): boolean {
  try {
    const tasks = readdirSync(`/proc/${pid}/task`)
    return tasks.every((t) => {
      const stat = readFileSync(`/proc/${pid}/task/${t}/stat`, 'utf8')
      return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'T'
    })
  } catch {
    return false
  }
}

/** A temp dir holding one or more servers; `remove()` stops them and deletes it. */
export class NatsSandbox {
  readonly dir: string
  readonly servers: NatsServer[] = []

  constructor(prefix = 'sluice-nats-') {
    this.dir = mkdtempSync(join(tmpdir(), prefix))
  }

  /** One server with JetStream (unless `jetstream: false`), started. */
  async server(options: Omit<NatsServerOptions, 'dir' | 'port'> & { port?: number } = {}): Promise<NatsServer> {
    const port = options.port ?? (await freeTcpPort())
    const server = new NatsServer({ ...options, port, dir: join(this.dir, `server-${this.servers.length}`) })
    this.servers.push(server)
    await server.start()
    return server
  }

  /** `n` clustered JetStream servers (routes on free ports), all started. */
  async cluster(n: number, extra?: string): Promise<NatsServer[]> {
    const clientPorts: number[] = []
    const routePorts: number[] = []
    for (let i = 0; i < n; i++) {
      clientPorts.push(await freeTcpPort())
      routePorts.push(await freeTcpPort())
    }
    const nodes = clientPorts.map(
      (port, i) =>
        new NatsServer({
          dir: join(this.dir, `node-${this.servers.length + i}`),
          port,
          serverName: `n${i + 1}`,
          extra,
          cluster: { name: 'sluice-test', port: routePorts[i], routes: routePorts.filter((_, k) => k !== i) },
        }),
    )
    this.servers.push(...nodes)
    await Promise.all(nodes.map((s) => s.start()))
    return nodes
  }

  /** Kills every server still running and deletes the temp dir. */
  async remove(): Promise<void> {
    for (const s of this.servers) {
      s.resume()
      await s.kill()
    }
    rmSync(this.dir, { recursive: true, force: true })
  }
}
