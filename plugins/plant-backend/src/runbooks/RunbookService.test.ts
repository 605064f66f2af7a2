import fs from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { mockServices } from '@backstage/backend-test-utils';
import { UrlReaders } from '@backstage/backend-defaults/urlReader';
import { runbookAppliesTo } from '@plantops/backstage-plugin-plant-common';
import { RunbookService } from './RunbookService';
import { AGREED_TEMPLATE_NAMES, REPO_ROOT, repoCatalogEntities } from './testing/repoCatalog';

const RULES = path.join(REPO_ROOT, 'scripts/prometheus/rules.yml');
const noReader = { readUrl: jest.fn(), readTree: jest.fn(), search: jest.fn() };

describe('the runbooks in runbooks/', () => {
  it('all pass the checks against catalog/, templates/ and the Prometheus rules', async () => {
    const entities = repoCatalogEntities();
    // Issue 6's templates, as templates/<name>/template.yaml declares them (parameters included).
    expect(entities.filter(e => e.kind === 'Template').map(e => e.metadata.name).sort()).toEqual([...AGREED_TEMPLATE_NAMES].sort());
    const service = new RunbookService({
      locations: [{ type: 'dir', target: path.join(REPO_ROOT, 'runbooks') }],
      alertRuleFiles: [RULES],
      urlReader: noReader,
      loadEntities: async () => entities,
      logger: mockServices.logger.mock(),
    });
    const { runbooks, problems } = await service.get();
    expect(problems.map(p => p.message)).toEqual([]);
    expect(runbooks.map(r => r.id).sort()).toEqual([
      'backup-verification', 'certificate-rotation', 'database-connection-high', 'database-connection-issues',
      'dr-failback', 'dr-failover', 'high-error-rate', 'high-memory', 'kafka-consumer-lag', 'network-connectivity',
      'node-maintenance', 'opcua-connection-failed', 'p1-incident-response', 'pod-startup-issues', 'secret-rotation',
      'service-down',
    ]);
    // The guide's alerts each have a runbook.
    for (const alert of ['ServiceDown', 'HighErrorRate', 'DatabaseConnectionHigh', 'KafkaConsumerLagHigh', 'TelemetryIngestionStalled']) {
      expect(runbooks.filter(r => r.alerts.includes(alert)).length).toBeGreaterThan(0);
    }
    // Each runbook is answerable from an entity page.
    for (const r of runbooks) {
      expect(entities.some(e => runbookAppliesTo(r, e))).toBe(true);
    }
    const p1 = runbooks.find(r => r.id === 'p1-incident-response')!;
    expect(p1.steps.map(s => s.title.split(':')[0])).toEqual([
      'Immediate actions (0-15 minutes)', 'Immediate actions (0-15 minutes)', 'Immediate actions (0-15 minutes)',
      'Immediate actions (0-15 minutes)', 'Investigation (15-60 minutes)', 'Resolution (1-4 hours)', 'Post-incident (24-48 hours)',
    ]);
    // Every template step names parameters its template declares, and the runbooks use every operation but onboarding.
    const used = new Set(runbooks.flatMap(r => r.steps.flatMap(s => s.templates.map(t => t.template))));
    expect(AGREED_TEMPLATE_NAMES.filter(n => !used.has(n))).toEqual(['deploy', 'onboard-edge-site']);
  });
});

