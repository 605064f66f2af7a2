import type { Knex } from 'knex';
import type {
  ProductionLineEntityV1alpha1,
  SiteEntityV1alpha1,
} from '@plantops/backstage-plugin-plant-common';

/** A site as the registry holds it: the Site entity and its lines. */
export interface RegisteredSite {
  site: SiteEntityV1alpha1;
  lines: ProductionLineEntityV1alpha1[];
}

export interface RegistryRow extends RegisteredSite {
  name: string;
  source: 'config' | 'api';
  createdAt: Date;
  updatedAt: Date;
  decommissionedAt?: Date;
}

const TABLE = 'plant_site_registry';

type DbRow = {
  name: string;
  site: string;
  lines: string;
  source: 'config' | 'api';
  created_at: Date | string;
  updated_at: Date | string;
  decommissioned_at: Date | string | null;
};

const toDate = (v: Date | string) => (v instanceof Date ? v : new Date(v));

function fromDb(row: DbRow): RegistryRow {
  return {
    name: row.name,
    site: JSON.parse(row.site),
    lines: JSON.parse(row.lines),
    source: row.source,
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
    decommissionedAt: row.decommissioned_at
      ? toDate(row.decommissioned_at)
      : undefined,
  };
}

/** The site registry table in the catalog's database (PostgreSQL in production, SQLite in the embedded default). */
export class SiteRegistryStore {
  constructor(private readonly db: Knex) {}

  /**
   * A write the API answers for is committed durably, also where the
   * catalog's connections turn synchronous_commit off (production config).
   */
  private async durably<T>(write: (db: Knex) => PromiseLike<T>): Promise<T> {
    if (this.db.client.dialect !== 'postgresql') return write(this.db);
    return this.db.transaction(async tx => {
      await tx.raw('SET LOCAL synchronous_commit TO on');
      return write(tx);
    });
  }

  /** Sites in service (not decommissioned), by name. */
  async listActive(): Promise<RegistryRow[]> {
    const rows = await this.db<DbRow>(TABLE)
      .whereNull('decommissioned_at')
      .orderBy('name');
    return rows.map(fromDb);
  }

  async get(name: string): Promise<RegistryRow | undefined> {
    const row = await this.db<DbRow>(TABLE).where({ name }).first();
    return row ? fromDb(row) : undefined;
  }

  /**
   * Adds the site, or replaces it (bringing a decommissioned one back).
   * Returns the row as it was before, if any.
   */
  async upsert(
    entry: RegisteredSite,
    source: 'config' | 'api',
  ): Promise<RegistryRow | undefined> {
    const name = entry.site.metadata.name;
    const before = await this.get(name);
    // One statement, so two replicas registering the same site cannot collide.
    await this.durably(db =>
      db(TABLE)
        .insert({
          name,
          site: JSON.stringify(entry.site),
          lines: JSON.stringify(entry.lines),
          source,
          updated_at: this.db.fn.now(),
          decommissioned_at: null,
        })
        .onConflict('name')
        .merge(['site', 'lines', 'source', 'updated_at', 'decommissioned_at']),
    );
    return before;
  }

  /**
   * Adds seeds that the registry has never seen. A site that was
   * decommissioned, or changed through the API, stays as it is: the config
   * only seeds the registry, it does not own it.
   */
  async seed(entries: RegisteredSite[]): Promise<string[]> {
    if (!entries.length) return [];
    const rows = entries.map(e => ({
      name: e.site.metadata.name,
      site: JSON.stringify(e.site),
      lines: JSON.stringify(e.lines),
      source: 'config',
    }));
    const existing = new Set(
      (
        await this.db<DbRow>(TABLE)
          .whereIn(
            'name',
            rows.map(r => r.name),
          )
          .select('name')
      ).map(r => r.name),
    );
    const fresh = rows.filter(r => !existing.has(r.name));
    if (fresh.length) {
      await this.db(TABLE).insert(fresh).onConflict('name').ignore();
    }
    return fresh.map(r => r.name);
  }

  /** Marks the site decommissioned; returns it as it was, or undefined if it was not in service. */
  async decommission(name: string): Promise<RegistryRow | undefined> {
    const before = await this.get(name);
    if (!before || before.decommissionedAt) return undefined;
    const changed = await this.durably(db =>
      db(TABLE).where({ name }).whereNull('decommissioned_at').update({
        decommissioned_at: db.fn.now(),
        updated_at: db.fn.now(),
      }),
    );
    // Another replica got there first.
    return changed ? before : undefined;
  }
}
