// The Plantops portal backend: Backstage's standard plugins plus the Plantops
// plugins (added as they land under plugins/).
import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));
backend.add(import('@backstage/plugin-proxy-backend'));
backend.add(import('@backstage/plugin-events-backend'));

backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));

backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
// Logs catalog processing errors with the entity they concern.
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));

backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(import('@backstage/plugin-scaffolder-backend-module-github'));
backend.add(
  import('@backstage/plugin-scaffolder-backend-module-notifications'),
);
// Plantops operations: the plant:* actions (deploy, back up, rotate, fail over, maintain, approve).
backend.add(
  import('@plantops/backstage-plugin-scaffolder-backend-module-plant-ops'),
);

backend.add(import('@backstage/plugin-techdocs-backend'));

backend.add(import('@backstage/plugin-permission-backend'));
// Deny by default; roles from catalog groups (plant.permissions in app-config.yaml).
backend.add(
  import('@plantops/backstage-plugin-permission-backend-module-plant-policy'),
);

// Search: PostgreSQL engine in production, in-memory Lunr on SQLite.
backend.add(import('@backstage/plugin-search-backend'));
backend.add(import('@backstage/plugin-search-backend-module-pg'));
backend.add(import('@backstage/plugin-search-backend-module-catalog'));
backend.add(import('@backstage/plugin-search-backend-module-techdocs'));
// On-call runbooks in search, found by alert name and symptom words.
backend.add(import('@plantops/backstage-plugin-search-backend-module-plant'));

backend.add(import('@backstage/plugin-kubernetes-backend'));
backend.add(import('@backstage/plugin-user-settings-backend'));
backend.add(import('@backstage/plugin-notifications-backend'));
backend.add(import('@backstage/plugin-signals-backend'));
backend.add(import('@backstage/plugin-mcp-actions-backend'));

// Plantops: Site and ProductionLine kinds; telemetry, OEE and Andon.
backend.add(import('@plantops/backstage-plugin-catalog-backend-module-plant'));
backend.add(import('@plantops/backstage-plugin-plant-backend'));

backend.start();
