import express from 'express';
import http from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { AddressInfo } from 'node:net';
import { mockServices } from '@backstage/backend-test-utils';
import { LunrSearchEngine } from '@backstage/plugin-search-backend-node';
// The plant backend's own runbook service and router, over this repository's runbooks/.
import { RunbookService, createRunbooksRouter } from '@plantops/backstage-plugin-plant-backend/src/runbooks';
import {
  REPO_ROOT,
  repoCatalogEntities,
} from '@plantops/backstage-plugin-plant-backend/src/runbooks/testing/repoCatalog';
import { RunbookCollatorFactory } from './RunbookCollatorFactory';

jest.setTimeout(60_000);

describe('runbook search', () => {
  let server: http.Server;
  let base: string;
  beforeAll(async () => {
    const runbooks = new RunbookService({
      locations: [{ type: 'dir', target: path.join(REPO_ROOT, 'runbooks') }],
      alertRuleFiles: [path.join(REPO_ROOT, 'scripts/prometheus/rules.yml')],
      urlReader: { readUrl: jest.fn(), readTree: jest.fn(), search: jest.fn() },
      loadEntities: async () => repoCatalogEntities(),
      logger: mockServices.logger.mock(),
    });
    const app = express().use('/api/plant', createRunbooksRouter({ runbooks, getEntity: async () => undefined }));
    server = http.createServer(app);
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise(r => server.close(r)));

  it('indexes every runbook so it is found by alert name and by symptom words', async () => {
    const factory = new RunbookCollatorFactory({
      discovery: { getBaseUrl: async id => `${base}/api/${id}`, getExternalBaseUrl: async id => `${base}/api/${id}` },
      auth: mockServices.auth(),
    });
    const engine = new LunrSearchEngine({ logger: mockServices.logger.mock() });
    const indexer = await engine.getIndexer(factory.type);
    await pipeline(await factory.getCollator(), indexer);

    const find = async (term: string) =>
      (await engine.query({ term, types: ['plant-runbook'] })).results.map(r => r.document.location);
    expect((await find('KafkaConsumerLagHigh'))[0]).toBe('/runbooks/kafka-consumer-lag');
    expect((await find('CrashLoopBackOff'))[0]).toBe('/runbooks/pod-startup-issues');
    expect((await find('OOMKilled'))[0]).toBe('/runbooks/high-memory');
    expect(await find('DatabaseConnectionHigh')).toEqual(expect.arrayContaining(['/runbooks/database-connection-high', '/runbooks/database-connection-issues']));
    expect((await find('certificate expired'))[0]).toBe('/runbooks/certificate-rotation');
    expect(await find('xyzzyplugh')).toEqual([]);
  });

  it('fails with the status when the plant backend does not answer', async () => {
    const factory = new RunbookCollatorFactory({
      discovery: { getBaseUrl: async () => `${base}/nowhere`, getExternalBaseUrl: async () => `${base}/nowhere` },
      auth: mockServices.auth(),
    });
    await expect(factory.getCollator()).rejects.toThrow(`Runbook search index: GET ${base}/nowhere/runbooks answered 404 Not Found`);
  });
});
