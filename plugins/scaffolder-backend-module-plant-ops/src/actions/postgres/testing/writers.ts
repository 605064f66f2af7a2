import { Client } from 'pg';
import type { TestCluster } from './cluster';

/**
 * Application writers during a failover: insert a numbered row every few ms
 * into whichever server takes writes, switching over when one refuses, as a
 * libpq client with target_session_attrs=read-write would. `acked` holds the
 * ids a server confirmed.
 */
export class Writers {
  readonly acked: Array<{ id: number; at: number; server: string }> = [];
  failures = 0;
  private stopped = false;
  private loop?: Promise<void>;
  private next: number;

  constructor(private readonly servers: TestCluster[], firstId = 1, private readonly table = 'ticks') {
    this.next = firstId;
  }

  start() {
    this.loop = this.run();
    return this;
  }

  private async run() {
    let current = 0;
    let client: Client | undefined;
    while (!this.stopped) {
      const server = this.servers[current];
      try {
        if (!client) {
          client = new Client({ ...server.conn(), connectionTimeoutMillis: 2000 });
          client.on('error', () => {});
          await client.connect();
        }
        const id = this.next;
        await client.query(`INSERT INTO ${this.table} (id, at) VALUES ($1, now())`, [id]);
        this.next++;
        this.acked.push({ id, at: Date.now(), server: server.name });
      } catch {
        this.failures++;
        await client?.end().catch(() => {});
        client = undefined;
        current = (current + 1) % this.servers.length;
      }
      await new Promise(r => setTimeout(r, 5));
    }
    await client?.end().catch(() => {});
  }

  async stop() {
    this.stopped = true;
    await this.loop;
  }
}
