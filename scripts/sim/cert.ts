import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { generate } from 'selfsigned';
import { type HomeLayout, homeLayout } from './home-layout.js';

/**
 * The self-signed certificate and key a simulated home's HTTPS ports serve (API-M's 9443 + offset readiness
 * check among them), generated when the home is made and written only inside it: never a file of this
 * repository. An EC P-256 key takes milliseconds, where RSA 2048 takes a quarter of a second.
 * An existing pair is kept, so remaking a home does not change the certificate clients may have pinned.
 */
export async function ensureCertificate(
  home: string,
  layout: HomeLayout = homeLayout,
  hostname = 'localhost',
): Promise<void> {
  const certPath = join(home, layout.cert);
  const keyPath = join(home, layout.key);
  if (existsSync(certPath) && existsSync(keyPath)) return;
  const pems = await generate([{ name: 'commonName', value: hostname }], {
    keyType: 'ec',
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: hostname },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  });
  mkdirSync(dirname(certPath), { recursive: true });
  writeFileSync(keyPath, pems.private, { mode: 0o600 });
  chmodSync(keyPath, 0o600);
  writeFileSync(certPath, pems.cert);
}
