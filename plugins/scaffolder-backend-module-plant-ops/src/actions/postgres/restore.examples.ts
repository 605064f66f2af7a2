import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';
import { withDryRunExample } from '../../lib/dryRun';

export const examples: TemplateExample[] = withDryRunExample([
  {
    description: 'Restore a backup into a new database next to the live one',
    example: yaml.stringify({
      steps: [
        {
          id: 'restore',
          action: 'plant:postgres:restore',
          name: 'Restore into ms5_restored',
          input: {
            backupId: '${{ steps.backup.output.backupId }}',
            target: 'resource:default/ms5-postgres-primary',
            targetDatabase: 'ms5_restored',
          },
        },
      ],
    }),
  },
  {
    description: 'Replace a non-empty database: the name must be typed again; the old one is kept renamed',
    example: yaml.stringify({
      steps: [
        {
          id: 'restore',
          action: 'plant:postgres:restore',
          name: 'Replace ms5_staging',
          input: {
            backupId: '${{ parameters.backupId }}',
            target: 'resource:default/ms5-postgres-secondary',
            targetDatabase: 'ms5_staging',
            replaceExisting: true,
            confirmTargetName: '${{ parameters.confirmTargetName }}',
          },
        },
      ],
    }),
  },
]);
