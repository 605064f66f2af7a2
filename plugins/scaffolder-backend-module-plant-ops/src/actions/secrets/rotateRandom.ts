import { AppsV1Api, CoreV1Api, PatchStrategy, setHeaderOptions, type V1Secret } from '@kubernetes/client-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { JsonObject } from '@backstage/types';
import type { PlantOpsDeps } from '../../deps';
import { fieldError } from '../../lib/errors';
import { parseInput, type InputShape } from '../../lib/input';
import { clusterTarget, type KubeAccess } from '../../lib/kubeAccess';
import { describeKubeError, isNotFound } from '../../lib/kubeErrors';
import { Redactor } from '../../lib/redact';
import { findConsumers, requireRolledOut, restartAndVerify, workloadName } from './consumers';
import { generateRandomSecret, SECRET_ENCODINGS } from './randomSecret';
import { examples } from './rotateRandom.examples';
import { dryRunInput } from '../../lib/dryRun';
import { startOperation } from '../../lib/operation';

export interface RotateRandomSecretActionOptions extends Pick<PlantOpsDeps, 'auditor'> {
  kube: KubeAccess;
  /** How often rollout status is read while verifying (default 2 s). */
  pollIntervalMs?: number;
}

const inputShape = {
  ...dryRunInput,
  cluster: z => z.string().describe('Catalog Resource of type kubernetes-cluster'),
  namespace: z => z.string().default('iip-applications').describe('Namespace of the Secret'),
  secret: z => z.string().default('iip-jwt-secret').describe('Name of the Secret (the IIP guide: iip-jwt-secret)'),
  key: z => z.string().default('secret').describe('Key in the Secret to replace (the IIP guide: secret)'),
  bytes: z => z.number().int().min(16).max(512).default(32).describe('Random bytes in the new value (the guide: openssl rand -base64 32)'),
  encoding: z => z.enum(SECRET_ENCODINGS).default('base64').describe('How the random bytes are written as text'),
  consumers: z => z.array(z.string()).optional().describe('Deployments to restart; default: every Deployment, StatefulSet and DaemonSet that mounts or env-references the Secret'),
  timeoutSeconds: z => z.number().int().min(1).default(600).describe('How long the restarted consumers have to come back'),
} satisfies InputShape;

/**
 * plant:secret:rotate-random: the IIP guide's JWT secret rotation, verified.
 * The new value lives only in memory and in the Secret: every log line and
 * error goes through a Redactor that knows it and the old value.
 */
