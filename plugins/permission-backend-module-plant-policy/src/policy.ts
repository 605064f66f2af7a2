import {
  AuthorizeResult,
  isPermission,
  isResourcePermission,
  type PermissionCondition,
  type PermissionCriteria,
  type PolicyDecision,
} from '@backstage/plugin-permission-common';
import type { PermissionPolicy, PolicyQuery, PolicyQueryUser } from '@backstage/plugin-permission-node';
import {
  actionExecutePermission,
  taskCancelPermission,
  taskCreatePermission,
  taskReadPermission,
  templateDryRunPermission,
  templateParameterReadPermission,
  templateStepReadPermission,
} from '@backstage/plugin-scaffolder-common/alpha';
import {
  createScaffolderActionConditionalDecision,
  createScaffolderTaskConditionalDecision,
  createScaffolderTemplateConditionalDecision,
  scaffolderActionConditions as actions,
  scaffolderTaskConditions as tasks,
  scaffolderTemplateConditions as templates,
} from '@backstage/plugin-scaffolder-backend/alpha';
import {
  PLANT_TEMPLATE_TAGS,
  plantAlertSilencePermission,
  plantApprovalDecidePermission,
  plantApprovalReadPermission,
  plantIncidentCreatePermission,
  plantIncidentUpdatePermission,
} from '@plantops/backstage-plugin-plant-common';
import { Role, RoleConfig, rolesOf } from './roles';

/**
 * The four-eyes gate every production step of a template waits behind. Its
 * `environment` and `category` inputs are what the policy decides on.
 */
export const APPROVAL_ACTION = 'plant:approval:request';

type Criteria<T extends string> = PermissionCriteria<PermissionCondition<T>>;
function nonEmpty<T>(list: T[]): [T, ...T[]] {
  if (list.length === 0) throw new Error('a permission criteria list needs at least one entry');
  return list as [T, ...T[]];
}

const RUNNERS: Role[] = ['engineer', 'dba', 'security', 'oncall', 'platformLead'];
const PRODUCTION: Role[] = ['oncall', 'platformLead'];

const allow: PolicyDecision = { result: AuthorizeResult.ALLOW };
const deny: PolicyDecision = { result: AuthorizeResult.DENY };

export interface PlantPolicyOptions extends RoleConfig {
  /** `environment` input values that are not production. Default development, staging. */
  nonProductionEnvironments?: string[];
}

/**
 * Deny by default. Reads for every known role; templates for engineers
 * outside production; production for on-call and platform leads (the
 * templates hold it for a second person's approval); database operations
 * for the DBA team, rotations for the security team.
 *
 * Production is decided at the approval step: its `environment` input, and
 * its `category` (database, rotation) for the DBA and security teams. Any
 * action that gets an `environment: production` input is refused to
 * engineers too. Only platform leads may register templates (catalog
 * writes), so a template without the approval gate cannot be brought in.
 */
export class PlantPermissionPolicy implements PermissionPolicy {
  private readonly nonProduction: string[];

  constructor(private readonly options: PlantPolicyOptions) {
    this.nonProduction = options.nonProductionEnvironments ?? ['development', 'staging'];
  }

  async handle(request: PolicyQuery, user?: PolicyQueryUser): Promise<PolicyDecision> {
    if (!user) return deny;
    const roles = rolesOf(user.info, this.options);
    const has = (...rs: Role[]) => rs.some(r => roles.has(r));
    const p = request.permission;
    if (roles.size === 0) return deny;

    if (isPermission(p, actionExecutePermission)) {
      if (has(...PRODUCTION)) return allow;
      if (!has(...RUNNERS)) return deny;
      const nonProduction = { anyOf: nonEmpty(this.nonProduction.map(value => actions.hasStringProperty({ key: 'environment', value }))) };
      const approval = actions.hasActionId({ actionId: APPROVAL_ACTION });
      const category = (value: string) => ({ allOf: nonEmpty([approval, actions.hasStringProperty({ key: 'category', value })]) });
      const anyOf: Criteria<'scaffolder-action'>[] = [
        // Every production step of a template waits behind plant:approval:request
        // with the environment; an engineer's request for production is refused there.
        nonProduction,
        {
          allOf: nonEmpty<Criteria<'scaffolder-action'>>([
            { not: approval },
            { not: actions.hasStringProperty({ key: 'environment', value: 'production' }) },
          ]),
        },
      ];
      if (has('dba')) anyOf.push(category('database'));
      if (has('security')) anyOf.push(category('rotation'));
      return createScaffolderActionConditionalDecision(p, { anyOf: nonEmpty(anyOf) });
    }
    if (isPermission(p, templateStepReadPermission) || isPermission(p, templateParameterReadPermission)) {
      // Production steps (approvals among them) are shown to whoever may run production.
      if (has('dba', 'security', ...PRODUCTION)) return allow;
      if (isPermission(p, templateParameterReadPermission) || has('engineer')) {
        return createScaffolderTemplateConditionalDecision(p, {
          not: templates.hasTag({ tag: PLANT_TEMPLATE_TAGS.production }),
        });
      }
      return deny;
    }
    if (isPermission(p, taskCreatePermission) || isPermission(p, templateDryRunPermission)) {
      return has(...RUNNERS) ? allow : deny;
    }
    if (isPermission(p, taskReadPermission) || isPermission(p, taskCancelPermission)) {
      if (has(...PRODUCTION)) return allow;
      if (!has(...RUNNERS)) return deny;
      return createScaffolderTaskConditionalDecision(p, tasks.isTaskOwner({ createdBy: [user.info.userEntityRef] }));
    }
    if (isPermission(p, plantApprovalReadPermission)) return allow;
    // Anyone who runs templates may start and keep an incident; viewers read it (the read rule below).
    if (isPermission(p, plantIncidentCreatePermission) || isPermission(p, plantIncidentUpdatePermission)) {
      return has(...RUNNERS) ? allow : deny;
    }
    if (isPermission(p, plantApprovalDecidePermission) || isPermission(p, plantAlertSilencePermission)) {
      return has(...PRODUCTION) ? allow : deny;
    }
    if (p.name === 'catalog.entity.refresh') return has(...RUNNERS) ? allow : deny;
    if (p.name.startsWith('catalog.') && p.attributes.action !== 'read') {
      return has('platformLead') ? allow : deny;
    }
    if (p.attributes.action === 'read') return allow;
    if (isResourcePermission(p, 'scaffolder-template') || p.name.startsWith('scaffolder.')) {
      // scaffolder.template.management and anything new in the scaffolder.
      return has('platformLead') ? allow : deny;
    }
    return deny;
  }
}
