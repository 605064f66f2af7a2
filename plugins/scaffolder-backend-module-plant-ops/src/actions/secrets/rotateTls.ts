import { X509Certificate } from 'node:crypto';
import { AppsV1Api, CoreV1Api, CustomObjectsApi, PatchStrategy, setHeaderOptions, type V1Secret } from '@kubernetes/client-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { JsonObject } from '@backstage/types';
import type { PlantOpsDeps } from '../../deps';
import { fieldError } from '../../lib/errors';
import { parseInput, type InputShape } from '../../lib/input';
import { clusterTarget, type KubeAccess } from '../../lib/kubeAccess';
import { describeKubeError, isNotFound } from '../../lib/kubeErrors';
import { Redactor } from '../../lib/redact';
import { pollUntil } from '../../lib/wait';
import { findConsumers, requireRolledOut, restartAndVerify, workloadName } from './consumers';
import { examples } from './rotateTls.examples';
import { validateTls } from './tlsValidation';
import { dryRunInput } from '../../lib/dryRun';
import { startOperation } from '../../lib/operation';

export interface RotateTlsActionOptions extends Pick<PlantOpsDeps, 'auditor'> {
  kube: KubeAccess;
  /** How often the Certificate (or rollouts) are read while waiting (default 2 s). */
  pollIntervalMs?: number;
  /** The clock used for expiry checks (tests). */
  now?: () => Date;
}

const inputShape = {
  ...dryRunInput,
  cluster: z => z.string().describe('Catalog Resource of type kubernetes-cluster'),
  namespace: z => z.string().default('iip-infrastructure').describe('Namespace of the TLS Secret or Certificate'),
  mode: z => z.enum(['secret', 'cert-manager']).default('secret').describe('secret: validate the given certificate and key and write the kubernetes.io/tls Secret; cert-manager: trigger renewal of a cert-manager Certificate and wait for it'),
  secret: z => z.string().default('iip-tls-secret').describe('mode secret: name of the kubernetes.io/tls Secret (the IIP guide: iip-tls-secret)'),
  certificate: z => z.string().optional().describe('mode secret: PEM certificate, leaf first, then intermediates'),
  privateKey: z => z.string().optional().describe('mode secret: PEM private key of the certificate; pass it as a task secret (${{ secrets.tlsKey }})'),
  caCertificate: z => z.string().optional().describe('mode secret: PEM of the CA the chain must end in'),
  dnsNames: z => z.array(z.string()).optional().describe('Names the certificate must cover'),
  restart: z => z.array(z.string()).optional().describe('mode secret: Deployments to restart and verify after the Secret changes (most ingress controllers reload by themselves)'),
  certificateName: z => z.string().default('iip-tls-secret').describe('mode cert-manager: name of the cert-manager.io/v1 Certificate'),
  timeoutSeconds: z => z.number().int().min(1).default(600).describe('How long to wait for cert-manager or the restarted Deployments'),
} satisfies InputShape;

interface CertStatus {
  notAfter?: string;
  revision?: number;
  conditions?: { type: string; status: string; reason?: string; message?: string }[];
}

/**
 * plant:secret:rotate-tls: the IIP guide's certificate rotation, checked
 * first (key, chain, expiry, names, and that it outlives the one in use),
 * or handed to cert-manager and waited for (Ready with a later notAfter).
 */
