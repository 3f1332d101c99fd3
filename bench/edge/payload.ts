/**
 * @module The benchmark's request body: a JSON array of 100 log records of about 150 bytes
 * ({host, ident, pid, level, message, time}), the same on every run (a fixed seed).
 */

const WORDS = [
  'connection',
  'accepted',
  'from',
  'user',
  'session',
  'opened',
  'closed',
  'timeout',
  'request',
  'GET',
  '/api/v1/items',
  'status',
  '200',
  'latency',
  'ms',
  'retry',
  'backend',
  'pool',
  'cache',
  'miss',
  'hit',
  'upstream',
  'worker',
  'shard',
]

export function batchBody(events = 100, seed = 42): string {
  let s = seed
  const random = () => (s = (s * 16807) % 2147483647) / 2147483647
  const records = Array.from({ length: events }, (_, i) => {
    let message = ''
    while (message.length < 70) message += `${WORDS[Math.floor(random() * WORDS.length)]} `
    return {
      host: `web-${i % 7}`,
      ident: 'nginx',
      pid: 1000 + (i % 50),
      level: random() < 0.9 ? 'info' : 'warn',
      message: message.trim(),
      time: 1441588984 + i,
    }
  })
  return JSON.stringify(records)
}
