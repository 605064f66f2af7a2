import { createBackendModule } from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { PlantEntitiesProcessor } from './PlantEntitiesProcessor';

/**
 * Adds the Plantops kinds Site and ProductionLine to the catalog. The
 * catalog's `rules` must also allow them (`allow: [Site, ProductionLine]`).
 */
export const catalogModulePlantEntities = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'plant-entities',
  register(reg) {
    reg.registerInit({
      deps: { catalog: catalogProcessingExtensionPoint },
      async init({ catalog }) {
        catalog.addProcessor(new PlantEntitiesProcessor());
      },
    });
  },
});
