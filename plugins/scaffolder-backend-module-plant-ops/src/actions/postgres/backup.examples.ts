import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';
import { withDryRunExample } from '../../lib/dryRun';

export const examples: TemplateExample[] = withDryRunExample([
  {
    description: 'Back up the MS5.0 primary database with the configured retention',
    example: yaml.stringify({
      steps: [
        {
          id: 'backup',
          action: 'plant:postgres:backup',
          name: 'Back up ms5-postgres-primary',
          input: { database: 'resource:default/ms5-postgres-primary' },
        },
      ],
    }),
  },
  {
    description: 'Back up and keep only the last 14 backups, none older than 30 days',
    example: yaml.stringify({
      steps: [
        {
          id: 'backup',
          action: 'plant:postgres:backup',
          name: 'Back up iip-postgresql-primary',
          input: { database: '${{ parameters.database }}', keep: 14, maxAgeDays: 30 },
        },
      ],
    }),
  },
]);
