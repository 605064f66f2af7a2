import type { HttpAuthService, PermissionsService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  compareStatus,
  plantAlertSilencePermission,
} from '@plantops/backstage-plugin-plant-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod/v3';
import type { AlertService } from '../alerts/AlertService';
import type { Entity } from '@backstage/catalog-model';
import { summarize } from './entities';
import type { HealthStore } from './HealthStore';
import { isHealthNotMonitored } from './probes/types';

/** A query parameter given once, many times or not at all, as a list. */
function refList(v: unknown): string[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v.map(String) : [String(v)];
}

const silenceSchema = z.object({
  alertId: z.string({ required_error: 'alertId: required, the id of an alert from GET /alerts' }).min(1, 'alertId: must not be empty'),
  minutes: z
    .number({ required_error: 'minutes: required, how long to silence, e.g. 60', invalid_type_error: 'minutes: must be a number, e.g. 60' })
    .int('minutes: must be whole minutes')
    .min(1, 'minutes: at least 1')
    .max(7 * 24 * 60, 'minutes: at most 10080 (7 days); silence again if it takes longer'),
  comment: z.string({ required_error: 'comment: required, say why (e.g. "ack: looking into it")' }).trim().min(1, 'comment: say why, e.g. "ack: looking into it"').max(500),
});

export interface HealthRouterOptions {
  store: HealthStore;
  alerts: AlertService;
  loadEntities: () => Promise<Entity[]>;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  /** History window; default 7 days. */
  historyMs?: number;
}

/** Health, alerts and the Now page's data; silencing behind plant.alert.silence. */
export function createHealthRouter(o: HealthRouterOptions): express.Router {
  const router = Router();
  router.use(express.json());
  const historyMs = o.historyMs ?? 7 * 86_400_000;

  router.get('/health-status', async (req, res) => {
    const refs = refList(req.query.entityRef);
    res.json({ items: await o.store.current(refs.length ? refs : undefined) });
  });

  router.get('/health-status/history', async (req, res) => {
    const ref = typeof req.query.entityRef === 'string' ? req.query.entityRef : '';
    if (!ref) throw new InputError('entityRef: required, e.g. component:default/scada-service');
    res.json({ windowHours: historyMs / 3_600_000, changes: await o.store.history(ref, new Date(Date.now() - historyMs)) });
  });

  router.get('/alerts', async (req, res) => {
    const refs = refList(req.query.entityRef);
    const list = await o.alerts.list();
    res.json({ ...list, alerts: refs.length ? list.alerts.filter(a => a.entityRefs.some(r => refs.includes(r))) : list.alerts });
  });

  router.get('/now', async (_req, res) => {
    const [health, list, entities] = await Promise.all([o.store.current(), o.alerts.list(), o.loadEntities()]);
    // Entities not monitored here are no problem to act on: counted, not listed.
    const notMonitored = new Set(health.filter(isHealthNotMonitored));
    const notOk = health
      .filter(h => h.status !== 'ok' && !notMonitored.has(h))
      .sort((a, b) => compareStatus(a.status, b.status) || Date.parse(a.since) - Date.parse(b.since));
    const wanted = new Set([...notOk.map(h => h.entityRef), ...list.alerts.flatMap(a => a.entityRefs)]);
    const summaries = Object.fromEntries(
      entities.map(e => [stringifyEntityRef(e), e] as const).filter(([r]) => wanted.has(r)).map(([r, e]) => [r, summarize(e)]),
    );
    res.json({ health: notOk, notMonitored: notMonitored.size, alerts: list.alerts, sources: list.sources, entities: summaries });
  });

  const authorize = async (req: express.Request) => {
    const credentials = await o.httpAuth.credentials(req, { allow: ['user'] });
    const [decision] = await o.permissions.authorize([{ permission: plantAlertSilencePermission }], { credentials });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`silencing alerts needs the ${plantAlertSilencePermission.name} permission`);
    }
    return credentials.principal.userEntityRef;
  };

  router.post('/alerts/silences', async (req, res) => {
    const user = await authorize(req);
    const r = silenceSchema.safeParse(req.body ?? {});
    if (!r.success) throw new InputError(r.error.issues.map(i => i.message).join('; '));
    const out = await o.alerts.silence({ ...r.data, createdBy: user });
    res.status(201).json(out);
  });

  router.delete('/alerts/silences/:id', async (req, res) => {
    await authorize(req);
    await o.alerts.expireSilence(req.params.id);
    res.status(204).end();
  });

  return router;
}
