import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useReceiver } from '@org/otel-testing';
import { fixture, get } from '../helpers/http';

// OTEL_METRICS_EXPORTER=prometheus against a real Prometheus (Debian's package, which .ci/run installs): a child
// under `node --require` serves /metrics on a free port, a Prometheus of the test's own (temp config and data dir,
// free port, 1 s scrape interval) scrapes it, and the test finds the HTTP duration histogram, and the app's own
// counter, through Prometheus' HTTP query API. The JS exporter adds no unit suffix to the histogram
// (http_server_request_duration_*) and `_total` to counters.

const HAS_PROMETHEUS = spawnSync('prometheus', ['--version']).status === 0;
const describePrometheus = HAS_PROMETHEUS ? describe : describe.skip;
if (!HAS_PROMETHEUS) {
  console.warn("prometheus e2e skipped: no `prometheus` on PATH (apt-get install -y prometheus; CI's .ci/run does)");
}

/** A free port of 127.0.0.1: bound, read, released. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

describePrometheus('the Prometheus endpoint, scraped by a real Prometheus', () => {
  const receiver = useReceiver();
  let prometheus: ChildProcess | undefined;
  let dir: string;
  let prometheusUrl: string;
  let output = '';

  /**
   * Prometheus' instant query API; resolves with the samples once `until` holds for them, polling every 500 ms
   * (while Prometheus starts, its port refuses: that is polled too).
   */
  async function queryUntil(query: string, until: (samples: Sample[]) => boolean): Promise<Sample[]> {
    let last = '';
    for (let attempt = 0; attempt < 60; attempt++) {
      try {
        const { body } = await get(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(query)}`);
        last = body;
        const samples = (JSON.parse(body) as { data?: { result: Sample[] } }).data?.result ?? [];
        if (until(samples)) return samples;
      } catch (error) {
        last = String(error);
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    throw new Error(`${query} never matched; last: ${last}\nprometheus said:\n${output}`);
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'otb-prometheus-'));
    const [appPort, prometheusPort] = [await freePort(), await freePort()];
    writeFileSync(
      join(dir, 'prometheus.yml'),
      [
        'global:',
        '  scrape_interval: 1s',
        'scrape_configs:',
        '  - job_name: shop',
        '    static_configs:',
        `      - targets: ['127.0.0.1:${appPort}']`,
        '',
      ].join('\n'),
    );
    const shop = await receiver.startService(fixture('shop-metrics.js'), {
      OTEL_METRICS_EXPORTER: 'prometheus',
      OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
      OTEL_EXPORTER_PROMETHEUS_PORT: String(appPort),
    });
    prometheusUrl = `http://127.0.0.1:${prometheusPort}`;
    prometheus = spawn(
      'prometheus',
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${prometheusPort}`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    prometheus.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    for (let i = 0; i < 3; i++) await get(`${shop.url}/order`);
    // Up: Prometheus itself answers and has scraped the app at least once.
    await queryUntil('up{job="shop"}', (samples) => samples.some((s) => s.value[1] === '1'));
  });

  afterAll(() => {
    prometheus?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds the HTTP server duration histogram, with its semantic-convention labels', async () => {
    const samples = await queryUntil('http_server_request_duration_count{job="shop"}', (found) =>
      found.some((s) => s.value[1] === '3'),
    );
    expect(samples.find((s) => s.value[1] === '3')?.metric).toMatchObject({
      http_request_method: 'GET',
      http_response_status_code: '200',
      url_scheme: 'http',
    });
    const buckets = await queryUntil('http_server_request_duration_bucket{job="shop"}', (found) => found.length > 0);
    // The semantic conventions' advised boundaries (seconds), and +Inf.
    expect(buckets.map((s) => s.metric.le)).toEqual(expect.arrayContaining(['0.005', '0.1', '10', '+Inf']));
  });

  it("finds the app's own counter, with its attribute as a label", async () => {
    const samples = await queryUntil('orders_total{job="shop"}', (found) => found.some((s) => s.value[1] === '3'));
    expect(samples[0].metric).toMatchObject({ order_kind: 'book' });
  });

  it('sends no OTLP metrics meanwhile', () => {
    expect(receiver.metricRequests).toEqual([]);
  });
});
