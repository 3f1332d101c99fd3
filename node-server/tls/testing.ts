/**
 * @module Test support (not a test file): certificates made at test time with Debian's `openssl`
 * CLI in a temp dir — a CA, a server certificate for 127.0.0.1 / localhost signed by it (also
 * with an encrypted key), a client certificate signed by it, and a second CA with its own client
 * and self-signed server certificate (what must be refused). EC P-256 keys keep it fast.
 */

import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface TestCertificates {
  dir: string
  ca: string
  serverCert: string
  serverKey: string
  /** The server key encrypted with `passphrase`. */
  serverKeyEncrypted: string
  passphrase: string
  clientCert: string
  clientKey: string
  /** Another CA, a client certificate it signed, and a self-signed server certificate. */
  otherCa: string
  otherCaKey: string
  rogueClientCert: string
  rogueClientKey: string
  selfSignedCert: string
  selfSignedKey: string
  /** The CA's key (for certificates generated at start, `ca_cert_path`). */
  caKey: string
  read(path: string): Buffer
  remove(): void
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] })
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']

/** Makes the certificates in a new temp dir; call `remove()` when done. */
export function makeCertificates(): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-tls-'))
  const p = (name: string) => join(dir, name)
  const ca = (name: string, cn: string) =>
    openssl(['req', '-x509', ...EC, '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '2', '-subj', `/CN=${cn}`], dir)
  const signed = (name: string, cn: string, by: string, ext: string) => {
    writeFileSync(p(`${name}.ext`), ext)
    openssl(['req', ...EC, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`], dir)
    openssl(
      [
        'x509',
        '-req',
        '-in',
        `${name}.csr`,
        '-CA',
        `${by}.pem`,
        '-CAkey',
        `${by}.key`,
        '-CAcreateserial',
        '-out',
        `${name}.pem`,
        '-days',
        '2',
        '-extfile',
        `${name}.ext`,
      ],
      dir,
    )
  }
  ca('ca', 'sluice test CA')
  ca('other-ca', 'another CA')
  signed('server', 'localhost', 'ca', 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n')
  signed('client', 'client.local', 'ca', 'extendedKeyUsage=clientAuth\n')
  signed('rogue', 'rogue.local', 'other-ca', 'extendedKeyUsage=clientAuth\n')
  openssl(
    [
      'req',
      '-x509',
      ...EC,
      '-keyout',
      'self.key',
      '-out',
      'self.pem',
      '-days',
      '2',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
    ],
    dir,
  )
  const passphrase = 'test-passphrase'
  openssl(['pkey', '-in', 'server.key', '-out', 'server-encrypted.key', '-aes256', '-passout', `pass:${passphrase}`], dir)
  return {
    dir,
    ca: p('ca.pem'),
    caKey: p('ca.key'),
    serverCert: p('server.pem'),
    serverKey: p('server.key'),
    serverKeyEncrypted: p('server-encrypted.key'),
    passphrase,
    clientCert: p('client.pem'),
    clientKey: p('client.key'),
    otherCa: p('other-ca.pem'),
    otherCaKey: p('other-ca.key'),
    rogueClientCert: p('rogue.pem'),
    rogueClientKey: p('rogue.key'),
    selfSignedCert: p('self.pem'),
    selfSignedKey: p('self.key'),
    read: (path) => readFileSync(path),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  }
}
