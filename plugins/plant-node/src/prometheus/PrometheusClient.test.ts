import { createServer } from 'node:net';
import { PrometheusClient, PrometheusUnavailableError } from './PrometheusClient';

const url = () => {
  const u = process.env.PLANTOPS_TEST_PROMETHEUS_URL;
  if (!u) throw new Error('PLANTOPS_TEST_PROMETHEUS_URL is not set: run the tests with ./portal test');
  return u;
};

describe('PrometheusClient (real Prometheus)', () => {
  it('reads `up` of the Prometheus job that scrapes itself', async () => {
    const client = new PrometheusClient({ baseUrl: url() });
    // The first scrape may not have happened in a freshly started server.
    let samples = await client.query('up{job="prometheus"}');
    for (let i = 0; i < 20 && samples.length === 0; i++) {
      await new Promise(r => setTimeout(r, 500));
      samples = await client.query('up{job="prometheus"}');
    }
    expect(samples).toHaveLength(1);
    expect(samples[0].metric.job).toBe('prometheus');
    expect(samples[0].value).toBe(1);
  });

  it('turns a scalar into one sample and a bad expression into a clear error', async () => {
    const client = new PrometheusClient({ baseUrl: url() });
    expect((await client.query('scalar(vector(3))'))[0].value).toBe(3);
    await expect(client.query('rate(up[')).rejects.toThrow(/refused the query rate\(up\[: HTTP 400, .*parse error/);
  });

  it('says which server did not answer when nothing listens', async () => {
    const client = new PrometheusClient({ baseUrl: `http://127.0.0.1:${await closedPort()}`, timeoutMs: 1000 });
    const err = await client.query('up').catch(e => e);
    expect(err).toBeInstanceOf(PrometheusUnavailableError);
    expect(err.message).toMatch(/Prometheus at http:\/\/127\.0\.0\.1:\d+ did not answer: .*ECONNREFUSED/);
  });
});

/** A loopback port nobody listens on. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>(r => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise(r => srv.close(r));
  return port;
}
