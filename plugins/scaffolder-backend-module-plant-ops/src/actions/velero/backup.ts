import { CustomObjectsApi, CoreV1Api } from '@kubernetes/client-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { JsonObject } from '@backstage/types';
import type { PlantOpsDeps } from '../../deps';
import { fieldError } from '../../lib/errors';
import { parseInput, type InputShape } from '../../lib/input';
import { clusterTarget, type KubeAccess } from '../../lib/kubeAccess';
import { describeKubeError, isNotFound } from '../../lib/kubeErrors';
import { pollUntil } from '../../lib/wait';
import { examples } from './backup.examples';
import { dryRunInput } from '../../lib/dryRun';
import { startOperation } from '../../lib/operation';

export interface VeleroBackupActionOptions extends Pick<PlantOpsDeps, 'auditor'> {
  kube: KubeAccess;
  /** How often the Backup's status is read (default 2 s). */
  pollIntervalMs?: number;
}

const GROUP = 'velero.io';
const VERSION = 'v1';
const PLURAL = 'backups';
const TASK_LABEL = 'plantops.io/task-id';
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const GO_DURATION = /^(?=\d)(\d+h)?(\d+m)?(\d+s)?$/;

/** Velero's Backup phases that end a backup (pkg/apis/velero/v1/backup_types.go). */
const FINAL_PHASES = ['Completed', 'PartiallyFailed', 'Failed', 'FailedValidation'];

interface BackupStatus {
  phase?: string;
  errors?: number;
  warnings?: number;
  failureReason?: string;
  validationErrors?: string[];
  startTimestamp?: string;
  completionTimestamp?: string;
  expiration?: string;
  progress?: { itemsBackedUp?: number; totalItems?: number };
}

function defaultName(now: Date): string {
  return `plantops-backup-${now.toISOString().replace(/[-:T]/g, '').slice(0, 14)}`;
}

function outcomeOf(name: string, s: BackupStatus): string {
  const parts = [`Backup ${name} ended ${s.phase}`];
  parts.push(`errors: ${s.errors ?? 0}, warnings: ${s.warnings ?? 0}`);
  if (s.failureReason) parts.push(`failure reason: ${s.failureReason}`);
  if (s.validationErrors?.length) parts.push(`validation errors: ${s.validationErrors.join('; ')}`);
  return parts.join('; ');
}

const inputShape = {
  ...dryRunInput,
  cluster: z => z.string().describe('Catalog Resource of type kubernetes-cluster to back up, e.g. resource:default/iip-prod-cluster'),
  includedNamespaces: z =>
    z.array(z.string()).min(1).describe('Namespaces to include, e.g. [iip-infrastructure, iip-applications, iip-mlops] as in the IIP guide'),
  excludedNamespaces: z => z.array(z.string()).optional().describe('Namespaces to leave out'),
  name: z =>
    z.string().optional().describe('Name of the Backup (default plantops-backup-<UTC timestamp>, like the guide\'s daily-backup-<date>)'),
  ttl: z => z.string().default('720h0m0s').describe('How long Velero keeps the backup, a Go duration such as 720h0m0s (30 days, Velero\'s default)'),
  storageLocation: z => z.string().optional().describe('BackupStorageLocation to write to (default: Velero\'s default location)'),
  snapshotVolumes: z => z.boolean().optional().describe('Take volume snapshots of persistent volumes (default: Velero\'s setting)'),
  veleroNamespace: z => z.string().default('velero').describe('Namespace Velero runs in'),
  timeoutSeconds: z => z.number().int().min(1).default(3600).describe('Give up waiting after this many seconds (the Backup keeps running)'),
} satisfies InputShape;

/**
 * plant:velero:backup: creates a velero.io/v1 Backup (what `velero backup
 * create` does) and waits for it. Only Completed with zero errors succeeds.
 */
