import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';
import { withDryRunExample } from '../../lib/dryRun';

export const examples: TemplateExample[] = withDryRunExample([
  {
    description: 'The IIP guide\'s JWT secret rotation (openssl rand -base64 32 into iip-jwt-secret), consumers found and verified',
    example: yaml.stringify({
      steps: [
        {
          id: 'rotate-jwt',
          action: 'plant:secret:rotate-random',
          name: 'Rotate the JWT secret',
          input: { cluster: 'resource:default/iip-prod-cluster', namespace: 'iip-applications', secret: 'iip-jwt-secret', key: 'secret' },
        },
      ],
    }),
  },
  {
    description: 'A 64-byte hex API key, restarting only the named Deployments',
    example: yaml.stringify({
      steps: [
        {
          id: 'rotate-key',
          action: 'plant:secret:rotate-random',
          name: 'Rotate the gateway API key',
          input: { cluster: '${{ parameters.cluster }}', namespace: 'ms5', secret: 'ms5-secrets', key: 'api-key', bytes: 64, encoding: 'hex', consumers: ['ms5-gateway', 'ms5-backend'], timeoutSeconds: 300 },
        },
      ],
    }),
  },
]);
