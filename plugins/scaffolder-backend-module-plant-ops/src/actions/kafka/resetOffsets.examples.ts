import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';
import { withDryRunExample } from '../../lib/dryRun';

export const examples: TemplateExample[] = withDryRunExample([
  {
    description: 'Replay ms5.telemetry from 06:00 for the MS5.0 consumers (stopped first)',
    example: yaml.stringify({
      steps: [
        {
          id: 'reset',
          action: 'plant:kafka:reset-offsets',
          name: 'Reset ms5-consumer-group',
          input: {
            broker: 'resource:default/ms5-kafka',
            topic: 'ms5.telemetry',
            groupId: 'ms5-consumer-group',
            to: 'timestamp',
            timestamp: '2026-01-31T06:00:00Z',
          },
        },
      ],
    }),
  },
  {
    description: 'Skip a backlog: move the group to the latest offsets',
    example: yaml.stringify({
      steps: [
        {
          id: 'reset',
          action: 'plant:kafka:reset-offsets',
          name: 'Skip to latest',
          input: { broker: 'resource:default/ms5-kafka', topic: 'ms5.telemetry', groupId: 'ms5-consumer-group', to: 'latest' },
        },
      ],
    }),
  },
]);
