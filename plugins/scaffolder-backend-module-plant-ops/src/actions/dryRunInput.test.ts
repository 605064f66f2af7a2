import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import yaml from 'yaml';
import { capturingAuditor } from '../lib/__testUtils__/actionHarness';
import { createPlantOpsActions } from '.';

describe('every plant:* action as the module registers it', () => {
  const deps = {
    config: mockServices.rootConfig({ data: { app: { baseUrl: 'http://localhost:3000' } } }),
    logger: mockServices.logger.mock(),
    auditor: capturingAuditor(),
    catalog: catalogServiceMock(),
    auth: mockServices.auth(),
    discovery: mockServices.discovery(),
  };
  const actions = createPlantOpsActions(deps);

  it('are 24, each taking the dryRun input the templates pass, described, with an example that passes it', () => {
    expect(actions).toHaveLength(24);
    for (const a of actions) {
      expect({ id: a.id, supportsDryRun: a.supportsDryRun }).toEqual({ id: a.id, supportsDryRun: true });
      const dryRun = (a.schema?.input as any)?.properties?.dryRun;
      expect({ id: a.id, type: dryRun?.type, description: dryRun?.description }).toEqual({ id: a.id, type: 'boolean', description: expect.stringMatching(/^Plan only/) });
      expect({ id: a.id, required: ((a.schema?.input as any)?.required ?? []).includes('dryRun') }).toEqual({ id: a.id, required: false });
      const withDryRun = (a.examples ?? []).filter(e => (yaml.parse(e.example).steps as any[]).some(s => s.input?.dryRun === '${{ parameters.dryRun }}'));
      expect({ id: a.id, examples: withDryRun.length }).toEqual({ id: a.id, examples: 1 });
    }
  });
});
