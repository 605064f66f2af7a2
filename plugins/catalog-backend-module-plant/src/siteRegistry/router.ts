import express from 'express';
import Router from 'express-promise-router';
import type {
  AuditorService,
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  catalogEntityCreatePermission,
  catalogLocationDeletePermission,
} from '@backstage/plugin-catalog-common/alpha';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { registryEntities, type SiteRegistryProvider } from './SiteRegistryProvider';
import type { SiteRegistryStore } from './SiteRegistryStore';
import { toRegisteredSite } from './registration';

/** Where the registry's routes live under the catalog (/api/catalog/...). */
export const SITE_REGISTRY_PATH = '/plant/site-registry';

const refs = (entry: Parameters<typeof registryEntities>[0]) =>
  registryEntities(entry).map(d => stringifyEntityRef(d.entity));

/**
 * The registry's HTTP API, mounted on the catalog's router. Only paths under
 * SITE_REGISTRY_PATH are handled, so the catalog's own routes are untouched.
 *
 * - `GET    /plant/site-registry/sites`         sites in service
 * - `POST   /plant/site-registry/sites`         register (or replace) a site; `?dryRun=true` only validates
 * - `DELETE /plant/site-registry/sites/:name`   decommission a site
 */
export function createSiteRegistryRouter(options: {
  store: SiteRegistryStore;
  provider: SiteRegistryProvider;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  logger: LoggerService;
}): express.Router {
  const { store, provider, httpAuth, permissions, auditor, logger } = options;
  const router = Router();
  router.use(SITE_REGISTRY_PATH, express.json({ limit: '1mb' }));

  const authorize = async (
    req: express.Request,
    permission:
      | typeof catalogEntityCreatePermission
      | typeof catalogLocationDeletePermission,
  ) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const [decision] = await permissions.authorize([{ permission }], {
      credentials,
    });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`${permission.name} is not allowed`);
    }
  };

  router.get(`${SITE_REGISTRY_PATH}/sites`, async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const rows = await store.listActive();
    res.json({
      items: rows.map(r => ({
        name: r.name,
        source: r.source,
        createdAt: r.createdAt.toISOString(),
        updatedAt: r.updatedAt.toISOString(),
        entityRefs: refs(r),
      })),
    });
  });

  router.post(`${SITE_REGISTRY_PATH}/sites`, async (req, res) => {
    const dryRun = req.query.dryRun === 'true';
    await authorize(req, catalogEntityCreatePermission);
    const entry = await toRegisteredSite(req.body, 'body');
    const name = entry.site.metadata.name;
    const existing = await store.get(name);
    const created = !existing || Boolean(existing.decommissionedAt);
    const entityRefs = refs(entry);
    const previous = existing && !existing.decommissionedAt ? refs(existing) : [];
    const removedEntityRefs = previous.filter(r => !entityRefs.includes(r));
    if (dryRun) {
      res.json({ name, created, dryRun, entityRefs, removedEntityRefs });
      return;
    }
    const audit = await auditor.createEvent({
      eventId: 'site-registry-register',
      severityLevel: 'medium',
      request: req,
      meta: { site: name, created, entityRefs, removedEntityRefs },
    });
    try {
      const before = await store.upsert(entry, 'api');
      await provider.siteChanged(
        entry,
        before && !before.decommissionedAt ? before : undefined,
      );
      await audit.success();
    } catch (error) {
      await audit.fail({ error: error as Error });
      throw error;
    }
    logger.info(`Site registry: ${created ? 'registered' : 'updated'} ${name}`);
    res
      .status(created ? 201 : 200)
      .json({ name, created, dryRun, entityRefs, removedEntityRefs });
  });

  router.delete(`${SITE_REGISTRY_PATH}/sites/:name`, async (req, res) => {
    await authorize(req, catalogLocationDeletePermission);
    const name = req.params.name;
    const audit = await auditor.createEvent({
      eventId: 'site-registry-decommission',
      severityLevel: 'medium',
      request: req,
      meta: { site: name },
    });
    try {
      const before = await store.decommission(name);
      if (!before) {
        throw new NotFoundError(
          `No site named "${name}" is in service in the site registry; GET ${SITE_REGISTRY_PATH}/sites lists them`,
        );
      }
      const { removed } = await provider.siteRemoved(before);
      await audit.success();
      logger.info(`Site registry: decommissioned ${name}`);
      res.json({
        name,
        removedEntityRefs: removed.map(d => stringifyEntityRef(d.entity)),
      });
    } catch (error) {
      await audit.fail({ error: error as Error });
      throw error;
    }
  });

  return router;
}
