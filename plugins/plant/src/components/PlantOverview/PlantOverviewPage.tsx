import { Content, Header, Page } from '@backstage/core-components';
import { PlantOverviewContent } from './PlantOverviewContent';

/** The overview with its own page chrome, for apps on the old frontend system. */
export const PlantOverviewPage = () => (
  <Page themeId="tool">
    <Header title="Plant" subtitle="Sites, lines and machines, live" />
    <Content>
      <PlantOverviewContent />
    </Content>
  </Page>
);
