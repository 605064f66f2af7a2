import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';
import { withDryRunExample } from '../../lib/dryRun';

export const examples: TemplateExample[] = withDryRunExample([
  {
    description: 'Rebuild the old MS5.0 primary as a standby of the promoted secondary',
    example: yaml.stringify({
      steps: [
        {
          id: 'failback',
          action: 'plant:postgres:failback',
          name: 'Rebuild ms5-postgres-primary',
          input: { oldPrimary: 'resource:default/ms5-postgres-primary', newPrimary: 'resource:default/ms5-postgres-secondary' },
        },
      ],
    }),
  },
  {
    description: 'Rebuild and switch back, repointing the writers Service',
    example: yaml.stringify({
      steps: [
        {
          id: 'failback',
          action: 'plant:postgres:failback',
          name: 'Fail back to ms5-postgres-primary',
          input: {
            oldPrimary: 'resource:default/ms5-postgres-primary',
            newPrimary: 'resource:default/ms5-postgres-secondary',
            switchBack: true,
            writers: { cluster: 'resource:default/ms5-prod-aks', namespace: 'ms5', service: 'ms5-postgres-rw', selector: { app: 'ms5-postgres', instance: 'primary' } },
          },
        },
      ],
    }),
  },
]);
