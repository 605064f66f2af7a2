import type { Config } from '@backstage/config';
import type { BackstageUserInfo } from '@backstage/backend-plugin-api';

/**
 * What a person may do in the portal. A user holds every role whose entity
 * refs meet their ownership refs (their user ref and the groups they are a
 * member of); any role implies `viewer`.
 */
export const ROLES = ['viewer', 'engineer', 'oncall', 'platformLead', 'dba', 'security'] as const;
export type Role = (typeof ROLES)[number];

export interface RoleConfig {
  /** role -> entity refs (groups or users), as in `plant.permissions.roles`. */
  roles: Record<Role, string[]>;
  /** The guest sign-in's user ref and the groups it stands for. */
  guest?: { userEntityRef: string; groups: string[] };
}

const DEFAULT_GUEST_REF = 'user:development/guest';

export function readRoleConfig(config: Config): RoleConfig {
  const c = config.getOptionalConfig('plant.permissions');
  const roles = {} as Record<Role, string[]>;
  for (const role of ROLES) {
    roles[role] = (c?.getOptionalStringArray(`roles.${role}`) ?? []).map(r => r.toLocaleLowerCase('en-US'));
  }
  const guestGroups = c?.getOptionalStringArray('guest.groups');
  return {
    roles,
    guest: guestGroups
      ? {
          userEntityRef: (c?.getOptionalString('guest.userEntityRef') ?? DEFAULT_GUEST_REF).toLocaleLowerCase('en-US'),
          groups: guestGroups.map(g => g.toLocaleLowerCase('en-US')),
        }
      : undefined,
  };
}

/** The roles of a signed-in user; empty means nothing is allowed. */
export function rolesOf(info: BackstageUserInfo, config: RoleConfig): Set<Role> {
  const refs = new Set(info.ownershipEntityRefs.map(r => r.toLocaleLowerCase('en-US')));
  refs.add(info.userEntityRef.toLocaleLowerCase('en-US'));
  if (config.guest && refs.has(config.guest.userEntityRef)) {
    for (const g of config.guest.groups) refs.add(g);
  }
  const roles = new Set<Role>();
  for (const role of ROLES) {
    if (config.roles[role].some(r => refs.has(r))) roles.add(role);
  }
  if (roles.size > 0) roles.add('viewer');
  return roles;
}
