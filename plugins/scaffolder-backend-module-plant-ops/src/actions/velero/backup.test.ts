import { startKubernetesDouble, type KubernetesDouble } from '@plantops/backstage-plugin-plant-node/testing';
import { capturingAuditor, fixedKubeAccess, runAction } from '../../lib/__testUtils__/actionHarness';
import { createVeleroBackupAction } from './backup';

const NAMESPACES = ['iip-infrastructure', 'iip-applications', 'iip-mlops'];

describe('plant:velero:backup', () => {
  let double: KubernetesDouble;
  let stopVelero: (() => void) | undefined;

  beforeEach(async () => {
    double = await startKubernetesDouble();
    double.seed(...['velero', ...NAMESPACES].map(name => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })));
  });
  afterEach(async () => {
    stopVelero?.();
    stopVelero = undefined;
    await double.stop();
  });

  /** Plays Velero: a new Backup goes InProgress, then to `final`. */
  function velero(final: Record<string, unknown>) {
    stopVelero = double.onEvent(e => {
      if (e.type !== 'ADDED' || e.object.kind !== 'Backup') return;
      const { namespace, name } = e.object.metadata;
      setTimeout(() => {
        double.setStatus('velero.io/v1', 'Backup', namespace, name, { phase: 'InProgress', progress: { itemsBackedUp: 3, totalItems: 40 } });
        setTimeout(() => double.setStatus('velero.io/v1', 'Backup', namespace, name, final), 30);
      }, 20);
    });
  }

  function setup() {
    const auditor = capturingAuditor();
    const action = createVeleroBackupAction({ auditor, kube: fixedKubeAccess(double.kubeConfig(), 'iip-prod-cluster'), pollIntervalMs: 10 });
    return { auditor, action };
  }

  const input = { cluster: 'resource:default/iip-prod-cluster', includedNamespaces: NAMESPACES, name: 'daily-backup-20261202', timeoutSeconds: 10 };

  it('creates the Backup the guide describes and succeeds when Velero completes it with no errors', async () => {
    velero({ phase: 'Completed', errors: 0, warnings: 1, expiration: '2027-01-01T00:00:00Z', progress: { itemsBackedUp: 40, totalItems: 40 } });
    const { auditor, action } = setup();
    const run = await runAction(action, input);
    expect(run.error).toBeUndefined();
    const stored = double.get('velero.io/v1', 'Backup', 'velero', 'daily-backup-20261202');
    expect(stored.spec).toEqual({ includedNamespaces: NAMESPACES, ttl: '720h0m0s' });  // ttl: the default, 30 days
    expect(stored.metadata.labels['plantops.io/task-id']).toBe('task-1');
    expect(run.output).toMatchObject({ backupName: 'daily-backup-20261202', phase: 'Completed', errors: 0, warnings: 1, itemsBackedUp: 40, expiration: '2027-01-01T00:00:00Z' });
    expect(run.checkpoints).toEqual(['velero-backup-name', 'velero-backup-create:velero/daily-backup-20261202']);
    expect(auditor.events).toHaveLength(1);
    expect(auditor.events[0]).toMatchObject({
      eventId: 'plant-velero-backup',
      severityLevel: 'high',
      meta: { action: 'plant:velero:backup', target: 'iip-prod-cluster/velero/daily-backup-20261202', actor: 'user:default/jane.doe', dryRun: false },
      outcome: 'success',
    });
    expect(run.logs.join('\n')).toContain('Backup daily-backup-20261202 ended Completed; errors: 0, warnings: 1');
  });

  it.each([
    [{ phase: 'PartiallyFailed', errors: 2, warnings: 5 }, /Backup daily-backup-20261202 ended PartiallyFailed; errors: 2, warnings: 5\. See velero backup describe/],
    [{ phase: 'Failed', errors: 0, warnings: 0, failureReason: 'error getting backup store: BackupStorageLocation default is unavailable' }, /ended Failed; errors: 0, warnings: 0; failure reason: error getting backup store: BackupStorageLocation default is unavailable/],
    [{ phase: 'FailedValidation', validationErrors: ['an existing backup storage location wasn\'t specified'] }, /ended FailedValidation; .*validation errors: an existing backup storage location wasn't specified/],
    [{ phase: 'Completed', errors: 1, warnings: 0 }, /ended Completed; errors: 1, warnings: 0/],
  ])('fails on %j with the Backup\'s reasons', async (final, message) => {
    velero(final);
    const { auditor, action } = setup();
    const run = await runAction(action, input);
    expect(run.error?.message).toMatch(message);
    expect(run.output.phase).toBe(final.phase);
    expect(auditor.events[0].outcome).toBe('failure');
  });

  it('times out clearly, saying where the Backup stood and that it keeps running', async () => {
    stopVelero = double.onEvent(e => {
      if (e.type === 'ADDED' && e.object.kind === 'Backup') {
        setTimeout(() => double.setStatus('velero.io/v1', 'Backup', 'velero', e.object.metadata.name, { phase: 'InProgress', progress: { itemsBackedUp: 7, totalItems: 90 } }), 10);
      }
    });
    const { action } = setup();
    const started = Date.now();
    const run = await runAction(action, { ...input, timeoutSeconds: 1 });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(run.error?.message).toBe(
      'Backup velero/daily-backup-20261202 did not finish within 1 s: phase InProgress, 7/90 items. It keeps running in Velero; check it with velero backup describe daily-backup-20261202',
    );
  });

  it('stops waiting when the task is cancelled', async () => {
    const { action } = setup();
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 200);
    const run = await runAction(action, { ...input, timeoutSeconds: 60 }, { signal: abort.signal });
    expect(run.error?.message).toBe('cancelled waiting for Backup velero/daily-backup-20261202 (it keeps running in Velero)');
  });

  it('dry run reads the namespaces and the name, writes nothing, and returns the manifest', async () => {
    const { auditor, action } = setup();
    double.clearRequests();
    const run = await runAction(action, input, { dryRun: true });
    expect(run.error).toBeUndefined();
    expect(double.writes()).toEqual([]);
    expect(double.requests.map(r => r.path)).toEqual([
      '/api/v1/namespaces/velero',
      ...NAMESPACES.map(n => `/api/v1/namespaces/${n}`),
      '/apis/velero.io/v1/namespaces/velero/backups/daily-backup-20261202',
    ]);
    expect(run.output.phase).toBe('planned');
    expect(run.output.manifest).toMatchObject({ kind: 'Backup', spec: { includedNamespaces: NAMESPACES } });
    expect(auditor.events[0]).toMatchObject({ severityLevel: 'low', meta: { dryRun: true }, outcome: 'success' });
  });

  it('a retried task waits on the Backup it created instead of creating another', async () => {
    velero({ phase: 'Completed', errors: 0, warnings: 0 });
    const { action } = setup();
    const cache = new Map<string, unknown>();
    const abort = new AbortController();
    stopVelero?.();
    // first attempt: created, then the worker dies (cancelled) before Velero finishes
    setTimeout(() => abort.abort(), 100);
    const first = await runAction(action, { ...input, name: undefined }, { signal: abort.signal, checkpointCache: cache });
    expect(first.error?.message).toMatch(/^cancelled/);
    const name = first.output.backupName as string;
    expect(name).toMatch(/^plantops-backup-\d{14}$/);
    velero({ phase: 'Completed', errors: 0, warnings: 0 });
    double.setStatus('velero.io/v1', 'Backup', 'velero', name, { phase: 'Completed', errors: 0, warnings: 0 });
    double.clearRequests();
    const second = await runAction(action, { ...input, name: undefined }, { checkpointCache: cache });
    expect(second.error).toBeUndefined();
    expect(second.output.backupName).toBe(name);
    expect(double.writes()).toEqual([]);
    expect(double.list('velero.io/v1', 'Backup', 'velero')).toHaveLength(1);
  });

  it('names the field and the fix for bad input', async () => {
    const { action } = setup();
    expect((await runAction(action, { ...input, includedNamespaces: ['iip-applications', 'iip-mlpos'] })).error?.message).toBe(
      'includedNamespaces: namespace "iip-mlpos" does not exist in the cluster. Remove it or fix the spelling',
    );
    expect((await runAction(action, { ...input, includedNamespaces: ['IIP_Apps'] })).error?.message).toMatch(/^includedNamespaces: "IIP_Apps" is not a namespace name/);
    expect((await runAction(action, { ...input, includedNamespaces: [] })).error?.message).toBe(
      'includedNamespaces: array must contain at least 1 element(s). Expected: Namespaces to include, e.g. [iip-infrastructure, iip-applications, iip-mlops] as in the IIP guide',
    );
    expect((await runAction(action, { ...input, timeoutSeconds: 'soon' })).error?.message).toMatch(/^timeoutSeconds: expected number, received string\. Expected: Give up waiting/);
    expect((await runAction(action, { ...input, ttl: '30 days' })).error?.message).toBe('ttl: "30 days" is not a duration. Write it as Velero does, e.g. 720h0m0s or 168h');
    expect((await runAction(action, { ...input, veleroNamespace: 'backup-system' })).error?.message).toMatch(/^veleroNamespace: namespace "backup-system" does not exist in the cluster/);
    double.seed({ apiVersion: 'velero.io/v1', kind: 'Backup', metadata: { name: 'taken', namespace: 'velero' }, spec: {}, status: { phase: 'Completed' } });
    expect((await runAction(action, { ...input, name: 'taken' })).error?.message).toBe(
      'name: Backup velero/taken already exists (phase Completed). Choose another name; Velero backups are immutable',
    );
    expect(double.list('velero.io/v1', 'Backup', 'velero')).toHaveLength(1);
  });
});
