import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import type { ActionContext, TemplateExample } from '@backstage/plugin-scaffolder-node';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import type { Config } from '@backstage/config';
import { ANNOTATION_ARGOCD_APP_NAME, ANNOTATION_ARGOCD_INSTANCE_NAME } from '@plantops/backstage-plugin-plant-common';
import { ArgoCdClient, ArgoCdError, type ArgoApplication, type CatalogReader } from '@plantops/backstage-plugin-plant-node';
import type { z as zod } from 'zod/v3';
import { fieldError } from '../../lib/errors';
import type { InputShape, ParsedInput } from '../../lib/input';
import { createOperationAction, type Operation } from '../../lib/operation';
import type { PlantOpsDeps } from '../../deps';


export interface ArgocdActionOptions extends Pick<PlantOpsDeps, 'auditor'> {
  config: Config;
  catalog?: CatalogReader;
  /** How often the application is read while waiting (default 2 s). */
  pollIntervalMs?: number;
}

/** The input fields both ArgoCD actions share. */
export const appInput: Record<'entityRef' | 'appName' | 'instance', (z: typeof zod) => zod.ZodOptional<zod.ZodString>> = {
  entityRef: z => z.string().optional().describe('Catalog entity whose ArgoCD application to use (its argocd/app-name annotation), e.g. component:default/ms5-gateway'),
  appName: z => z.string().optional().describe("ArgoCD application name (default: the entity's argocd/app-name)"),
  instance: z => z.string().optional().describe("ArgoCD instance from plant.argocd.instances (default: the entity's argocd/instance-name, or the only instance configured)"),
};

export interface AppTarget {
  client: ArgoCdClient;
  appName: string;
  app: ArgoApplication;
  /** `instance/app`, for audit records and checkpoint keys */
  id: string;
}

/** Resolves and reads the application an action aims at; a wrong name is a field error before anything is written. */
export async function resolveApp(
  input: { entityRef?: string; appName?: string; instance?: string },
  deps: { config: Config; catalog?: CatalogReader; credentials: BackstageCredentials },
): Promise<AppTarget> {
  let { appName, instance } = input;
  if (input.entityRef) {
    if (!deps.catalog) throw fieldError('entityRef', 'cannot be used here (no catalog)', 'Give appName instead');
    let ref: string;
    try {
      ref = stringifyEntityRef(parseEntityRef(input.entityRef, { defaultKind: 'component', defaultNamespace: 'default' }));
    } catch {
      throw fieldError('entityRef', `"${input.entityRef}" is not an entity reference`, 'Give one such as component:default/ms5-gateway');
    }
    const entity = await deps.catalog.getEntityByRef(ref, { credentials: deps.credentials });
    if (!entity) throw fieldError('entityRef', `${ref} is not in the catalog`, 'Pick an entity with the entity picker');
    const annotations = entity.metadata.annotations ?? {};
    appName = appName ?? annotations[ANNOTATION_ARGOCD_APP_NAME];
    instance = instance ?? annotations[ANNOTATION_ARGOCD_INSTANCE_NAME];
    if (!appName) throw fieldError('entityRef', `${ref} has no ${ANNOTATION_ARGOCD_APP_NAME} annotation`, 'Pick an entity deployed by ArgoCD, or give appName');
  }
  if (!appName) throw fieldError('appName', 'is missing', 'Give the ArgoCD application name, or an entityRef with the argocd/app-name annotation');
  if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(appName) || appName.length > 253) {
    throw fieldError('appName', `"${appName}" is not an ArgoCD application name`, 'Use lower-case letters, digits, "-" and "."');
  }
  const client = ArgoCdClient.fromConfig(deps.config, instance, 'instance');
  let app: ArgoApplication;
  try {
    app = await client.getApplication(appName);
  } catch (e) {
    if (e instanceof ArgoCdError && e.status === 404) {
      throw fieldError('appName', `ArgoCD ${client.name} has no application "${appName}"`, 'Check the name (argocd app list) or the entity\'s argocd/app-name annotation');
    }
    throw e;
  }
  return { client, appName, app, id: `${client.name}/${appName}` };
}

/** The newest history entry (what ArgoCD deployed last). */
export const lastDeployment = (app: ArgoApplication) => (app.status?.history ?? []).at(-1);

/**
 * A plant:argocd:* action on one application: the entity, appName and
 * instance inputs, the instance, appName and revisionBefore outputs, the
 * application resolved and read before `run` (after `check`, which sees the
 * input only).
 */
export function createAppAction<S extends InputShape>(
  options: ArgocdActionOptions,
  spec: {
    id: string;
    description: string;
    examples: TemplateExample[];
    input: S;
    output: InputShape;
    check?(input: ParsedInput<typeof appInput & S>): void;
    run(op: Operation<AppTarget>, input: ParsedInput<typeof appInput & S>, ctx: ActionContext<any, any>): Promise<void>;
  },
) {
  const { config, catalog } = options;
  return createOperationAction({
    id: spec.id,
    description: spec.description,
    examples: spec.examples,
    auditor: options.auditor,
    input: { ...appInput, ...spec.input } as typeof appInput & S,
    output: {
      instance: z => z.string().describe('ArgoCD instance used'),
      appName: z => z.string().describe('ArgoCD application'),
      revisionBefore: z => z.string().describe('Revision deployed before this step'),
      ...spec.output,
    },
    check: spec.check,
    resolve: (input, credentials) =>
      resolveApp(input, { config, catalog, credentials }),
    async run(op, input, ctx) {
      const { client, appName, app } = op.target;
      ctx.output('instance', client.name);
      ctx.output('appName', appName);
      ctx.output('revisionBefore', app.status?.sync?.revision ?? '');
      await spec.run(op, input, ctx);
    },
  });
}
