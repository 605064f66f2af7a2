import {
  ApiBlueprint,
  PageBlueprint,
  createFrontendPlugin,
} from '@backstage/frontend-plugin-api';
import { Content } from '@backstage/core-components';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { runbooksApiFactory } from './api/runbooksApiFactory';
import { runbooksRouteRef } from './components/RunbooksPage/routes';
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

/** `api:plant/runbooks`: runbooks and incidents of the plant backend. */
export const plantRunbooksApi = ApiBlueprint.make({
  name: 'runbooks',
  params: defineParams => defineParams(runbooksApiFactory),
});

/** `page:plant/runbooks`: runbooks at /runbooks/:id, incidents at /runbooks/incidents/:id. */
export const plantRunbooksPage = PageBlueprint.make({
  name: 'runbooks',
  params: {
    path: '/runbooks',
    title: 'Runbooks',
    routeRef: runbooksRouteRef,
    loader: () =>
      import('./components/RunbooksPage').then(m => <m.RunbooksContent />),
  },
});

/** `entity-content:plant/runbooks`: the Runbooks tab, with the runbooks that apply to the entity. */
export const plantRunbooksEntityContent = EntityContentBlueprint.make({
  name: 'runbooks',
  params: {
    path: 'runbooks',
    title: 'Runbooks',
    filter: entity =>
      !['group', 'user', 'template', 'location', 'domain'].includes(
        entity.kind.toLocaleLowerCase('en-US'),
      ),
    loader: () =>
      import('./components/RunbooksTab').then(m => <m.EntityRunbooksContent />),
  },
});

export const plantPlugin = createFrontendPlugin({
  pluginId: 'plant',
  title: 'Plant',
  icon: <PlantIcon />,
  info: { packageJson: () => import('../package.json') },
  extensions: [
    plantApi,
    plantOverviewPage,
    plantSitesPage,
    plantOeeEntityCard,
    plantRunbooksApi,
    plantRunbooksPage,
    plantRunbooksEntityContent,
  ],
  routes: {
    root: rootRouteRef,
    sites: sitesRouteRef,
    runbooks: runbooksRouteRef,
  },
});
