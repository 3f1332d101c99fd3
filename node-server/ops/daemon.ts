/**
 * @module The running daemon of a single process (and of each worker process): one agent at a time
 * in this process. The start / reload / stop sequence, its states (/healthz) and log lines are
 * lifecycle.ts's; this file is how one agent runs in it: started on the listener pool, swapped on
 * reload while the pool keeps every listening socket open, stopped, flushed (SIGUSR1).
 *
 * Reload guarantee: no client sees a refused connection (listening sockets are handed from the old
 * agent to the new one; connections that arrive during the swap wait in the pool and are served by
 * the new agent). Connections open before the reload are closed by the old inputs when they stop;
 * clients reconnect. Events acknowledged before the reload are in the old agent's buffers, which
 * its stop flushes (memory buffers) or keeps on disk for the new agent (file buffers): the swap is
 * sequential (old agent fully stopped, then the new one started) so two agents never share a
 * buffer directory. The swap takes as long as the old agent's stop (bounded by the shutdown
 * timeout). If the new agent fails to start, the previous config is built and started again.
 */

import type { Agent, PluginEntry } from '../../engine/agent.ts'
import type { ListenerPool } from './listener-pool.ts'
import { Lifecycle, type LifecycleOptions } from './lifecycle.ts'
import { buildPrepared, parseSource, type ConfigSource, type Prepared } from './prepare.ts'
import { startAgent } from './start-agent.ts'

export interface DaemonOptions extends LifecycleOptions {
  pool: ListenerPool
  /** Appended to port-in-use messages. */
  listenHint?: string
  /** Called with each agent that started (the first one, and after each reload). */
  onAgentStarted?(agent: Agent): void
  /** Called when the daemon cannot go on (a reload's new and previous configs both failed to start). */
  onFatal?(reason: string): void
  /** This process is worker N of `<system> workers` (its config comes from the supervisor's snapshots). */
  workerId?: number
}

export class Daemon extends Lifecycle<Prepared, DaemonOptions> {
  agent: Agent | null = null
  /** The prepared config of the running agent (kept to restart it if a reload fails to start). */
  current: Prepared | null = null
  protected readonly startingWho = 'the agent is'
  protected readonly selfName = 'the daemon'

  /** Reloads the config (`source`: a new one, as a worker is sent it); see Lifecycle.reload. */
  override reload(source?: ConfigSource): Promise<boolean> {
    if (source !== undefined) this.configSource = source
    return super.reload()
  }

  protected async launch(prepared: Prepared): Promise<Record<string, unknown>> {
    const agent = prepared.agent!
    const generation = ++this.generation
    try {
      await startAgent({
        agent,
        generation,
        locs: prepared.parsed.locs,
        pool: this.options.pool,
        log: this.log,
        listenHint: this.options.listenHint,
      })
    } catch (error) {
      this.state = 'stopped'
      this.options.pool.releaseParked()
      throw error
    }
    this.agent = agent
    this.current = prepared
    this.options.onAgentStarted?.(agent)
    return { plugins: agent.plugins.length }
  }

  /** Sequential: the old agent stops (its sockets parked), the new one starts; if it cannot, the previous config starts again. */
  protected async swap(prepared: Prepared): Promise<boolean> {
    const pool = this.options.pool
    const old = { agent: this.agent!, prepared: this.current!, generation: this.generation }
    pool.park(old.generation)
    await old.agent.stop(this.options.shutdownTimeoutMs)
    pool.forget(old.generation)
    this.agent = null
    const generation = ++this.generation
    try {
      await startAgent({ agent: prepared.agent!, generation, locs: prepared.parsed.locs, pool, log: this.log })
    } catch (error) {
      this.log.error('the new config did not start; starting the previous config again', {
        error: error instanceof Error ? error.message : String(error),
      })
      this.lastReloadFailure = [`the new config did not start: ${error instanceof Error ? error.message : String(error)}`]
      const again = await this.buildAgain(old.prepared)
      const back = ++this.generation
      try {
        await startAgent({ agent: again.agent!, generation: back, locs: again.parsed.locs, pool, log: this.log })
      } catch (second) {
        const reason = second instanceof Error ? second.message : String(second)
        this.log.error('the previous config did not start again either; nothing runs', { error: reason })
        this.state = 'stopped'
        this.options.onFatal?.(reason)
        return false
      } finally {
        pool.releaseParked()
      }
      this.agent = again.agent
      this.current = again
      this.state = 'running'
      this.options.onAgentStarted?.(again.agent!)
      this.reloads.failed++
      return false
    }
    const closed = pool.releaseParked()
    this.apply(prepared)
    this.agent = prepared.agent
    this.current = prepared
    this.options.onAgentStarted?.(prepared.agent!)
    return this.reloaded({ plugins: prepared.agent!.plugins.length, generation, ...(closed ? { listeners_closed: closed } : {}) })
  }

  /** Stops the agent: inputs first, then outputs flush, within the shutdown timeout. */
  protected async halt(): Promise<void> {
    if (this.agent) await this.agent.stop(this.options.shutdownTimeoutMs)
    this.options.pool.releaseParked()
  }

  /** Every buffered output with `flushAll()` (Fluentd's flush_buffers). */
  protected async flushBuffers(): Promise<void> {
    const outputs = (this.agent?.plugins ?? []).filter((p) => p.kind === 'output' && typeof flushable(p) === 'function')
    this.log.info('flushing buffers', { outputs: outputs.length })
    await Promise.all(
      outputs.map(async (p) => {
        try {
          await flushable(p)!.call(p.plugin)
        } catch (error) {
          this.log.warn('flush failed', { plugin_id: p.id, error: String(error) })
        }
      }),
    )
  }

  /** Builds the text as the file would be read, then frees what was built. */
  protected async validateText(source: ConfigSource): Promise<string[]> {
    const parsed = parseSource(source, { hostname: this.options.hostname })
    const checked = await buildPrepared(parsed, { ...this.prepareOptions(), logger: () => this.options.sink.logger('fatal') })
    for (const router of checked.agent?.routers.values() ?? []) router.free()
    return checked.errors.map((e) => e.message)
  }

  /** Fluentd's titles: NAME, and `worker:NAME<id>` for each worker of several. */
  protected processTitle(name: string): string {
    return this.options.workerId === undefined ? name : `worker:${name}${this.options.workerId}`
  }

  protected prepare(): Promise<Prepared> {
    const parsed = parseSource(this.source, { hostname: this.options.hostname, workerId: this.options.workerId })
    return buildPrepared(parsed, { ...this.prepareOptions(), workerId: this.options.workerId })
  }

  /** The previous config, built again from its parsed model (the file may have changed since). */
  private buildAgain(previous: Prepared): Promise<Prepared> {
    return buildPrepared(previous.parsed, { ...this.prepareOptions(), workerId: this.options.workerId })
  }
}

function flushable(p: PluginEntry): (() => Promise<void> | void) | undefined {
  const f = (p.plugin as { flushAll?: () => Promise<void> | void }).flushAll
  return typeof f === 'function' ? f : undefined
}
