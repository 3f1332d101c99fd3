/**
 * @module Checks one corpus config exactly as `sluice check` does (prepareWorkers with the daemon's
 * registry, @include, <system>, nothing started), with a fixed pod-like environment and hostname,
 * and returns its problems as plain text for the expectations in corpus-expectations.ts.
 */
import { createLogger } from '../../engine/log.ts'
import { prepareWorkers, release } from '../../node-server/ops/prepare.ts'
import { nodeRegistry } from '../../node-server/plugins/registry.ts'

export const CORPUS_DIR = new URL('../fixtures/corpus/', import.meta.url)

/** The environment of the pod / host the corpus configs are written for (some variables deliberately unset). */
export const CORPUS_ENV: Readonly<Record<string, string>> = {
  KUBERNETES_SERVICE_HOST: 'fd00:10:96::1',
  KUBERNETES_SERVICE_PORT: '443',
  FLUENT_ELASTICSEARCH_HOST: 'elasticsearch.logging.svc',
  FLUENT_ELASTICSEARCH_PORT: '9200',
  FLUENTD_AGGREGATOR_HOST: 'fluentd-aggregator.logging.svc',
  FLUENTD_FLUSH_INTERVAL: '10s',
  LOG_HOST: 'collector.example.com',
  LOG_TOKEN: 'token-123',
  CLUSTER_NAME: 'prod-eu',
  S3_BUCKET_NAME: 'logs-archive',
  DD_API_KEY: 'dd-key',
  SPLUNK_HEC_TOKEN: 'hec-token',
  STATE_DIR: '/var/lib/sluice',
  FAST: 'true',
}

export const CORPUS_HOSTNAME = 'Node-7.corpus.example'

export interface CorpusResult {
  errors: string[]
  warnings: string[]
  notes: string[]
  plugins: number
}

/** `reason` of each problem, with the file name relative to the corpus. */
export async function checkCorpusConfig(file: string): Promise<CorpusResult> {
  const path = new URL(file, CORPUS_DIR).pathname
  const prepared = await prepareWorkers(
    { kind: 'file', path },
    { registry: nodeRegistry(), logger: () => createLogger(() => {}, 'fatal'), env: CORPUS_ENV, hostname: CORPUS_HOSTNAME },
  )
  const plugins = prepared.plugins
  release(prepared.perWorker)
  const show = (list: typeof prepared.errors) => list.map((e) => `${e.line}: ${e.reason}`)
  return {
    errors: show(prepared.errors),
    warnings: show(prepared.warnings),
    notes: show(prepared.notes),
    plugins,
  }
}
