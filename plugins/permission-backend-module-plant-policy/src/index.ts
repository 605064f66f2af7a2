/**
 * The Plantops permission policy: deny by default, roles from catalog groups.
 *
 * @packageDocumentation
 */
export { permissionModulePlantPolicy as default } from './module';
export { PlantPermissionPolicy, APPROVAL_ACTION } from './policy';
export type { PlantPolicyOptions } from './policy';
export { readRoleConfig, rolesOf, ROLES } from './roles';
export type { Role, RoleConfig } from './roles';
