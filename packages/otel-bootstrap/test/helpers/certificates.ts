import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A self-signed certificate and its key, as PEM files in a temporary folder and as their text. */
export interface SelfSigned {
  readonly certPath: string;
  readonly keyPath: string;
  readonly cert: string;
  readonly key: string;
}

/** A temporary folder of self-signed certificates; `remove()` deletes it. */
export interface CertificateFolder {
  readonly dir: string;
  /**
   * A new self-signed EC certificate for `name`, valid for 127.0.0.1 (as a server) and as a client certificate, so
   * a test can trust it as its own CA.
   */
  selfSigned(name: string): SelfSigned;
  remove(): void;
}

/** Makes a temporary folder for certificates, written by the `openssl` command line. */
export function certificateFolder(): CertificateFolder {
  const dir = mkdtempSync(join(tmpdir(), 'otel-tls-'));
  return {
    dir,
    selfSigned(name) {
      const certPath = join(dir, `${name}-cert.pem`);
      const keyPath = join(dir, `${name}-key.pem`);
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:prime256v1',
          '-nodes',
          '-days',
          '1',
          '-subj',
          `/CN=${name}`,
          '-addext',
          'subjectAltName=IP:127.0.0.1',
          '-keyout',
          keyPath,
          '-out',
          certPath,
        ],
        { stdio: 'ignore' },
      );
      return { certPath, keyPath, cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8') };
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
