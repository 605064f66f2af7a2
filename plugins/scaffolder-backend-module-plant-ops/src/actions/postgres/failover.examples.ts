import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';
import { withDryRunExample } from '../../lib/dryRun';

export const examples: TemplateExample[] = withDryRunExample([
  {
    description: 'Fail the MS5.0 primary over to its DR standby and repoint the writers Service',
    example: yaml.stringify({
      steps: [
        {
          id: 'failover',
          action: 'plant:postgres:failover',
          name: 'Fail over to ms5-postgres-secondary',
          input: {
            primary: 'resource:default/ms5-postgres-primary',
            standby: 'resource:default/ms5-postgres-secondary',
            maxLagSeconds: 900,
            writers: {
              cluster: 'resource:default/ms5-prod-aks',
              namespace: 'ms5',
              service: 'ms5-postgres-rw',
              selector: { app: 'ms5-postgres', instance: 'secondary' },
            },
          },
        },
      ],
    }),
  },
  {
    description: 'The primary is gone for good: promote without fencing',
    example: yaml.stringify({
      steps: [
        {
          id: 'failover',
          action: 'plant:postgres:failover',
          name: 'Emergency failover',
          input: {
            primary: 'resource:default/iip-postgresql-primary',
            standby: 'resource:default/iip-postgresql-read',
            allowUnreachablePrimary: true,
          },
        },
      ],
    }),
  },
]);
