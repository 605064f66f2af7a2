import type { Knex } from 'knex';

/** An ArgoCD application's status as the last poll of its instance saw it. */
export interface ArgoAppStatus {
  instance: string;
  name: string;
  sync: string;
  health: string;
  revision?: string;
}

const TABLE = 'plant_argocd_apps';

export class ArgoAppStore {
  constructor(private readonly db: Knex) {}

  /**
   * Replaces the instance's apps; returns the names whose status changed
   * (added, removed or different), so only their entities are reprocessed.
   */
  async replaceInstance(instance: string, apps: ArgoAppStatus[]): Promise<string[]> {
    return this.db.transaction(async tx => {
      const before = new Map<string, string>(
        (await tx(TABLE).where({ instance })).map((r: any) => [
          r.name,
          `${r.sync_status}|${r.health_status}|${r.revision ?? ''}`,
        ]),
      );
      await tx(TABLE).where({ instance }).delete();
      for (let i = 0; i < apps.length; i += 500) {
        await tx(TABLE).insert(
          apps.slice(i, i + 500).map(a => ({
            instance,
            name: a.name,
            sync_status: a.sync,
            health_status: a.health,
            revision: a.revision ?? null,
          })),
        );
      }
      const changed = new Set<string>();
      for (const a of apps) {
        if (before.get(a.name) !== `${a.sync}|${a.health}|${a.revision ?? ''}`) changed.add(a.name);
        before.delete(a.name);
      }
      for (const gone of before.keys()) changed.add(gone);
      return [...changed];
    });
  }

  async keepOnly(instances: string[]) {
    await this.db(TABLE).whereNotIn('instance', instances).delete();
  }

  /** Apps by name, each with its instances (sorted by instance name). */
  async byName(): Promise<Map<string, ArgoAppStatus[]>> {
    const rows = await this.db(TABLE).orderBy(['name', 'instance']);
    const map = new Map<string, ArgoAppStatus[]>();
    for (const r of rows) {
      const app: ArgoAppStatus = {
        instance: r.instance,
        name: r.name,
        sync: r.sync_status,
        health: r.health_status,
        revision: r.revision ?? undefined,
      };
      const list = map.get(r.name);
      if (list) list.push(app);
      else map.set(r.name, [app]);
    }
    return map;
  }
}
