/**
 * @module Server certificates generated at start, as Fluentd's cert_option does for
 * `<transport tls>` without `cert_path`: self-signed (`insecure true`) or signed by a private CA
 * (`ca_cert_path` + `ca_private_key_path`, e.g. made by fluent-ca-generate). A small DER writer
 * builds the X.509 v3 TBSCertificate (RSA key from node:crypto, subject C/ST/L/CN, the CN also as
 * subjectAltName, basicConstraints CA:FALSE, serverAuth) and node:crypto signs it with the
 * issuer's RSA or EC key. The issuer name is copied byte for byte from the CA certificate.
 */

import type { KeyObject, X509Certificate } from 'node:crypto'
import { isIP } from 'node:net'
import { hostname } from 'node:os'
import { nodeCrypto } from '../builtins.ts'

export interface CertificateRequest {
  commonName: string | null
  country: string
  state: string
  locality: string
  keyBits: number
  validitySeconds: number
  digest: 'sha1' | 'sha256' | 'sha384' | 'sha512'
  /** The signing CA (PEM); null: self-signed. */
  issuer: { cert: string; key: string; passphrase?: string } | null
}

/** A PEM certificate and its PEM (PKCS#8) private key. */
export function certificatePair(req: CertificateRequest): { cert: string; key: string } {
  const { publicKey, privateKey } = nodeCrypto().generateKeyPairSync('rsa', { modulusLength: req.keyBits })
  const commonName = req.commonName ?? hostname()
  const subject = name([
    ['2.5.4.6', req.country, 'printable'],
    ['2.5.4.8', req.state, 'utf8'],
    ['2.5.4.7', req.locality, 'utf8'],
    ['2.5.4.3', commonName, 'utf8'],
  ])
  let issuerName = subject
  let signingKey: KeyObject = privateKey
  if (req.issuer !== null) {
    let ca: X509Certificate
    try {
      ca = new (nodeCrypto().X509Certificate)(req.issuer.cert)
    } catch (err) {
      throw new Error(`ca_cert_path is not a PEM certificate: ${(err as Error).message}`)
    }
    try {
      signingKey = nodeCrypto().createPrivateKey({ key: req.issuer.key, passphrase: req.issuer.passphrase })
    } catch (err) {
      throw new Error(`cannot read ca_private_key_path (wrong ca_private_key_passphrase?): ${(err as Error).message}`)
    }
    if (!ca.checkPrivateKey(signingKey)) throw new Error('ca_private_key_path is not the key of ca_cert_path')
    issuerName = subjectOf(ca.raw)
  }
  const algorithm = signatureAlgorithm(signingKey, req.digest)
  const now = Date.now()
  const tbs = seq(
    tlv(0xa0, integer(Uint8Array.of(2))), // v3
    integer(serialNumber()),
    algorithm,
    issuerName,
    seq(time(new Date(now - 86_400_000)), time(new Date(now + req.validitySeconds * 1000))),
    subject,
    publicKey.export({ type: 'spki', format: 'der' }),
    tlv(
      0xa3,
      seq(
        extension('2.5.29.19', true, seq()), // basicConstraints: CA FALSE
        extension('2.5.29.37', false, seq(oid('1.3.6.1.5.5.7.3.1'))), // extKeyUsage: serverAuth
        extension(
          '2.5.29.17',
          false,
          seq(isIP(commonName) === 4 ? tlv(0x87, ipv4(commonName)) : tlv(0x82, Buffer.from(commonName, 'ascii'))),
        ),
      ),
    ),
  )
  const signature = nodeCrypto().sign(req.digest, tbs, signingKey)
  const der = seq(tbs, algorithm, tlv(0x03, Buffer.concat([Uint8Array.of(0), signature])))
  return { cert: pem('CERTIFICATE', der), key: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string }
}

