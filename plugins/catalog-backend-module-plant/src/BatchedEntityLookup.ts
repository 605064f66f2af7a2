import type { Entity } from '@backstage/catalog-model';

type Waiter = {
  refs: string[];
  resolve: (found: Map<string, Entity>) => void;
  reject: (error: unknown) => void;
};

/**
 * Looks entity refs up in the catalog with as few requests as the traffic
 * allows: one request is in flight at a time, and the refs asked for
 * meanwhile go together in the next one. The catalog processes several
 * entities at once, so a Site waits for at most one request ahead of its own
 * instead of each Site making its own.
 */
export class BatchedEntityLookup {
  private queue: Waiter[] = [];
  private busy = false;

  constructor(
    private readonly fetchRefs: (refs: string[]) => Promise<Array<Entity | undefined>>,
    private readonly maxRefs = 1000,
  ) {}

  /** The entities of `refs` that exist, by ref. */
  get(refs: string[]): Promise<Map<string, Entity>> {
    return new Promise((resolve, reject) => {
      this.queue.push({ refs, resolve, reject });
      if (!this.busy) void this.drain();
    });
  }

  private async drain() {
    this.busy = true;
    try {
      while (this.queue.length) {
        const batch: Waiter[] = [];
        const refs = new Set<string>();
        while (this.queue.length && (batch.length === 0 || refs.size + this.queue[0].refs.length <= this.maxRefs)) {
          const waiter = this.queue.shift()!;
          batch.push(waiter);
          waiter.refs.forEach(r => refs.add(r));
        }
        const list = [...refs];
        try {
          const items = await this.fetchRefs(list);
          const found = new Map<string, Entity>();
          list.forEach((ref, i) => {
            if (items[i]) found.set(ref, items[i]!);
          });
          batch.forEach(w => w.resolve(found));
        } catch (error) {
          batch.forEach(w => w.reject(error));
        }
      }
    } finally {
      this.busy = false;
    }
  }
}