export function createVeleroBackupAction(options: VeleroBackupActionOptions) {
  const { auditor, kube } = options;
  const pollIntervalMs = options.pollIntervalMs ?? 2000;
  return createTemplateAction({
    id: 'plant:velero:backup',
    description:
      'Creates a Velero Backup (velero.io/v1) of the given namespaces and waits for it: only Completed with zero errors is success; PartiallyFailed, Failed and FailedValidation fail with the Backup\'s errors, warnings and reason.',
    examples,
    supportsDryRun: true,
    schema: {
      input: inputShape,
      output: {
        backupName: z => z.string().describe('Name of the Backup, for velero restore create --from-backup'),
        phase: z => z.string().describe('Final phase of the Backup (Completed on success); "planned" in a dry run'),
        errors: z => z.number().describe('Errors Velero counted'),
        warnings: z => z.number().describe('Warnings Velero counted'),
        itemsBackedUp: z => z.number().describe('Items written to the backup'),
        expiration: z => z.string().describe('When Velero will delete the backup (empty in a dry run)'),
        manifest: z => z.record(z.unknown()).describe('The Backup object created (or, in a dry run, that would be created)'),
      },
    },
    async handler(ctx) {
      const input = parseInput(inputShape, ctx.input);
      for (const [field, list] of [['includedNamespaces', input.includedNamespaces], ['excludedNamespaces', input.excludedNamespaces ?? []]] as const) {
        for (const ns of list) {
          if (ns !== '*' && !DNS_LABEL.test(ns)) {
            throw fieldError(field, `"${ns}" is not a namespace name`, 'Use lower-case letters, digits and "-" (or "*" for all)');
          }
        }
      }
      if (!GO_DURATION.test(input.ttl)) {
        throw fieldError('ttl', `"${input.ttl}" is not a duration`, 'Write it as Velero does, e.g. 720h0m0s or 168h');
      }
      if (input.name !== undefined && (!DNS_LABEL.test(input.name) || input.name.length > 63)) {
        throw fieldError('name', `"${input.name}" is not a valid Backup name`, 'Use at most 63 lower-case letters, digits and "-"');
      }
      const veleroNs = input.veleroNamespace;
      // The name is fixed once, so a retried task waits on the same Backup instead of creating a second.
      const name = await ctx.checkpoint({ key: 'velero-backup-name', fn: () => input.name ?? defaultName(new Date()) });
      const op = await startOperation(ctx, auditor, credentials => clusterTarget(kube, input.cluster, credentials, cluster => `${cluster}/${veleroNs}/${name}`));
      const { kubeConfig, cluster } = op.target;
      const { dryRun } = op;
      const core = kubeConfig.makeApiClient(CoreV1Api);
      const custom = kubeConfig.makeApiClient(CustomObjectsApi);

      await op.run('plant:velero:backup', { includedNamespaces: input.includedNamespaces }, async (): Promise<JsonObject> => {
          await readNamespace(core, veleroNs, 'veleroNamespace', 'Is Velero installed? Give the namespace it runs in');
          for (const ns of input.includedNamespaces.filter(n => n !== '*')) {
            await readNamespace(core, ns, 'includedNamespaces', 'Remove it or fix the spelling');
          }
          const existing = await getBackup(custom, veleroNs, name);
          if (existing && existing.metadata?.labels?.[TASK_LABEL] !== ctx.task.id) {
            throw fieldError('name', `Backup ${veleroNs}/${name} already exists (phase ${existing.status?.phase ?? 'unknown'})`, 'Choose another name; Velero backups are immutable');
          }
          const manifest = {
            apiVersion: `${GROUP}/${VERSION}`,
            kind: 'Backup',
            metadata: { name, namespace: veleroNs, labels: { [TASK_LABEL]: ctx.task.id, 'app.kubernetes.io/managed-by': 'plantops-portal' } },
            spec: {
              includedNamespaces: input.includedNamespaces,
              ...(input.excludedNamespaces?.length ? { excludedNamespaces: input.excludedNamespaces } : {}),
              ttl: input.ttl,
              ...(input.storageLocation ? { storageLocation: input.storageLocation } : {}),
              ...(input.snapshotVolumes !== undefined ? { snapshotVolumes: input.snapshotVolumes } : {}),
            },
          };
          ctx.output('backupName', name);
          ctx.output('manifest', manifest);
          if (dryRun) {
            ctx.logger.info(`[dry run] would create Backup ${veleroNs}/${name} of ${input.includedNamespaces.join(', ')} with ttl ${input.ttl} on ${cluster} and wait up to ${input.timeoutSeconds} s`);
            ctx.output('phase', 'planned');
            ctx.output('errors', 0);
            ctx.output('warnings', 0);
            ctx.output('itemsBackedUp', 0);
            ctx.output('expiration', '');
            return { backup: name, phase: 'planned' };
          }

          await ctx.checkpoint({
            key: `velero-backup-create:${veleroNs}/${name}`,
            fn: async () => {
              if (existing) return; // created by this task before a retry
              try {
                await custom.createNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: veleroNs, plural: PLURAL, body: manifest });
              } catch (e) {
                throw new Error(describeKubeError(`creating Backup ${veleroNs}/${name}`, e));
              }
              ctx.logger.info(`Created Backup ${veleroNs}/${name} of ${input.includedNamespaces.join(', ')} on ${cluster}`);
            },
          });

          let last: BackupStatus = {};
          const status = await pollUntil<BackupStatus>({
            what: `waiting for Backup ${veleroNs}/${name} (it keeps running in Velero)`,
            timeoutMs: input.timeoutSeconds * 1000,
            intervalMs: pollIntervalMs,
            signal: ctx.signal,
            probe: async () => {
              const b = await getBackup(custom, veleroNs, name);
              if (!b) throw new Error(`Backup ${veleroNs}/${name} disappeared while waiting (deleted by someone else?)`);
              const s: BackupStatus = b.status ?? {};
              if (s.phase !== last.phase) ctx.logger.info(`Backup ${name}: ${s.phase ?? 'New'}`);
              last = s;
              return FINAL_PHASES.includes(s.phase ?? '') ? s : undefined;
            },
            onTimeout: () =>
              new Error(
                `Backup ${veleroNs}/${name} did not finish within ${input.timeoutSeconds} s: phase ${last.phase ?? 'New'}, ${last.progress?.itemsBackedUp ?? 0}/${last.progress?.totalItems ?? '?'} items. It keeps running in Velero; check it with velero backup describe ${name}`,
              ),
          });

          ctx.output('phase', status.phase!);
          ctx.output('errors', status.errors ?? 0);
          ctx.output('warnings', status.warnings ?? 0);
          ctx.output('itemsBackedUp', status.progress?.itemsBackedUp ?? 0);
          ctx.output('expiration', status.expiration ?? '');
          if (status.phase !== 'Completed' || (status.errors ?? 0) > 0) {
            throw new Error(`${outcomeOf(name, status)}. See velero backup describe ${name} --details and velero backup logs ${name}`);
          }
          ctx.logger.info(outcomeOf(name, status));
          return { backup: name, phase: status.phase!, errors: 0, warnings: status.warnings ?? 0, itemsBackedUp: status.progress?.itemsBackedUp ?? 0 };
        },
      );
    },
  });
}

async function readNamespace(core: CoreV1Api, name: string, field: string, fix: string) {
  try {
    await core.readNamespace({ name });
  } catch (e) {
    if (isNotFound(e)) throw fieldError(field, `namespace "${name}" does not exist in the cluster`, fix);
    throw new Error(describeKubeError(`reading namespace ${name}`, e));
  }
}

async function getBackup(custom: CustomObjectsApi, namespace: string, name: string): Promise<any | undefined> {
  try {
    return await custom.getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: PLURAL, name });
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw new Error(describeKubeError(`reading Backup ${namespace}/${name}`, e));
  }
}
