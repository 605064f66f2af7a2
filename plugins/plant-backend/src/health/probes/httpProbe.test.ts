import type { Entity } from '@backstage/catalog-model';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpProbe } from './httpProbe';
import { runProbe } from './runProbe';

const entity = (url: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'x', annotations: { 'plantops.io/health-url': url } },
  spec: {},
});

describe('HttpProbe (real HTTP server)', () => {
  let server: http.Server;
  let port = 0;
  let delay = 0;
  beforeAll(async () => {
    server = http.createServer((req, res) => setTimeout(() => {
      res.statusCode = req.url?.startsWith('/health') ? 200 : 404;
      res.end();
    }, delay));
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise(r => server.close(r)));

  it('reports status code and latency, slow as degraded, and never shows credentials of the URL', async () => {
    const probe = new HttpProbe({ slowMs: 2500 });
    const secretUrl = `http://probe:S3cret-pw@127.0.0.1:${port}/health?token=T0ken-123`;
    delay = 0;
    await runProbe(probe, entity(secretUrl), 8000); // warm up (first connection on a busy machine)
    const ok = await runProbe(probe, entity(secretUrl), 8000);
    expect(ok.status).toBe('ok');
    expect(ok.details).toEqual(expect.objectContaining({ statusCode: 200, url: `http://127.0.0.1:${port}/health` }));
    delay = 3000;
    const slow = await runProbe(probe, entity(secretUrl), 8000);
    expect(slow.status).toBe('degraded');
    expect(slow.message).toMatch(new RegExp(`GET http://127\\.0\\.0\\.1:${port}/health took \\d+ ms \\(over 2500 ms\\)`));
    delay = 0;
    const missing = await runProbe(probe, entity(`http://127.0.0.1:${port}/nope`), 2000);
    expect(missing).toEqual(expect.objectContaining({ status: 'down', message: `GET http://127.0.0.1:${port}/nope answered HTTP 404` }));
    for (const r of [ok, slow, missing]) {
      expect(JSON.stringify(r)).not.toMatch(/S3cret-pw|T0ken-123/);
    }
  }, 30_000);
});
