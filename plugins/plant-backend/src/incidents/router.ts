import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod/v3';
import { InputError, NotAllowedError } from '@backstage/errors';
import { parseEntityRef } from '@backstage/catalog-model';
import type { HttpAuthService, PermissionsService } from '@backstage/backend-plugin-api';
import { AuthorizeResult, type BasicPermission } from '@backstage/plugin-permission-common';
import {
  RUNBOOK_SEVERITIES,
  incidentToMarkdown,
  plantIncidentCreatePermission,
  plantIncidentReadPermission,
  plantIncidentUpdatePermission,
} from '@plantops/backstage-plugin-plant-common';
import type { IncidentStore } from './IncidentStore';

const entityRef = (field: string, kind?: string) =>
  z.string({ required_error: `${field}: required` }).refine(
    v => {
      try {
        const r = parseEntityRef(v);
        return !kind || r.kind.toLocaleLowerCase('en-US') === kind;
      } catch {
        return false;
      }
    },
    { message: `${field}: must be ${kind ? `a ${kind} entity ref such as user:default/maria-keller` : 'an entity ref such as component:default/scada-service'}` },
  );

const startSchema = z.object({
  title: z.string({ required_error: 'title: required, e.g. "ServiceDown on scada-service"' }).trim().min(1, 'title: must not be empty'),
  severity: z.enum(RUNBOOK_SEVERITIES, { errorMap: () => ({ message: `severity: must be one of ${RUNBOOK_SEVERITIES.join(', ')}` }) }),
  commander: entityRef('commander', 'user').optional(),
  entities: z.array(entityRef('entities[]'), { invalid_type_error: 'entities: must be a list of entity refs' }).default([]),
  runbookId: z.string().min(1).optional(),
  alert: z.string().min(1).optional(),
});

const eventSchema = z.object({
  type: z.enum(['step', 'template-task', 'acknowledgement', 'note'], {
    errorMap: () => ({ message: 'type: must be one of step, template-task, acknowledgement, note' }),
  }),
  text: z.string({ required_error: 'text: required, say what was done' }).trim().min(1, 'text: must not be empty'),
  runbookId: z.string().min(1).optional(),
  step: z.number({ invalid_type_error: 'step: must be the step number' }).int().positive().optional(),
  template: z.string().min(1).optional(),
  taskUrl: z.string().url('taskUrl: must be a URL, e.g. the scaffolder task link').optional(),
  outcome: z.string().min(1).optional(),
  /** A template launch's prefilled form values: how its task is found. */
  parameters: z.record(z.unknown(), { invalid_type_error: 'parameters: must be the form values object' }).optional(),
});

const closeSchema = z.object({
  resolution: z.string({ required_error: 'resolution: required, say how it was resolved' }).trim().min(1, 'resolution: must not be empty'),
});

function parse<T>(schema: z.ZodType<T, any, any>, input: unknown): T {
  const r = schema.safeParse(input ?? {});
  if (!r.success) throw new InputError(r.error.issues.map(i => (i.message.includes(':') ? i.message : `${i.path.join('.')}: ${i.message}`)).join('; '));
  return r.data;
}

export interface IncidentsRouterOptions {
  store: IncidentStore;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
}

const WHAT: Record<string, string> = {
  'plant.incident.read': 'see incidents',
  'plant.incident.create': 'start incidents',
  'plant.incident.update': 'record on or close incidents',
};

/**
 * `/incidents`: start, list, get, record events, close, export the timeline
 * as Markdown. Reading needs plant.incident.read, starting
 * plant.incident.create, recording and closing plant.incident.update.
 */
export function createIncidentsRouter({ store, httpAuth, permissions }: IncidentsRouterOptions): express.Router {
  const router = Router();
  router.use(express.json());

  const authorize = async (req: express.Request, permission: BasicPermission) => {
    const credentials = await httpAuth.credentials(req);
    const [decision] = await permissions.authorize([{ permission }], { credentials });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`you may not ${WHAT[permission.name]} (permission ${permission.name})`);
    }
  };
  const actorOf = async (req: express.Request, permission: BasicPermission) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    await authorize(req, permission);
    return credentials.principal.userEntityRef;
  };
  const canRead = (req: express.Request) => authorize(req, plantIncidentReadPermission);

  router.post('/incidents', async (req, res) => {
    const input = parse(startSchema, req.body);
    const actor = await actorOf(req, plantIncidentCreatePermission);
    res.status(201).json(await store.open({ ...input, commander: input.commander ?? actor }, actor));
  });

  router.get('/incidents', async (req, res) => {
    const status = req.query.status;
    if (status !== undefined && status !== 'open' && status !== 'closed') throw new InputError('status: must be open or closed');
    await canRead(req);
    res.json({ items: await store.list({ status: status as 'open' | 'closed' | undefined }) });
  });

  router.get('/incidents/:id', async (req, res) => {
    await canRead(req);
    res.json(await store.get(req.params.id));
  });

  router.get('/incidents/:id/export.md', async (req, res) => {
    await canRead(req);
    const incident = await store.get(req.params.id);
    res.type('text/markdown').setHeader('content-disposition', `attachment; filename="incident-${incident.id}.md"`);
    res.send(incidentToMarkdown(incident));
  });

  router.post('/incidents/:id/events', async (req, res) => {
    const event = parse(eventSchema, req.body);
    res.status(201).json(await store.record(req.params.id, event, await actorOf(req, plantIncidentUpdatePermission)));
  });

  router.post('/incidents/:id/close', async (req, res) => {
    const { resolution } = parse(closeSchema, req.body);
    res.json(await store.close(req.params.id, resolution, await actorOf(req, plantIncidentUpdatePermission)));
  });

  return router;
}
