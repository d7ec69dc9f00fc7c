import { request } from 'node:http';
import { join } from 'node:path';

/** Absolute path of a fixture script in test/fixtures. */
export function fixture(name: string): string {
  return join(__dirname, '..', 'fixtures', name);
}

/** A plain GET from the test process (jest's own http is not instrumented). */
export function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    })
      .on('error', reject)
      .end();
  });
}
