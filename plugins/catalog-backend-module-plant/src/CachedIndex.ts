/**
 * A map loaded from the database at most every `ttlMs`, so processors on
 * every replica see what any replica's scheduled run stored.
 */
export class CachedIndex<T> {
  private loaded?: Promise<Map<string, T>>;
  private loadedAt = 0;

  constructor(
    private readonly load: () => Promise<Map<string, T>>,
    private readonly ttlMs = 30_000,
  ) {}

  async get(key: string): Promise<T | undefined> {
    if (!this.loaded || Date.now() - this.loadedAt > this.ttlMs) {
      this.loadedAt = Date.now();
      const loading = this.load();
      this.loaded = loading;
      loading.catch(() => {
        if (this.loaded === loading) this.loaded = undefined;
      });
    }
    return (await this.loaded!).get(key);
  }

  invalidate() {
    this.loaded = undefined;
  }
}
