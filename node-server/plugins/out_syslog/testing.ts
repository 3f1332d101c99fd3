/**
 * @module Test support (not a test file): Debian's rsyslog as a real syslog server. `ensureRsyslog`
 * installs the package with apt-get when /usr/sbin/rsyslogd is absent (CI runs as root on Debian;
 * a failure says why). `startRsyslog` runs `rsyslogd -n` with its own config in a temp dir: imtcp
 * and imudp on 127.0.0.1 port 0 (the TCP port from imtcp's listenPortFileName; the UDP port read
 * from /proc, since imudp cannot report it), every message written by omfile as its raw bytes
 * and the fields rsyslog parsed from it.
 */

import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { waitUntil } from '../../../engine/output/testing.ts'

const execFileAsync = promisify(execFile)
export const RSYSLOGD = '/usr/sbin/rsyslogd'

/** Installs rsyslog when it is missing; throws with the reason when that fails. */
export async function ensureRsyslog(): Promise<void> {
  if (existsSync(RSYSLOGD)) return
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  const install = () =>
    execFileAsync('apt-get', ['install', '-y', '-q', '--no-install-recommends', 'rsyslog'], { env, maxBuffer: 16 << 20 })
  try {
    await install()
  } catch {
    try {
      await execFileAsync('apt-get', ['update', '-q'], { env, maxBuffer: 16 << 20 })
      await install()
    } catch (err) {
      throw new Error(`rsyslog is not installed and apt-get could not install it: ${(err as Error).message}`)
    }
  }
  if (!existsSync(RSYSLOGD)) throw new Error(`${RSYSLOGD} is still missing after apt-get install rsyslog`)
}

/** One message as rsyslog received and parsed it. */
export interface Received {
  raw: string
  pri: string
  hostname: string
  appName: string
  procid: string
  msgid: string
  structuredData: string
  msg: string
}

export interface Rsyslog {
  tcpPort: number
  udpPort: number
  /** The messages written so far. */
  received(): Received[]
  waitFor(n: number, timeoutMs?: number): Promise<Received[]>
  stop(): Promise<void>
}

// Fields separated by a byte no test message holds; one message per line.
const SEP = '\x01'

export async function startRsyslog(): Promise<Rsyslog> {
  await ensureRsyslog()
  const dir = mkdtempSync(join(tmpdir(), 'sluice-rsyslog-'))
  const out = join(dir, 'out.log')
  const portFile = join(dir, 'tcp.port')
  const conf = join(dir, 'rsyslog.conf')
  writeFileSync(
    conf,
    [
      `global(workDirectory="${dir}" maxMessageSize="64k")`,
      'module(load="imtcp")',
      'module(load="imudp")',
      `input(type="imtcp" address="127.0.0.1" port="0" listenPortFileName="${portFile}")`,
      'input(type="imudp" address="127.0.0.1" port="0")',
      `template(name="fields" type="string" string="%rawmsg%${SEP}%pri%${SEP}%hostname%${SEP}%app-name%${SEP}%procid%${SEP}%msgid%${SEP}%structured-data%${SEP}%msg%\\n")`,
      `*.* action(type="omfile" file="${out}" template="fields")`,
      '',
    ].join('\n'),
  )
  const child: ChildProcess = spawn(RSYSLOGD, ['-n', '-f', conf, '-i', join(dir, 'rsyslogd.pid')], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr?.on('data', (d) => {
    stderr += d
  })
  child.stdout?.on('data', (d) => {
    stderr += d
  })
  let exited = false
  child.on('exit', () => {
    exited = true
  })
  const stop = async () => {
    if (!exited) {
      child.kill('SIGTERM')
      await waitUntil(() => exited, 'rsyslogd to exit', 10_000).catch(() => child.kill('SIGKILL'))
    }
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    await waitUntil(() => exited || (existsSync(portFile) && readFileSync(portFile, 'utf8').trim() !== ''), 'rsyslogd to listen', 15_000)
    if (exited) throw new Error(`rsyslogd exited: ${stderr}`)
    let udpPort = 0
    await waitUntil(
      () => {
        udpPort = udpPortOf(child.pid!)
        return udpPort > 0
      },
      'rsyslogd to bind its UDP port',
      15_000,
    )
    const tcpPort = Number(readFileSync(portFile, 'utf8').trim())
    const received = (): Received[] => {
      if (!existsSync(out)) return []
      return readFileSync(out, 'latin1')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => {
          const [raw, pri, hostname, appName, procid, msgid, structuredData, msg] = l.split(SEP)
          return { raw, pri, hostname, appName, procid, msgid, structuredData, msg }
        })
    }
    return {
      tcpPort,
      udpPort,
      received,
      waitFor: async (n, timeoutMs = 15_000) => {
        await waitUntil(() => received().length >= n, `${n} messages in rsyslog`, timeoutMs)
        return received()
      },
      stop,
    }
  } catch (err) {
    await stop()
    throw err
  }
}

/** The local port of the IPv4 UDP socket process `pid` holds (0 while it has none). */
function udpPortOf(pid: number): number {
  let inodes: Set<string>
  try {
    inodes = new Set(
      readdirSync(`/proc/${pid}/fd`)
        .map((fd) => {
          try {
            return /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1]
          } catch {
            return undefined
          }
        })
        .filter((x): x is string => x !== undefined),
    )
  } catch {
    return 0
  }
  for (const line of readFileSync('/proc/net/udp', 'utf8').split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/)
    if (cols.length < 10 || !inodes.has(cols[9])) continue
    return Number.parseInt(cols[1].split(':')[1], 16)
  }
  return 0
}
