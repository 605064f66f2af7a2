import type {
  AuditorService,
  AuthService,
  DiscoveryService,
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';

/** What every plant-ops action factory may take (one action per file, as in the GitHub module). */
export interface PlantOpsDeps {
  config: RootConfigService;
  logger: LoggerService;
  auditor: AuditorService;
  catalog: CatalogService;
  auth: AuthService;
  discovery: DiscoveryService;
}
