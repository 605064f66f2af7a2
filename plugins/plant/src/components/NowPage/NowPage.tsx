import { Content, Header, Page } from '@backstage/core-components';
import { NowContent } from './NowContent';

/** The Now page with its own header, for apps on the old frontend system. */
export const NowPage = () => (
  <Page themeId="tool">
    <Header title="Now" subtitle="Everything not ok and everything firing" />
    <Content>
      <NowContent />
    </Content>
  </Page>
);
