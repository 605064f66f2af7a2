import { Content, Header, Page } from '@backstage/core-components';
import { SitesContent } from './SitesContent';

/** The Sites table with its own page chrome, for apps on the old frontend system. */
export const SitesPage = () => (
  <Page themeId="tool">
    <Header
      title="Sites"
      subtitle="Every plant and edge site: its lines, cluster and live telemetry"
    />
    <Content>
      <SitesContent />
    </Content>
  </Page>
);
