import type { Config } from '@backstage/config';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { toRegisteredSite } from './registration';
import type { RegisteredSite } from './SiteRegistryStore';

/**
 * The seeds under plant.siteRegistry.sites. An invalid seed is logged with the
 * field and the fix and left out; the valid ones still seed the registry.
 */
export async function readSeeds(
  config: Config | undefined,
  logger: LoggerService,
): Promise<RegisteredSite[]> {
  const raw = (config?.getOptional<unknown[]>('sites') ?? []) as unknown[];
  const seeds: RegisteredSite[] = [];
  for (const [i, entry] of raw.entries()) {
    try {
      seeds.push(await toRegisteredSite(entry, `plant.siteRegistry.sites[${i}]`));
    } catch (error) {
      logger.error(`Site registry seed skipped: ${(error as Error).message}`);
    }
  }
  return seeds;
}
