import {
  ApiBlueprint,
  PageBlueprint,
  createFrontendPlugin,
} from '@backstage/frontend-plugin-api';
import { Content } from '@backstage/core-components';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { plantApiFactory } from './apiFactory';
import { isPlantEntity } from './lib/scope';
import { PlantIcon } from './PlantIcon';
import { rootRouteRef } from './routes';
import { SitesIcon } from './SitesIcon';
import { sitesRouteRef } from './sitesRoutes';

/** `api:plant`: the plant backend client. */
export const plantApi = ApiBlueprint.make({
  params: defineParams => defineParams(plantApiFactory),
});

/** `page:plant`: the overview at /plant, with its "Plant" nav item. */
export const plantOverviewPage = PageBlueprint.make({
  params: {
    path: '/plant',
    title: 'Plant',
    icon: <PlantIcon />,
    routeRef: rootRouteRef,
    loader: () =>
      import('./components/PlantOverview').then(m => (
        <Content>
          <m.PlantOverviewContent />
        </Content>
      )),
  },
});

/**
 * `page:plant/sites`: every Site in the catalog at /plant/sites, with its
 * own "Sites" nav item (a page needs its own routeRef for one).
 */
export const plantSitesPage = PageBlueprint.make({
  name: 'sites',
  params: {
    path: '/plant/sites',
    title: 'Sites',
    icon: <SitesIcon />,
    routeRef: sitesRouteRef,
    loader: () =>
      import('./components/SitesPage').then(m => (
        <Content>
          <m.SitesContent />
        </Content>
      )),
  },
});

/** `entity-card:plant/oee`: OEE on Site and ProductionLine pages. */
export const plantOeeEntityCard = EntityCardBlueprint.make({
  name: 'oee',
  params: {
    filter: isPlantEntity,
    loader: () => import('./components/OeeCard').then(m => <m.OeeCard />),
  },
});

export const plantPlugin = createFrontendPlugin({
  pluginId: 'plant',
  title: 'Plant',
  icon: <PlantIcon />,
  info: { packageJson: () => import('../package.json') },
  extensions: [plantApi, plantOverviewPage, plantSitesPage, plantOeeEntityCard],
  routes: {
    root: rootRouteRef,
    sites: sitesRouteRef,
  },
});
