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
import { healthApiFactory } from './api/healthApiFactory';
import { nowRouteRef } from './components/NowPage/routes';
import { approvalsApiFactory } from './api/approvalsApiFactory';
import { approvalsRouteRef } from './components/ApprovalsPage/routes';
import { ApprovalsIcon } from './components/ApprovalsPage/ApprovalsIcon';
import { NowIcon } from './components/NowPage/NowIcon';
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

/** `api:plant/health`: live health and alerts of the plant backend. */
export const plantHealthApi = ApiBlueprint.make({
  name: 'health',
  params: defineParams => defineParams(healthApiFactory),
});

/** `page:plant/now`: everything not ok and everything firing, with its own "Now" nav item. */
export const plantNowPage = PageBlueprint.make({
  name: 'now',
  params: {
    path: '/plant/now',
    title: 'Now',
    icon: <NowIcon />,
    routeRef: nowRouteRef,
    loader: () =>
      import('./components/NowPage').then(m => (
        <Content>
          <m.NowContent />
        </Content>
      )),
  },
});

/** `entity-card:plant/health`: live health on every entity page that can have one. */
export const plantHealthEntityCard = EntityCardBlueprint.make({
  name: 'health',
  params: {
    filter: entity =>
      ['component', 'resource', 'system', 'site', 'productionline', 'api'].includes(
        entity.kind.toLocaleLowerCase('en-US'),
      ),
    loader: () => import('./components/HealthCard').then(m => <m.HealthCard />),
  },
});

/** `entity-card:plant/alerts`: what fires on the entity, with silence and runbook. */
export const plantAlertsEntityCard = EntityCardBlueprint.make({
  name: 'alerts',
  params: {
    filter: entity =>
      ['component', 'resource', 'system', 'site', 'productionline', 'api'].includes(
        entity.kind.toLocaleLowerCase('en-US'),
      ),
    loader: () => import('./components/AlertsCard').then(m => <m.AlertsCard />),
  },
});

/** `api:plant/approvals`: four-eyes approval requests of the plant backend. */
export const plantApprovalsApi = ApiBlueprint.make({
  name: 'approvals',
  params: defineParams => defineParams(approvalsApiFactory),
});

/** `page:plant/approvals`: requests waiting for a second person, at /plant/approvals(/:id). */
export const plantApprovalsPage = PageBlueprint.make({
  name: 'approvals',
  params: {
    path: '/plant/approvals',
    title: 'Approvals',
    icon: <ApprovalsIcon />,
    routeRef: approvalsRouteRef,
    loader: () => import('./components/ApprovalsPage').then(m => <m.ApprovalsRoutes />),
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
    plantHealthApi,
    plantNowPage,
    plantHealthEntityCard,
    plantAlertsEntityCard,
    plantApprovalsApi,
    plantApprovalsPage,
  ],
  routes: {
    root: rootRouteRef,
    sites: sitesRouteRef,
    runbooks: runbooksRouteRef,
    now: nowRouteRef,
    approvals: approvalsRouteRef,
  },
});