function signatureAlgorithm(key: KeyObject, digest: CertificateRequest['digest']): Buffer {
  if (key.asymmetricKeyType === 'rsa') {
    const rsa = {
      sha1: '1.2.840.113549.1.1.5',
      sha256: '1.2.840.113549.1.1.11',
      sha384: '1.2.840.113549.1.1.12',
      sha512: '1.2.840.113549.1.1.13',
    }
    return seq(oid(rsa[digest]), Buffer.of(0x05, 0x00))
  }
  if (key.asymmetricKeyType === 'ec') {
    const ecdsa = { sha1: '1.2.840.10045.4.1', sha256: '1.2.840.10045.4.3.2', sha384: '1.2.840.10045.4.3.3', sha512: '1.2.840.10045.4.3.4' }
    return seq(oid(ecdsa[digest]))
  }
  throw new Error(`ca_private_key_path: ${key.asymmetricKeyType} keys cannot sign generated certificates (use RSA or EC)`)
}

function tlv(tag: number, content: Uint8Array): Buffer {
  const n = content.length
  const length =
    n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : n < 0x10000 ? [0x82, n >> 8, n & 0xff] : [0x83, n >> 16, (n >> 8) & 0xff, n & 0xff]
  return Buffer.concat([Uint8Array.of(tag, ...length), content])
}

const seq = (...items: Uint8Array[]): Buffer => tlv(0x30, Buffer.concat(items))

function integer(bytes: Uint8Array): Buffer {
  return tlv(0x02, bytes[0] & 0x80 ? Buffer.concat([Uint8Array.of(0), bytes]) : bytes)
}

function serialNumber(): Uint8Array {
  const serial = nodeCrypto().randomBytes(16)
  serial[0] = (serial[0] & 0x7f) | 0x01
  return serial
}

function oid(text: string): Buffer {
  const [a, b, ...rest] = text.split('.').map(Number)
  const out = [40 * a + b]
  for (const n of rest) {
    const digits = [n & 0x7f]
    for (let v = n >>> 7; v > 0; v >>>= 7) digits.unshift((v & 0x7f) | 0x80)
    out.push(...digits)
  }
  return tlv(0x06, Uint8Array.from(out))
}

function name(parts: [string, string, 'printable' | 'utf8'][]): Buffer {
  return seq(
    ...parts.map(([id, value, kind]) => tlv(0x31, seq(oid(id), tlv(kind === 'printable' ? 0x13 : 0x0c, Buffer.from(value, 'utf8'))))),
  )
}

function time(d: Date): Buffer {
  const iso = d.toISOString().replace(/[-:T]/g, '').slice(0, 14) // YYYYMMDDHHMMSS
  const year = d.getUTCFullYear()
  return year >= 1950 && year < 2050 ? tlv(0x17, Buffer.from(`${iso.slice(2)}Z`)) : tlv(0x18, Buffer.from(`${iso}Z`))
}

function extension(id: string, critical: boolean, value: Uint8Array): Buffer {
  return seq(oid(id), ...(critical ? [Buffer.of(0x01, 0x01, 0xff)] : []), tlv(0x04, value))
}

function ipv4(address: string): Buffer {
  return Buffer.from(address.split('.').map(Number))
}

function pem(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '')
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`
}

/** The DER of the subject Name of a DER certificate (walks Certificate → TBSCertificate). */
function subjectOf(cert: Uint8Array): Buffer {
  const read = (at: number): { tag: number; start: number; end: number } => {
    const tag = cert[at]
    let len = cert[at + 1]
    let start = at + 2
    if (len & 0x80) {
      const n = len & 0x7f
      len = 0
      for (let i = 0; i < n; i++) len = len * 256 + cert[start + i]
      start += n
    }
    return { tag, start, end: start + len }
  }
  const certificate = read(0)
  const tbs = read(certificate.start)
  let at = tbs.start
  let el = read(at)
  if (el.tag === 0xa0) {
    // explicit version
    at = el.end
    el = read(at)
  }
  // serial, signature algorithm, issuer, validity, then subject
  for (let i = 0; i < 4; i++) {
    at = el.end
    el = read(at)
  }
  return Buffer.from(cert.subarray(at, el.end))
}