export function createRotateTlsAction(options: RotateTlsActionOptions) {
  const { auditor, kube } = options;
  const intervalMs = options.pollIntervalMs ?? 2000;
  const now = options.now ?? (() => new Date());
  return createTemplateAction({
    id: 'plant:secret:rotate-tls',
    description:
      'Rotates a TLS certificate: validates the key/cert pair, the chain to the given CA, the expiry, the names and that it outlives the current one, then writes the kubernetes.io/tls Secret; or triggers renewal of a cert-manager Certificate and waits for Ready with a new notAfter. The private key never appears in logs, outputs or errors.',
    examples,
    supportsDryRun: true,
    schema: {
      input: inputShape,
      output: {
        secret: z => z.string().describe('namespace/name of the TLS Secret written (or that cert-manager writes)'),
        subject: z => z.string().describe('Subject of the new certificate (mode secret)'),
        fingerprint256: z => z.string().describe('SHA-256 fingerprint of the new certificate (mode secret)'),
        subjectAltNames: z => z.array(z.string()).describe('Its subjectAltNames (mode secret)'),
        notAfter: z => z.string().describe('notAfter of the new certificate'),
        previousNotAfter: z => z.string().nullable().describe('notAfter of the certificate it replaced (null: there was none)'),
        created: z => z.boolean().describe('mode secret: the Secret did not exist and was created'),
        restarted: z => z.array(z.string()).describe('Deployments restarted and verified'),
      },
    },
    async handler(ctx) {
      const input = parseInput(inputShape, ctx.input);
      const redactor = new Redactor();
      redactor.add(input.privateKey);
      if (input.privateKey) for (const line of input.privateKey.split('\n')) if (line.length >= 40) redactor.add(line.trim());
      const logger = redactor.logger(ctx.logger);
      const op = await startOperation(ctx, auditor, credentials => clusterTarget(kube, input.cluster, credentials, cluster => `${cluster}/${input.namespace}/${input.mode === 'secret' ? input.secret : `certificate/${input.certificateName}`}`));
      const { kubeConfig, cluster } = op.target;
      const { dryRun } = op;
      const ns = input.namespace;
      const target = input.mode === 'secret' ? `${ns}/${input.secret}` : `${ns}/certificate/${input.certificateName}`;

      await op.run('plant:secret:rotate-tls', { mode: input.mode }, async (): Promise<JsonObject> => {
          try {
            return input.mode === 'secret' ? await viaSecret() : await viaCertManager();
          } catch (e) {
            throw redactor.error(e);
          }
        },
      );

      async function viaSecret(): Promise<JsonObject> {
        if (!input.certificate) throw fieldError('certificate', 'is required in mode secret', 'Paste the PEM certificate (leaf first, then intermediates)');
        if (!input.privateKey) throw fieldError('privateKey', 'is required in mode secret', 'Pass the PEM key as a task secret');
        const core = kubeConfig.makeApiClient(CoreV1Api);
        const apps = kubeConfig.makeApiClient(AppsV1Api);
        let existing: V1Secret | undefined;
        try {
          existing = await core.readNamespacedSecret({ name: input.secret, namespace: ns });
        } catch (e) {
          if (!isNotFound(e)) throw new Error(describeKubeError(`reading Secret ${target}`, e));
        }
        if (existing && existing.type !== 'kubernetes.io/tls') {
          throw fieldError('secret', `Secret ${target} is of type ${existing.type ?? 'Opaque'}, not kubernetes.io/tls`, 'Name the TLS Secret the ingress uses');
        }
        const currentPem = existing?.data?.['tls.crt'] ? Buffer.from(existing.data['tls.crt'], 'base64').toString('utf8') : undefined;
        let previousNotAfter: string | null = null;
        if (currentPem) {
          try {
            previousNotAfter = new X509Certificate(currentPem).validToDate.toISOString();
          } catch {
            logger.warn(`the certificate now in ${target} cannot be parsed; it will be replaced without comparing expiry`);
          }
        }
        const summary = validateTls(
          { certificate: input.certificate, privateKey: input.privateKey, caCertificate: input.caCertificate },
          { now: now(), dnsNames: input.dnsNames, currentCertificate: previousNotAfter ? currentPem : undefined },
        );
        const restartNames = input.restart ?? [];
        const consumers = restartNames.length ? await findConsumers(apps, ns, input.secret, restartNames, 'restart') : [];
        if (consumers.length) await requireRolledOut(apps, ns, consumers, 'restart');
        ctx.output('secret', target);
        ctx.output('subject', summary.subject);
        ctx.output('fingerprint256', summary.fingerprint256);
        ctx.output('subjectAltNames', summary.subjectAltNames);
        ctx.output('notAfter', summary.notAfter);
        ctx.output('previousNotAfter', previousNotAfter);
        ctx.output('created', !existing);
        const chain = summary.verifiedToCa ? `chain verified to ${summary.verifiedToCa}` : 'chain not checked against a CA (no caCertificate given)';
        if (dryRun) {
          ctx.output('restarted', consumers.map(workloadName));
          logger.info(`[dry run] certificate ${summary.subject} valid until ${summary.notAfter}, ${chain}; would ${existing ? 'replace tls.crt/tls.key in' : 'create'} Secret ${target}${consumers.length ? ` and restart ${consumers.map(workloadName).join(', ')}` : ''}`);
          return { subject: summary.subject, notAfter: summary.notAfter, wouldWrite: true };
        }
        const data = {
          'tls.crt': Buffer.from(input.certificate).toString('base64'),
          'tls.key': Buffer.from(input.privateKey).toString('base64'),
        };
        await ctx.checkpoint({
          key: `rotate-tls:${cluster}:${target}:${summary.fingerprint256}`,
          fn: async () => {
            try {
              if (existing) {
                await core.patchNamespacedSecret(
                  { name: input.secret, namespace: ns, body: { metadata: { resourceVersion: existing.metadata?.resourceVersion }, data } },
                  setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
                );
              } else {
                await core.createNamespacedSecret({
                  namespace: ns,
                  body: { apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/tls', metadata: { name: input.secret, namespace: ns }, data },
                });
              }
            } catch (e) {
              throw new Error(`${describeKubeError(`writing Secret ${target}`, e)}. The Secret was not changed`);
            }
          },
        });
        logger.info(`Secret ${target} now holds ${summary.subject} (SHA-256 ${summary.fingerprint256}), valid until ${summary.notAfter}; ${chain}`);
        if (consumers.length) {
          const verify = await restartAndVerify(apps, ns, consumers, { timeoutMs: input.timeoutSeconds * 1000, intervalMs, signal: ctx.signal, onProgress: l => logger.info(l) });
          if (verify.failures.length) {
            throw new Error(`Secret ${target} holds the new certificate, but after the restart these did not come back: ${verify.failures.join('; ')}`);
          }
        }
        ctx.output('restarted', consumers.map(workloadName));
        return { subject: summary.subject, fingerprint256: summary.fingerprint256, notAfter: summary.notAfter, previousNotAfter };
      }

      async function viaCertManager(): Promise<JsonObject> {
        for (const f of ['certificate', 'privateKey', 'caCertificate', 'restart'] as const) {
          if (input[f] !== undefined) throw fieldError(f, 'is only used in mode secret', 'Leave it out: cert-manager issues the certificate');
        }
        const custom = kubeConfig.makeApiClient(CustomObjectsApi);
        const coords = { group: 'cert-manager.io', version: 'v1', namespace: ns, plural: 'certificates', name: input.certificateName };
        const read = async (): Promise<any> => {
          try {
            return await custom.getNamespacedCustomObject(coords);
          } catch (e) {
            if (isNotFound(e)) throw fieldError('certificateName', `no cert-manager Certificate "${input.certificateName}" in ${ns}`, 'Give the name kubectl get certificates -n <namespace> shows');
            throw new Error(describeKubeError(`reading Certificate ${target}`, e));
          }
        };
        const cert = await read();
        const status: CertStatus = cert.status ?? {};
        const previousNotAfter = status.notAfter ?? null;
        const secretName = `${ns}/${cert.spec?.secretName ?? ''}`;
        const missing = (input.dnsNames ?? []).filter(n => !(cert.spec?.dnsNames ?? []).includes(n));
        if (missing.length) {
          throw fieldError('dnsNames', `Certificate ${target} does not request ${missing.join(', ')} (it requests ${(cert.spec?.dnsNames ?? []).join(', ') || 'no dnsNames'})`, 'Add them to the Certificate\'s spec.dnsNames first, or fix dnsNames');
        }
        ctx.output('secret', secretName);
        ctx.output('previousNotAfter', previousNotAfter);
        ctx.output('created', false);
        ctx.output('restarted', []);
        const issuing = status.conditions?.find(c => c.type === 'Issuing' && c.status === 'True');
        if (dryRun) {
          ctx.output('notAfter', previousNotAfter ?? '');
          logger.info(`[dry run] would mark Certificate ${target} for renewal (Issuing=True, as cmctl renew does) and wait up to ${input.timeoutSeconds} s for Ready with a notAfter later than ${previousNotAfter ?? '(none)'}`);
          return { wouldRenew: true, previousNotAfter };
        }
        await ctx.checkpoint({
          key: `cert-manager-renew:${cluster}:${target}:${previousNotAfter}`,
          fn: async () => {
            if (issuing) {
              logger.info(`Certificate ${target} is already being issued; waiting for it`);
              return;
            }
            const conditions = [
              ...(status.conditions ?? []).filter(c => c.type !== 'Issuing'),
              { type: 'Issuing', status: 'True', reason: 'ManuallyTriggered', message: 'Certificate re-issuance manually triggered', lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), observedGeneration: cert.metadata?.generation },
            ];
            try {
              await custom.replaceNamespacedCustomObjectStatus({ ...coords, body: { ...cert, status: { ...status, conditions } } });
            } catch (e) {
              throw new Error(`${describeKubeError(`triggering renewal of Certificate ${target}`, e)}. Nothing was changed`);
            }
            logger.info(`renewal of Certificate ${target} triggered`);
          },
        });
        let last: CertStatus = status;
        const done = await pollUntil<CertStatus>({
          what: `waiting for cert-manager to renew Certificate ${target}`,
          timeoutMs: input.timeoutSeconds * 1000,
          intervalMs,
          signal: ctx.signal,
          probe: async () => {
            const s: CertStatus = (await read()).status ?? {};
            last = s;
            const failed = s.conditions?.find(c => c.type === 'Issuing' && c.status === 'False' && c.reason === 'Failed');
            if (failed) throw new Error(`cert-manager could not renew Certificate ${target}: ${failed.message ?? failed.reason}. kubectl describe certificate ${input.certificateName} -n ${ns} shows the CertificateRequest`);
            const ready = s.conditions?.find(c => c.type === 'Ready')?.status === 'True';
            const stillIssuing = s.conditions?.some(c => c.type === 'Issuing' && c.status === 'True');
            const newer = s.notAfter !== undefined && (previousNotAfter === null || Date.parse(s.notAfter) > Date.parse(previousNotAfter));
            return ready && !stillIssuing && newer ? s : undefined;
          },
          onTimeout: () => {
            const ready = last.conditions?.find(c => c.type === 'Ready');
            return new Error(
              `Certificate ${target} was not renewed within ${input.timeoutSeconds} s: notAfter ${last.notAfter ?? '(none)'} (before: ${previousNotAfter ?? '(none)'}), Ready=${ready?.status ?? 'Unknown'}${ready?.message ? ` (${ready.message})` : ''}. The renewal stays requested; check kubectl describe certificate ${input.certificateName} -n ${ns}`,
            );
          },
        });
        ctx.output('notAfter', done.notAfter!);
        logger.info(`Certificate ${target} renewed: notAfter ${previousNotAfter ?? '(none)'} -> ${done.notAfter}; Secret ${secretName}`);
        return { previousNotAfter, notAfter: done.notAfter!, revision: done.revision ?? null };
      }
    },
  });
}
