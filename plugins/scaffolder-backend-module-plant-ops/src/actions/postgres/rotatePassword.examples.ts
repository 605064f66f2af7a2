import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';
import { withDryRunExample } from '../../lib/dryRun';

export const examples: TemplateExample[] = withDryRunExample([
  {
    description: 'Rotate the MS5.0 application role and deliver it to its Secret, restarting the API',
    example: yaml.stringify({
      steps: [
        {
          id: 'rotate',
          action: 'plant:postgres:rotate-password',
          name: 'Rotate ms5_app',
          input: {
            database: 'resource:default/ms5-postgres-primary',
            role: 'ms5_app',
            secret: { cluster: 'resource:default/ms5-prod-aks', namespace: 'ms5', name: 'ms5-db-credentials', key: 'password', restart: ['ms5-api'] },
          },
        },
      ],
    }),
  },
  {
    description: 'Lock out a leaked password: rotate without storing the new one',
    example: yaml.stringify({
      steps: [
        {
          id: 'lockout',
          action: 'plant:postgres:rotate-password',
          name: 'Lock out report_reader',
          input: { database: 'resource:default/iip-postgresql-primary', role: 'report_reader', discardPassword: true },
        },
      ],
    }),
  },
]);
