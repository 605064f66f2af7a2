import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod/v3';
import { InputError } from '@backstage/errors';
import type { Pool } from 'pg';
import type { Registry } from 'prom-client';
import { GROUP_BYS, OeeQueries, RESOLUTIONS } from './oee/OeeQueries';

const MAX_WINDOW_DAYS = 366;

const isoDate = (field: string) =>
  z
    .string({ required_error: `${field}: required, an ISO 8601 time such as 2026-11-25T06:00:00Z` })
    .refine(v => !Number.isNaN(Date.parse(v)), {
      message: `${field}: not an ISO 8601 time; use e.g. 2026-11-25T06:00:00Z`,
    })
    .transform(v => new Date(v));

const windowSchema = z
  .object({
    from: isoDate('from'),
    to: isoDate('to'),
    site: z.string().min(1).optional(),
    line: z.string().min(1).optional(),
  })
  .refine(q => q.from < q.to, { message: 'to: must be after from' })
  .refine(q => q.to.getTime() - q.from.getTime() <= MAX_WINDOW_DAYS * 86_400_000, {
    message: `to: the window may span at most ${MAX_WINDOW_DAYS} days; narrow from/to`,
  });

const oeeSchema = z.intersection(
  windowSchema,
  z.object({
    groupBy: z.enum(GROUP_BYS, {
      errorMap: () => ({ message: `groupBy: must be one of ${GROUP_BYS.join(', ')}` }),
    }).default('line'),
  }),
);
const trendSchema = z.intersection(
  windowSchema,
  z.object({
    resolution: z
      .enum(Object.keys(RESOLUTIONS) as [keyof typeof RESOLUTIONS], {
        errorMap: () => ({ message: `resolution: must be one of ${Object.keys(RESOLUTIONS).join(', ')}` }),
      })
      .default('hour'),
  }),
);
const filterSchema = z.object({
  site: z.string().min(1).optional(),
  line: z.string().min(1).optional(),
  active: z.enum(['true', 'false']).optional(),
});

function parse<T>(schema: z.ZodType<T, any, any>, input: unknown): T {
  const r = schema.safeParse(input);
  if (!r.success) {
    throw new InputError(r.error.issues.map(i => i.message).join('; '));
  }
  return r.data;
}

export interface RouterOptions {
  pool: Pool;
  queries: OeeQueries;
  metrics: Registry;
}

export async function createRouter({ pool, queries, metrics }: RouterOptions): Promise<express.Router> {
  const router = Router();

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/machines', async (req, res) => {
    const q = parse(filterSchema, req.query);
    const params: string[] = [];
    let where = 'state IS NOT NULL';
    if (q.site) where += ` AND site = $${params.push(q.site)}`;
    if (q.line) where += ` AND line = $${params.push(q.line)}`;
    const r = await pool.query(
      `SELECT site, line, machine, state, state_since, andon_active, andon_colour, andon_reason,
         ideal_cycle_s, total, good, reject, last_event_at
       FROM plant_machine WHERE ${where} ORDER BY site, line, machine`,
      params,
    );
    res.json({
      items: r.rows.map(m => ({
        site: m.site,
        line: m.line,
        machine: m.machine,
        state: m.state,
        stateSince: m.state_since?.toISOString() ?? null,
        andon: { active: m.andon_active, colour: m.andon_colour, reason: m.andon_reason },
        idealCycleTimeSeconds: m.ideal_cycle_s,
        counters: m.total === null ? null : { total: Number(m.total), good: Number(m.good), reject: Number(m.reject) },
        lastEventAt: m.last_event_at?.toISOString() ?? null,
      })),
    });
  });

  router.get('/oee', async (req, res) => {
    const q = parse(oeeSchema, req.query);
    const groups = await queries.oee(q);
    res.json({ from: q.from.toISOString(), to: q.to.toISOString(), groupBy: q.groupBy, groups });
  });

  router.get('/oee/trend', async (req, res) => {
    const q = parse(trendSchema, req.query);
    res.json({ from: q.from.toISOString(), to: q.to.toISOString(), resolution: q.resolution, points: await queries.trend(q) });
  });

  router.get('/andon', async (req, res) => {
    const q = parse(filterSchema, req.query);
    const params: string[] = [];
    let where = 'true';
    if (q.site) where += ` AND site = $${params.push(q.site)}`;
    if (q.line) where += ` AND line = $${params.push(q.line)}`;
    const sql =
      q.active === 'true'
        ? `SELECT site, line, machine, last_event_at AS at, 'raised' AS action, andon_reason AS reason, andon_colour AS colour
           FROM plant_machine WHERE andon_active AND ${where} ORDER BY site, line, machine`
        : `SELECT site, line, machine, at, action, reason, colour FROM plant_andon_event
           WHERE ${where} ORDER BY at DESC LIMIT 500`;
    const r = await pool.query(sql, params);
    res.json({ items: r.rows.map(a => ({ ...a, at: a.at?.toISOString() ?? null })) });
  });

  router.get('/metrics', async (_req, res) => {
    res.type(metrics.contentType).send(await metrics.metrics());
  });

  return router;
}
