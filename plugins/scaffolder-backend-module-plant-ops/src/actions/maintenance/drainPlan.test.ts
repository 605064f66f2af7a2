import type { V1Pod } from '@kubernetes/client-node';
import { planDrain } from './drainPlan';

function pod(name: string, extra: { owner?: string; phase?: string; emptyDir?: boolean; mirror?: boolean } = {}): V1Pod {
  return {
    metadata: {
      name,
      namespace: 'iip-applications',
      annotations: extra.mirror ? { 'kubernetes.io/config.mirror': 'abc' } : undefined,
      ownerReferences: extra.owner
        ? [{ apiVersion: 'apps/v1', kind: extra.owner, name: `${name}-owner`, uid: 'u', controller: true }]
        : undefined,
    },
    spec: { containers: [], volumes: extra.emptyDir ? [{ name: 'cache', emptyDir: {} }] : [] },
    status: { phase: extra.phase ?? 'Running' },
  };
}

const safe = { ignoreDaemonSets: true, deleteEmptyDirData: false, force: false };

describe('planDrain', () => {
  it('evicts controller-managed pods, skips DaemonSet and mirror pods as kubectl does', () => {
    const plan = planDrain(
      [pod('api', { owner: 'ReplicaSet' }), pod('node-exporter', { owner: 'DaemonSet' }), pod('kube-apiserver', { mirror: true }), pod('db-0', { owner: 'StatefulSet' })],
      safe,
    );
    expect(plan.evict).toEqual([
      { namespace: 'iip-applications', name: 'api' },
      { namespace: 'iip-applications', name: 'db-0' },
    ]);
    expect(plan.skip.map(s => [s.name, s.reason])).toEqual([
      ['node-exporter', 'DaemonSet-managed (node-exporter-owner)'],
      ['kube-apiserver', 'mirror pod (static pod managed by the kubelet)'],
    ]);
    expect(plan.blocking).toEqual([]);
  });

  it('blocks on DaemonSet pods, emptyDir data and unmanaged pods unless the option says so, naming it', () => {
    const pods = [pod('ds', { owner: 'DaemonSet' }), pod('cache', { owner: 'ReplicaSet', emptyDir: true }), pod('bare')];
    const strict = planDrain(pods, { ignoreDaemonSets: false, deleteEmptyDirData: false, force: false });
    expect(strict.evict).toEqual([]);
    expect(strict.blocking.map(b => b.reason)).toEqual([
      expect.stringContaining('set ignoreDaemonSets'),
      expect.stringContaining('set deleteEmptyDirData'),
      expect.stringContaining('set force'),
    ]);

    const loose = planDrain(pods, { ignoreDaemonSets: true, deleteEmptyDirData: true, force: true });
    expect(loose.blocking).toEqual([]);
    expect(loose.evict).toEqual([
      { namespace: 'iip-applications', name: 'cache', warning: 'deleting emptyDir data (cache)' },
      { namespace: 'iip-applications', name: 'bare', warning: 'not managed by a controller: it will not be recreated' },
    ]);
  });

  it('lets finished pods go whatever they hold', () => {
    const plan = planDrain([pod('job-done', { phase: 'Succeeded', emptyDir: true }), pod('crashed', { phase: 'Failed' })], safe);
    expect(plan.evict.map(p => p.name)).toEqual(['job-done', 'crashed']);
    expect(plan.blocking).toEqual([]);
  });
});
