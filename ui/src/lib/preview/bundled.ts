/**
 * @module The bundled sample sets (ui/src/samples, loghub lines + a synthetic app set; see the
 * README and LICENSE there), served as separate files and fetched when picked.
 */

const urls = import.meta.glob<string>('../../samples/*.ndjson', { query: '?url', import: 'default', eager: true })

export interface BundledSet {
  name: string
  title: string
  url: string
}

const TITLES: Record<string, string> = {
  app: 'App services (JSON, 64-bit ids)',
  apache: 'Apache error log (loghub)',
  openssh: 'OpenSSH (loghub)',
  hdfs: 'HDFS (loghub)',
  zookeeper: 'Zookeeper (loghub)',
}

export const bundledSets: BundledSet[] = Object.entries(urls)
  .map(([path, url]) => {
    const name = path.replace(/^.*\//, '').replace(/\.ndjson$/, '')
    return { name, title: TITLES[name] ?? name, url }
  })
  .sort((a, b) => (a.name === 'app' ? -1 : b.name === 'app' ? 1 : a.title.localeCompare(b.title)))

export async function loadBundled(set: BundledSet): Promise<string> {
  const response = await fetch(set.url)
  if (!response.ok) throw new Error(`cannot load ${set.title}: ${response.status}`)
  return response.text()
}