export function createRotateRandomSecretAction(options: RotateRandomSecretActionOptions) {
  const { auditor, kube } = options;
  const intervalMs = options.pollIntervalMs ?? 2000;
  return createTemplateAction({
    id: 'plant:secret:rotate-random',
    description:
      'Rotates a random secret such as the JWT secret: generates a new value with crypto.randomBytes, patches the Kubernetes Secret key, restarts the workloads that use it and verifies they roll out; on failure puts the old value back and restarts them again. The value never appears in logs, outputs or errors.',
    examples,
    supportsDryRun: true,
    schema: {
      input: inputShape,
      output: {
        secret: z => z.string().describe('namespace/name of the rotated Secret'),
        key: z => z.string().describe('The key that got a new value'),
        consumers: z => z.array(z.string()).describe('Workloads restarted and verified (Kind/name); in a dry run, those that would be'),
        rotatedAt: z => z.string().describe('When the Secret was patched (empty in a dry run)'),
        resourceVersion: z => z.string().describe('resourceVersion of the Secret after the rotation (before it, in a dry run)'),
      },
    },
    async handler(ctx) {
      const input = parseInput(inputShape, ctx.input);
      const redactor = new Redactor();
      const logger = redactor.logger(ctx.logger);
      const op = await startOperation(ctx, auditor, credentials => clusterTarget(kube, input.cluster, credentials, cluster => `${cluster}/${input.namespace}/${input.secret}#${input.key}`));
      const { kubeConfig, cluster } = op.target;
      const { dryRun } = op;
      const core = kubeConfig.makeApiClient(CoreV1Api);
      const apps = kubeConfig.makeApiClient(AppsV1Api);
      const ns = input.namespace;
      const ref = `${ns}/${input.secret}`;

      await op.run('plant:secret:rotate-random', {}, async (): Promise<JsonObject> => {
          try {
            let current: V1Secret;
            try {
              current = await core.readNamespacedSecret({ name: input.secret, namespace: ns });
            } catch (e) {
              if (isNotFound(e)) throw fieldError('secret', `no Secret "${input.secret}" in namespace ${ns}`, 'Give an existing Secret; this action rotates, it does not create');
              throw new Error(describeKubeError(`reading Secret ${ref}`, e));
            }
            const oldB64 = current.data?.[input.key];
            if (oldB64 === undefined) {
              throw fieldError('key', `Secret ${ref} has no key "${input.key}" (its keys: ${Object.keys(current.data ?? {}).join(', ') || 'none'})`, 'Give one of its keys');
            }
            redactor.add(Buffer.from(oldB64, 'base64'));
            redactor.add(oldB64);
            const consumers = await findConsumers(apps, ns, input.secret, input.consumers, 'consumers');
            await requireRolledOut(apps, ns, consumers, 'consumers');
            const names = consumers.map(workloadName);
            ctx.output('secret', ref);
            ctx.output('key', input.key);
            ctx.output('consumers', names);
            if (dryRun) {
              logger.info(`[dry run] would write a new ${input.bytes}-byte ${input.encoding} value to ${ref} key ${input.key}, then restart and verify ${names.join(', ') || 'no workloads (none use the Secret)'}`);
              ctx.output('rotatedAt', '');
              ctx.output('resourceVersion', current.metadata?.resourceVersion ?? '');
              return { consumers: names, wouldRotate: true };
            }

            // A retried task re-reads the Secret, so a rotation that happened is not repeated on the same version.
            const outcome = await ctx.checkpoint({
              key: `rotate-random:${cluster}:${ref}:${input.key}:${current.metadata?.resourceVersion}`,
              fn: async () => {
                const fresh = generateRandomSecret(input.bytes, input.encoding);
                redactor.add(fresh);
                const written = await patchKey(core, ns, input.secret, input.key, Buffer.from(fresh, 'utf8').toString('base64'), current.metadata?.resourceVersion);
                const rotatedAt = new Date();
                logger.info(`Secret ${ref} key ${input.key} has a new value (resourceVersion ${written.metadata?.resourceVersion}); restarting ${names.join(', ') || 'nothing'}`);
                const verify = await restartAndVerify(apps, ns, consumers, {
                  timeoutMs: input.timeoutSeconds * 1000,
                  intervalMs,
                  signal: ctx.signal,
                  onProgress: line => logger.info(line),
                });
                if (verify.failures.length === 0) {
                  return { ok: true, rotatedAt: rotatedAt.toISOString(), resourceVersion: written.metadata?.resourceVersion ?? '' };
                }
                // Put the old value back and bring the consumers back on it.
                logger.warn(`verification failed (${verify.failures.join('; ')}); putting the old value back`);
                let restored = false;
                try {
                  await patchKey(core, ns, input.secret, input.key, oldB64);
                  restored = true;
                } catch (e) {
                  logger.error(`could not put the old value back: ${redactor.text((e as Error).message)}`);
                }
                const again = restored
                  ? await restartAndVerify(apps, ns, consumers, { timeoutMs: input.timeoutSeconds * 1000, intervalMs, notBefore: verify.restartedAt, onProgress: line => logger.info(line) })
                  : undefined;
                return { ok: false, failures: verify.failures, restored, rollbackFailures: again?.failures ?? [] };
              },
            });
            if (!outcome.ok) {
              const o = outcome as { failures: string[]; restored: boolean; rollbackFailures: string[] };
              let after = `Rolled back: the Secret ${ref} key ${input.key} holds its previous value again and ${names.join(', ')} were restarted and are available`;
              if (!o.restored) {
                after = `Putting the old value back FAILED: the Secret ${ref} still holds the new value and ${names.join(', ')} may be down`;
              } else if (o.rollbackFailures.length > 0) {
                after = `Rolled back the Secret ${ref} key ${input.key} to its previous value and restarted ${names.join(', ')}, but these are still not available: ${o.rollbackFailures.join('; ')}`;
              }
              throw new Error(`rotation of ${ref} key ${input.key} failed: ${o.failures.join('; ')}. ${after}`);
            }
            const ok = outcome as { rotatedAt: string; resourceVersion: string };
            ctx.output('rotatedAt', ok.rotatedAt);
            ctx.output('resourceVersion', ok.resourceVersion);
            logger.info(`rotated ${ref} key ${input.key}; ${names.length} consumers restarted and available`);
            return { consumers: names, rotatedAt: ok.rotatedAt };
          } catch (e) {
            throw redactor.error(e);
          }
        },
      );
    },
  });
}

/** Replaces one key; with `resourceVersion`, only if nobody changed the Secret since it was read. */
async function patchKey(core: CoreV1Api, namespace: string, name: string, key: string, valueB64: string, resourceVersion?: string): Promise<V1Secret> {
  try {
    return await core.patchNamespacedSecret(
      { name, namespace, body: { metadata: resourceVersion ? { resourceVersion } : {}, data: { [key]: valueB64 } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
  } catch (e) {
    throw new Error(`${describeKubeError(`patching Secret ${namespace}/${name}`, e)}. The Secret was not changed`);
  }
}
