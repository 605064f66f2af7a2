import { createServer } from 'node:net';
import { randomBytes } from 'node:crypto';
import { AlertmanagerClient, AlertmanagerUnavailableError } from './AlertmanagerClient';

const url = () => {
  const u = process.env.PLANTOPS_TEST_ALERTMANAGER_URL;
  if (!u) throw new Error('PLANTOPS_TEST_ALERTMANAGER_URL is not set: run the tests with ./portal test');
  return u;
};

describe('AlertmanagerClient (real Alertmanager)', () => {
  it('silences a pushed alert, sees it suppressed, and expires the silence', async () => {
    const client = new AlertmanagerClient({ baseUrl: url() });
    const name = `PlantNodeTest_${randomBytes(4).toString('hex')}`;
    // Push an alert as Prometheus would (API v2 POST /alerts).
    const push = await fetch(`${url()}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ labels: { alertname: name, job: 'x', severity: 'warning' }, annotations: { summary: 's' } }]),
    });
    expect(push.status).toBe(200);
    const mine = async () => (await client.getAlerts([`alertname="${name}"`]))[0];
    expect((await mine()).status.state).toBe('active');

    const now = Date.now();
    const id = await client.createSilence({
      matchers: [{ name: 'alertname', value: name, isRegex: false, isEqual: true }],
      startsAt: new Date(now).toISOString(),
      endsAt: new Date(now + 600_000).toISOString(),
      createdBy: 'plant-node test',
      comment: 'test',
    });
    expect(id).toMatch(/[0-9a-f-]{36}/);
    expect((await mine()).status).toEqual(expect.objectContaining({ state: 'suppressed', silencedBy: [id] }));
    expect((await client.getSilences()).find(s => s.id === id)?.status.state).toBe('active');

    await client.expireSilence(id);
    expect((await client.getSilences()).find(s => s.id === id)?.status.state).toBe('expired');
    expect((await mine()).status.state).toBe('active');
  });

  it('names the server and the status when a request is refused or nobody answers', async () => {
    const client = new AlertmanagerClient({ baseUrl: url() });
    await expect(client.expireSilence('not-a-silence')).rejects.toThrow(/refused DELETE \/api\/v2\/silence\/not-a-silence: HTTP \d{3}/);
    const down = new AlertmanagerClient({ baseUrl: `http://127.0.0.1:${await closedPort()}`, timeoutMs: 1000 });
    const err = await down.getAlerts().catch(e => e);
    expect(err).toBeInstanceOf(AlertmanagerUnavailableError);
    expect(err.message).toMatch(/Alertmanager at http:\/\/127\.0\.0\.1:\d+ did not answer/);
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