describe('RunbookService', () => {
  let dir: string;
  let server: http.Server;
  let baseUrl: string;
  const served: Record<string, string> = {};

  const good = (id: string, extra = '') => `---
id: ${id}
title: ${id}
severity: P2
alerts: [ServiceDown]
appliesTo:
  kinds: [Component]
owner: group:default/oncall-team
lastReviewed: 2026-11-30
${extra}---

## Roll back

\`\`\`template
template: rollback
parameters:
  entity: \${{ entity.ref }}
\`\`\`
`;
  const catalog: Entity[] = [
    { apiVersion: 'backstage.io/v1alpha1', kind: 'Group', metadata: { name: 'oncall-team', namespace: 'default' }, spec: {} },
    { apiVersion: 'scaffolder.backstage.io/v1beta3', kind: 'Template', metadata: { name: 'rollback', namespace: 'default' }, spec: {} },
  ];

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'runbooks-'));
    await fs.mkdir(path.join(dir, 'team'));
    await fs.writeFile(path.join(dir, 'README.md'), '# not a runbook');
    await fs.writeFile(path.join(dir, 'good.md'), good('good-one'));
    await fs.writeFile(path.join(dir, 'team', 'nested.md'), good('nested-one'));
    await fs.writeFile(path.join(dir, 'bad-alert.md'), good('bad-alert').replace('[ServiceDown]', '[ServiceDwon]'));
    await fs.writeFile(path.join(dir, 'bad-template.md'), good('bad-template').replace('template: rollback', 'template: rolback'));
    await fs.writeFile(path.join(dir, 'no-front.md'), '## Just a step\n');
    served['/team-runbooks/remote.md'] = good('remote-one');
    served['/team-runbooks/broken.md'] = good('remote-broken').replace('severity: P2', 'severity: high');
    server = http.createServer((req, res) => {
      const body = served[req.url ?? ''];
      res.writeHead(body ? 200 : 404, { 'content-type': 'text/markdown' }).end(body ?? 'not found');
    });
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise(r => server.close(r));
    await fs.rm(dir, { recursive: true, force: true });
  });

  function serviceWith(locations: any[], options: { alertRuleFiles?: string[]; refreshMs?: number; loadEntities?: () => Promise<Entity[]> } = {}) {
    const config = new ConfigReader({ backend: { reading: { allow: [{ host: new URL(baseUrl).host }] } } });
    const logger = mockServices.logger.mock();
    const service = new RunbookService({
      locations,
      alertRuleFiles: options.alertRuleFiles ?? [RULES],
      urlReader: UrlReaders.default({ config, logger }),
      loadEntities: options.loadEntities ?? (async () => catalog),
      logger,
      refreshMs: options.refreshMs,
    });
    return { service, logger };
  }

  it('loads a folder and URLs, rejects each broken runbook with its file, field and fix, and keeps the good ones', async () => {
    const { service, logger } = serviceWith([
      { type: 'dir', target: dir },
      { type: 'url', target: `${baseUrl}/team-runbooks/remote.md` },
      { type: 'url', target: `${baseUrl}/team-runbooks/broken.md` },
      { type: 'url', target: `${baseUrl}/team-runbooks/missing.md` },
    ]);
    const { runbooks, problems } = await service.get();
    expect(runbooks.map(r => [r.id, r.source])).toEqual([
      ['good-one', 'runbooks/good.md'],
      ['nested-one', 'runbooks/team/nested.md'],
      ['remote-one', `${baseUrl}/team-runbooks/remote.md`],
    ]);
    expect(problems.map(p => p.message)).toEqual([
      expect.stringMatching(new RegExp(`^${baseUrl}/team-runbooks/missing.md: location: cannot read runbook location url:${baseUrl}/team-runbooks/missing.md: .*404.*\\. fix plant.runbooks.locations or the location it points at$`)),
      'runbooks/bad-alert.md: alerts: no alert rule named "ServiceDwon". use an alert from the Prometheus rules (DatabaseConnectionHigh, HighErrorRate, KafkaConsumerLagHigh, OEELow, ServiceDown, TelemetryIngestionStalled) or add the rule',
      'runbooks/bad-template.md: steps[1] "Roll back" template.template: no Template "rolback" in the catalog. fix the name or register the template in the catalog',
      'runbooks/no-front.md: front matter: missing. start the file with a YAML block between two "---" lines (see runbooks/README.md)',
      `${baseUrl}/team-runbooks/broken.md: severity: "high" is not a severity. use one of P1, P2, P3, P4`,
    ]);
    expect(logger.warn).toHaveBeenCalledWith(`Runbook rejected: ${problems[2].message}`);
    expect(logger.warn).toHaveBeenCalledTimes(problems.length);
  });

  it('never shows or logs credentials of a URL location', async () => {
    const { service, logger } = serviceWith([{ type: 'url', target: `${baseUrl.replace('//', '//runbooks:s3cr3t-token@')}/team-runbooks/missing.md` }]);
    const { problems } = await service.get();
    expect(problems).toHaveLength(1);
    expect(problems[0].source).toBe(`${baseUrl.replace('//', '//***@')}/team-runbooks/missing.md`);
    const logged = JSON.stringify([problems, logger.warn.mock.calls, logger.info.mock.calls, logger.error.mock.calls]);
    expect(logged).toContain('location: cannot read runbook location url:');
    expect(logged).not.toContain('s3cr3t-token');
  });

  it('filters by alert and entity, and re-reads after the refresh interval without logging old problems again', async () => {
    let calls = 0;
    const { service, logger } = serviceWith([{ type: 'dir', target: dir }], {
      refreshMs: 0,
      loadEntities: async () => {
        calls++;
        return catalog;
      },
    });
    const component: Entity = { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'x' }, spec: { type: 'service' } };
    expect((await service.list({ alert: 'ServiceDown', entity: component })).map(r => r.id)).toEqual(['good-one', 'nested-one']);
    expect(await service.list({ alert: 'HighErrorRate' })).toEqual([]);
    expect(await service.list({ entity: { ...component, kind: 'Resource' } })).toEqual([]);
    await service.get();
    expect(calls).toBe(4);
    expect(logger.warn).toHaveBeenCalledTimes(3);
  });

  it('says when the alert rules cannot be read', async () => {
    const { service } = serviceWith([{ type: 'dir', target: dir }], { alertRuleFiles: [path.join(dir, 'nope.yml')] });
    const { problems, runbooks } = await service.get();
    expect(problems[0].message).toMatch(/^plant\.runbooks\.alertRuleFiles: alertRuleFiles: cannot read the alert rules: ENOENT.*nope\.yml.*\. point plant\.runbooks\.alertRuleFiles at Prometheus rule files$/);
    expect(runbooks).toEqual([]);
  });

  it('refuses an unknown location type in config with the field and the fix', () => {
    expect(() =>
      RunbookService.fromConfig(new ConfigReader({ plant: { runbooks: { locations: [{ type: 'git', target: 'x' }] } } }), {
        urlReader: noReader,
        loadEntities: async () => [],
        logger: mockServices.logger.mock(),
      }),
    ).toThrow('plant.runbooks.locations[0].type: "git" is not a location type. Use "dir" (a folder) or "url"');
  });
});
