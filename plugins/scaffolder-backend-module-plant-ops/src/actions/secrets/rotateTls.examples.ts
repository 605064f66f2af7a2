import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';
import { withDryRunExample } from '../../lib/dryRun';

export const examples: TemplateExample[] = withDryRunExample([
  {
    description: 'The IIP guide\'s kubectl create secret tls iip-tls-secret, with the pair, chain, expiry and names checked first',
    example: yaml.stringify({
      steps: [
        {
          id: 'rotate-tls',
          action: 'plant:secret:rotate-tls',
          name: 'Rotate the IIP TLS certificate',
          input: {
            cluster: 'resource:default/iip-prod-cluster',
            namespace: 'iip-infrastructure',
            secret: 'iip-tls-secret',
            certificate: '${{ parameters.certificatePem }}',
            privateKey: '${{ secrets.tlsPrivateKey }}',
            caCertificate: '${{ parameters.caPem }}',
            dnsNames: ['iip.plantops.example'],
          },
        },
      ],
    }),
  },
  {
    description: 'With cert-manager: renew the Certificate and wait for Ready with a later notAfter',
    example: yaml.stringify({
      steps: [
        {
          id: 'renew',
          action: 'plant:secret:rotate-tls',
          name: 'Renew iip-tls-secret through cert-manager',
          input: { cluster: '${{ parameters.cluster }}', namespace: 'iip-infrastructure', mode: 'cert-manager', certificateName: 'iip-tls-secret', timeoutSeconds: 300 },
        },
      ],
    }),
  },
]);
