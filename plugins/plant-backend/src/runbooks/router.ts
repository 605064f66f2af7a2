import express from 'express';
import Router from 'express-promise-router';
import { InputError, NotFoundError } from '@backstage/errors';
import { parseEntityRef, type Entity } from '@backstage/catalog-model';
import type { RunbookService } from './RunbookService';
import type { RecentDeployments } from './deployments';

export interface RunbooksRouterOptions {
  runbooks: RunbookService;
  /** The entity of a ref as the caller may see it, or undefined. */
  getEntity: (ref: string, req: express.Request) => Promise<Entity | undefined>;
  /** Recent deployments for the runbook page's live context. */
  deployments?: RecentDeployments;
}

/**
 * `GET /runbooks` (`?alert=<name>`, `?entity=<ref>`; with the load problems),
 * `GET /runbooks/:id`, `GET /deployments?entity=<ref>` (recent deployments).
 */
export function createRunbooksRouter({ runbooks, getEntity, deployments }: RunbooksRouterOptions): express.Router {
  const router = Router();

  const entityOf = async (ref: unknown, req: express.Request): Promise<Entity> => {
    if (typeof ref !== 'string') throw new InputError('entity: must be one entity ref, e.g. ?entity=component:default/scada-service');
    try {
      parseEntityRef(ref);
    } catch (e) {
      throw new InputError(`entity: "${ref}" is not an entity ref (${(e as Error).message}); use e.g. component:default/scada-service`);
    }
    const entity = await getEntity(ref, req);
    if (!entity) throw new NotFoundError(`entity: no entity ${ref} in the catalog`);
    return entity;
  };

  router.get('/runbooks', async (req, res) => {
    const { alert, entity: ref } = req.query;
    if (alert !== undefined && (typeof alert !== 'string' || !alert)) {
      throw new InputError('alert: must be one alert name, e.g. ?alert=ServiceDown');
    }
    const entity = ref === undefined ? undefined : await entityOf(ref, req);
    const { problems } = await runbooks.get();
    res.json({ items: await runbooks.list({ alert: alert as string | undefined, entity }), problems });
  });

  router.get('/deployments', async (req, res) => {
    if (req.query.entity === undefined) throw new InputError('entity: required, e.g. ?entity=component:default/scada-service');
    const entity = await entityOf(req.query.entity, req);
    res.json(deployments ? await deployments.of(entity) : { items: [], sources: [] });
  });

  router.get('/runbooks/:id', async (req, res) => {
    const { runbooks: all } = await runbooks.get();
    const found = all.find(r => r.id === req.params.id);
    if (!found) throw new NotFoundError(`no runbook with id "${req.params.id}" (a runbook that failed its checks is listed under problems of GET /runbooks)`);
    res.json(found);
  });

  return router;
}
