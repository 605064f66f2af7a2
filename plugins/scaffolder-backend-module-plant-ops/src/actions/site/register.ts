import fs from 'node:fs/promises';
import path from 'node:path';
import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { InputError, ResponseError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { JsonObject } from '@backstage/types';
import {
  PLANTOPS_API_VERSION,
  type SiteEntityV1alpha1,
} from '@plantops/backstage-plugin-plant-common';
import type { PlantOpsDeps } from '../../deps';
import { fieldError } from '../../lib/errors';
import { examples } from './register.examples';
import { siteManifests, type ManifestFile } from './manifests';
import { dryRunField } from '../../lib/dryRun';
import { startOperation } from '../../lib/operation';

/** The registry's routes under the catalog (catalog-backend-module-plant). */
const REGISTRY_PATH = '/plant/site-registry/sites';

const DEFAULT_IMAGES = {
  edgeGateway: 'ms5/edge-gateway:stable',
  opcuaConnector: 'ms5/opcua-connector:stable',
};

type Plan = {
  name: string;
  created: boolean;
  entityRefs: string[];
  removedEntityRefs: string[];
};

/**
 * plant:site:register: onboards an edge site. Validates the Site and its lines
 * with the catalog's own Site/ProductionLine rules (the registry checks them
 * with the plant-common schemas), writes the site's K3s manifests into the
 * workspace, then adds the site to the site registry, which puts it in the
 * catalog at once.
 */
export function createSiteRegisterAction(deps: PlantOpsDeps) {
  const { auth, discovery, auditor, config } = deps;
  return createTemplateAction({
    id: 'plant:site:register',
    description:
      'Registers an edge site (Site and ProductionLines) in the site registry, which adds it to the catalog, and writes its K3s manifests (namespace, SQLite PVC, edge gateway, one OPC UA connector per endpoint) into the workspace.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        dryRun: dryRunField,
        name: z =>
          z
            .string()
            .describe('Site entity name: lower-case letters, digits and dashes, e.g. ms5-plant-c'),
        title: z => z.string().optional().describe('Display title, e.g. MS5.0 Plant C'),
        description: z => z.string().optional().describe('What the site is'),
        spec: z =>
          z
            .record(z.string(), z.any())
            .describe(
              'The Site spec as in catalog YAML: type, owner, region, plantCode, timezone, shiftCalendar, edgeDevice, cluster, connectors (opcua endpoints, mqtt)',
            ),
        lines: z =>
          z
            .array(
              z.object({
                name: z.string().describe('ProductionLine entity name, e.g. ms5-plant-c-filling'),
                title: z.string().optional().describe('Display title of the line'),
                spec: z
                  .record(z.string(), z.any())
                  .describe('The ProductionLine spec: owner, machines, dependsOn; spec.site is set to this site'),
              }),
            )
            .optional()
            .describe('The production lines of the site'),
        namespace: z =>
          z
            .string()
            .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/)
            .max(63)
            .optional()
            .describe('Kubernetes namespace on the site cluster for the edge workloads (default edge, as in the MS5.0 guide)'),
        manifestDir: z =>
          z
            .string()
            .optional()
            .describe('Folder in the workspace for the manifests (default k8s/<name>)'),
        images: z =>
          z
            .object({
              edgeGateway: z.string().optional().describe('Edge gateway image'),
              opcuaConnector: z.string().optional().describe('OPC UA connector image'),
            })
            .optional()
            .describe('Container images (default from plant.edge.images in app-config, then ms5/*:stable)'),
      },
      output: {
        siteRef: z => z.string().describe('Entity ref of the Site, e.g. site:default/ms5-plant-c'),
        created: z => z.boolean().describe('True for a new site, false when an existing one was replaced'),
        entityRefs: z => z.array(z.string()).describe('Entities the registry puts in the catalog'),
        removedEntityRefs: z =>
          z.array(z.string()).describe('Lines of the site that are no longer listed and leave the catalog'),
        manifestDir: z => z.string().describe('Workspace folder with the manifests'),
        manifests: z =>
          z
            .array(z.object({ path: z.string(), content: z.string() }))
            .describe('The K3s manifests (written as files, or in a dry run only returned)'),
        plan: z => z.array(z.string()).describe('What was done, or in a dry run what would be done'),
      },
    },
    async handler(ctx) {
      const { input } = ctx;
      const name = input.name;
      const siteRef = `site:default/${name}`;
      const namespace = input.namespace ?? 'edge';
      const manifestDir = input.manifestDir ?? `k8s/${name}`;
      let target: string;
      try {
        target = resolveSafeChildPath(ctx.workspacePath, manifestDir);
      } catch {
        throw fieldError('manifestDir', `"${manifestDir}" leaves the workspace`, 'Use a relative path such as k8s/ms5-plant-c');
      }
      const images = {
        ...DEFAULT_IMAGES,
        ...(config.getOptional<Record<string, string>>('plant.edge.images') ?? {}),
        ...(input.images ?? {}),
      };
      const body = {
        site: {
          metadata: {
            name,
            ...(input.title ? { title: input.title } : {}),
            ...(input.description ? { description: input.description } : {}),
          },
          spec: input.spec,
        },
        lines: (input.lines ?? []).map(l => ({
          metadata: { name: l.name, ...(l.title ? { title: l.title } : {}) },
          spec: l.spec,
        })),
      };

      // The site is new or replaced by the registry call itself: nothing to read first.
      const op = await startOperation(ctx, auditor, async credentials => ({ id: siteRef, credentials }));
      const { credentials } = op.target;
      const { dryRun } = op;
      const registry = async (query: string) => {
        const { token } = await auth.getPluginRequestToken({
          onBehalfOf: credentials,
          targetPluginId: 'catalog',
        });
        const url = `${await discovery.getBaseUrl('catalog')}${REGISTRY_PATH}${query}`;
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify(body),
        });
        if (res.status === 400) {
          const error = await res.json().catch(() => undefined);
          throw new InputError(inputFieldMessage(error?.error?.message ?? 'invalid site'));
        }
        if (!res.ok) throw await ResponseError.fromResponse(res);
        // Parsed here rather than with res.json(): the plan's arrays become step
        // outputs, and the scaffolder's templating refuses arrays whose prototype
        // is not this realm's Array.prototype ("Template arrays cannot use a
        // custom prototype"), which is what Node's built-in fetch returns under Jest.
        return JSON.parse(await res.text()) as Plan;
      };

      await op.run('plant:site:register', {}, async (): Promise<JsonObject> => {
        // Validation and the plan come from the registry without writing.
        const plan = await registry('?dryRun=true');
        const site = { apiVersion: PLANTOPS_API_VERSION, kind: 'Site', ...body.site } as SiteEntityV1alpha1;
        const manifests = siteManifests(site, { namespace, images, dir: manifestDir });
        const steps = [
          `write ${manifests.length} manifests to ${manifestDir}: ${manifests.map(m => path.basename(m.path)).join(', ')}`,
          `${plan.created ? 'add' : 'replace'} ${siteRef} in the site registry: ${plan.entityRefs.join(', ')}`,
          ...(plan.removedEntityRefs.length
            ? [`remove lines no longer listed: ${plan.removedEntityRefs.join(', ')}`]
            : []),
        ];
        const outputs = { siteRef, created: plan.created, entityRefs: plan.entityRefs, removedEntityRefs: plan.removedEntityRefs, manifestDir };
        if (dryRun) {
          for (const s of steps) ctx.logger.info(`[dry run] ${s}`);
          emit(ctx.output, { ...outputs, manifests, plan: steps });
          return { plan: steps };
        }

        await writeManifests(target, manifests, manifestDir);
        ctx.logger.info(`Wrote ${manifests.length} manifests to ${manifestDir}`);
        try {
          await ctx.checkpoint({
            key: `site-register:${name}`,
            fn: async () => (await registry('')) as unknown as JsonObject,
          });
        } catch (error) {
          throw new Error(
            `${siteRef} was not added to the site registry (${(error as Error).message}); nothing in the registry or catalog changed, the manifests are in the workspace at ${manifestDir}`,
          );
        }
        ctx.logger.info(`${plan.created ? 'Added' : 'Replaced'} ${siteRef} in the site registry`);
        emit(ctx.output, { ...outputs, manifests, plan: steps });
        return { plan: steps };
      });
    },
  });
}

function emit(output: (name: any, value: any) => void, values: Record<string, unknown>) {
  for (const [k, v] of Object.entries(values)) output(k, v);
}

async function writeManifests(root: string, files: ManifestFile[], dir: string) {
  await fs.mkdir(root, { recursive: true });
  for (const f of files) {
    await fs.writeFile(path.join(root, path.relative(dir, f.path)), f.content, 'utf8');
  }
}

/**
 * The registry names fields of its request body ("body.site: Site default/x:
 * spec.timezone must ..."); say them as this action's inputs ("spec.timezone",
 * "lines[0].spec.machines").
 */
export function inputFieldMessage(message: string): string {
  return message
    .replace(/^body\.site: Site [^:]+: /, '')
    .replace(/^body\.site\.metadata\.name/, 'name')
    .replace(/^body\.lines\[(\d+)\]: ProductionLine [^:]+: /, 'lines[$1].')
    .replace(/^body\.lines\[(\d+)\]\.metadata\.name/, 'lines[$1].name')
    .replace(/^body\./, '');
}
