import { ConfigReader } from '@backstage/config';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogEntityReadPermission, catalogLocationCreatePermission } from '@backstage/plugin-catalog-common/alpha';
import { actionExecutePermission, taskCreatePermission } from '@backstage/plugin-scaffolder-common/alpha';
import {
  plantApprovalDecidePermission,
  plantIncidentCreatePermission,
  plantIncidentReadPermission,
  plantIncidentUpdatePermission,
} from '@plantops/backstage-plugin-plant-common';
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import { PlantPermissionPolicy } from './policy';
import { readRoleConfig } from './roles';

// The roles exactly as app-config.yaml sets them for `./portal start`.
const appConfig = yaml.parse(fs.readFileSync(path.resolve(__dirname, '../../../app-config.yaml'), 'utf8'));
const policy = new PlantPermissionPolicy(readRoleConfig(new ConfigReader(appConfig)));

const user = (ref: string, groups: string[] = []) => ({
  credentials: {} as any,
  info: { userEntityRef: ref, ownershipEntityRefs: [ref, ...groups] },
});
const decide = (permission: any, u: ReturnType<typeof user>) => policy.handle({ permission }, u);

describe('PlantPermissionPolicy with app-config.yaml', () => {
  const guest = user('user:development/guest');
  const stranger = user('user:default/someone', ['group:default/elsewhere']);

  it('lets the guest sign-in browse and start tasks, as an engineer', async () => {
    expect((await decide(catalogEntityReadPermission, guest)).result).toBe(AuthorizeResult.ALLOW);
    expect((await decide(taskCreatePermission, guest)).result).toBe(AuthorizeResult.ALLOW);
    expect((await decide(plantApprovalDecidePermission, guest)).result).toBe(AuthorizeResult.DENY);
    expect((await decide(catalogLocationCreatePermission, guest)).result).toBe(AuthorizeResult.DENY);
    const actions: any = await decide(actionExecutePermission, guest);
    expect(actions.result).toBe(AuthorizeResult.CONDITIONAL);
    // Production approval requests are not among what the guest may run.
    expect(JSON.stringify(actions.conditions)).toContain('"actionId":"plant:approval:request"');
  });

  it('refuses everything to someone in no configured group (deny by default)', async () => {
    for (const p of [catalogEntityReadPermission, taskCreatePermission, actionExecutePermission]) {
      expect((await decide(p, stranger)).result).toBe(AuthorizeResult.DENY);
    }
    expect((await policy.handle({ permission: catalogEntityReadPermission })).result).toBe(AuthorizeResult.DENY);
  });

  it('lets on-call run production and decide approvals; a viewer only reads', async () => {
    const oncall = user('user:default/tomas-novak', ['group:default/platform-team', 'group:default/oncall-team']);
    expect((await decide(actionExecutePermission, oncall)).result).toBe(AuthorizeResult.ALLOW);
    expect((await decide(plantApprovalDecidePermission, oncall)).result).toBe(AuthorizeResult.ALLOW);
    const viewer = user('user:default/emily-chen', ['group:default/plantops']);
    expect((await decide(catalogEntityReadPermission, viewer)).result).toBe(AuthorizeResult.ALLOW);
    expect((await decide(taskCreatePermission, viewer)).result).toBe(AuthorizeResult.DENY);
    expect((await decide(actionExecutePermission, viewer)).result).toBe(AuthorizeResult.DENY);
  });

  it('lets engineers and on-call start and keep incidents; a viewer reads them', async () => {
    const viewer = user('user:default/emily-chen', ['group:default/plantops']);
    for (const p of [plantIncidentCreatePermission, plantIncidentUpdatePermission]) {
      expect((await decide(p, guest)).result).toBe(AuthorizeResult.ALLOW);
      expect((await decide(p, viewer)).result).toBe(AuthorizeResult.DENY);
      expect((await decide(p, stranger)).result).toBe(AuthorizeResult.DENY);
    }
    expect((await decide(plantIncidentReadPermission, viewer)).result).toBe(AuthorizeResult.ALLOW);
    expect((await decide(plantIncidentReadPermission, stranger)).result).toBe(AuthorizeResult.DENY);
  });
});
