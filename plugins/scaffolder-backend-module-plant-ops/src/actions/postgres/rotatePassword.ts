import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { JsonObject } from '@backstage/types';
import type { PlantOpsDeps } from '../../deps';
import { fieldError } from '../../lib/errors';
import { Redactor } from '../../lib/redact';
import { examples } from './rotatePassword.examples';
import { clientConfig, quoteIdent, resolveInstance, withClient, type PgInstance } from './instances';
import { fingerprint, generatePassword, scramSha256Verifier } from './scram';
import { dryRunField } from '../../lib/dryRun';
import { startOperation } from '../../lib/operation';

/**
 * Where the new password goes after PostgreSQL accepted it (a Kubernetes
 * Secret plus a rollout restart of its consumers). `deliver` must throw if the
 * consumers do not come back: the action then puts the old verifier back.
 */
export interface PasswordDelivery {
  describe(): string;
  /** Reads what it will write to (dry run, and before the password changes); `deliver` may reuse what it read. */
  check?(): Promise<void>;
  deliver(password: string, signal?: AbortSignal): Promise<string[]>;
}

export interface SecretInput {
  cluster: string;
  namespace: string;
  name: string;
  key: string;
  restart?: string[];
}

export interface RotatePasswordOptions extends PlantOpsDeps {
  /** Builds the delivery for the action's `secret` input (a Kubernetes Secret in production). */
  delivery?: (secret: SecretInput, credentials: BackstageCredentials) => Promise<PasswordDelivery>;
}

const ROLE = /^[a-z_][a-z0-9_$-]{0,62}$/i;

/** pg_authid's verifier of a role: the only thing needed to put the old password back. */
async function readVerifier(i: PgInstance, role: string): Promise<{ verifier: string | null; canLogin: boolean } | undefined> {
  return withClient(clientConfig(i), async c => {
    const { rows } = await c.query<{ rolpassword: string | null; rolcanlogin: boolean }>(
      'SELECT rolpassword, rolcanlogin FROM pg_authid WHERE rolname = $1',
      [role],
    );
    return rows[0] ? { verifier: rows[0].rolpassword, canLogin: rows[0].rolcanlogin } : undefined;
  });
}

/** Sets a stored verifier (or none). A verifier is not the password; the server stores it as given. */
async function setVerifier(i: PgInstance, role: string, verifier: string | null) {
  await withClient(clientConfig(i), async c => {
    const literal = verifier === null ? 'NULL' : `'${verifier.replace(/'/g, "''")}'`;
    await c.query(`ALTER ROLE ${quoteIdent(role)} PASSWORD ${literal}`);
  });
}

/** How a stored verifier hashes the password, for the plan. */
function verifierKind(verifier: string | null): string {
  if (verifier?.startsWith('SCRAM-SHA-256$')) return 'SCRAM-SHA-256';
  if (verifier?.startsWith('md5')) return 'md5';
  return 'none';
}

/**
 * plant:postgres:rotate-password: a new random password for a role, hashed
 * to a SCRAM-SHA-256 verifier here so the plaintext never reaches SQL text or
 * the server log; a login with it is tested, then it is delivered; any
 * failure puts the old verifier back and says so.
 */
export function createPostgresRotatePasswordAction(options: RotatePasswordOptions) {
  const { config, auditor, catalog } = options;
  return createTemplateAction({
    id: 'plant:postgres:rotate-password',
    description:
      "Rotates a PostgreSQL role's password: SCRAM-SHA-256 verifier built on the client (the plaintext never reaches the server), login tested, delivered to its Kubernetes Secret with a restart of its consumers; on failure the old verifier is restored.",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        dryRun: dryRunField,
        database: z => z.string().describe('Catalog Resource (type database) of the server that holds the role'),
        role: z => z.string().describe('The login role whose password is rotated'),
        secret: z =>
          z
            .object({
              cluster: z.string().describe('Catalog Resource (type kubernetes-cluster) of the Secret'),
              namespace: z.string().describe('Namespace of the Secret'),
              name: z.string().describe('Name of the Secret'),
              key: z.string().describe('Key in the Secret that holds the password'),
              restart: z.array(z.string()).optional().describe('Deployments (names) to rollout-restart after the patch'),
            })
            .optional()
            .describe('Where the new password is stored for its consumers'),
        discardPassword: z =>
          z.boolean().optional().describe('Rotate without storing the new password anywhere (locks out whoever holds the old one)'),
      },
      output: {
        role: z => z.string().describe('The rotated role'),
        verifierFingerprint: z => z.string().describe('First 12 hex digits of sha256 of the new verifier (not the password)'),
        loginTested: z => z.boolean().describe('A login with the new password succeeded'),
        delivered: z => z.array(z.string()).describe('What was updated with the new password (Secret, restarted Deployments)'),
        plan: z => z.array(z.string()).describe('Steps taken, or in a dry run the steps it would take'),
      },
    },
    async handler(ctx) {
      const { role } = ctx.input;
      if (!ROLE.test(role)) throw fieldError('role', `"${role}" is not a role name`, 'Give the role name as in pg_roles.rolname');
      const op = await startOperation(ctx, auditor, async credentials => {
        const instance = await resolveInstance({ catalog, config }, credentials, 'database', ctx.input.database);
        if (role === instance.user) {
          throw fieldError('role', `"${role}" is the role the portal itself connects as`, 'Rotate it outside the portal, then update plant.postgres.instances');
        }
        if (ctx.input.secret && !options.delivery) {
          throw fieldError('secret', 'this portal has no Kubernetes access for password delivery configured', 'Configure the cluster, or set discardPassword: true to rotate without storing it');
        }
        const delivery = ctx.input.secret ? await options.delivery!(ctx.input.secret, credentials) : undefined;
        if (!delivery && !ctx.input.discardPassword) {
          throw fieldError('secret', 'is missing, so nobody would know the new password', 'Name the Kubernetes Secret that holds it, or set discardPassword: true to lock the old password out');
        }
        return { id: `${instance.ref}/${role}`, instance, delivery };
      });
      const { instance, delivery } = op.target;
      const { dryRun } = op;
      const redactor = new Redactor();
      redactor.add(instance.password);
      const logger = redactor.logger(ctx.logger);

      await op.run('plant:postgres:rotate-password', {}, async (): Promise<JsonObject> => {
        try {
          const current = await readVerifier(instance, role);
          if (!current) throw fieldError('role', `no role "${role}" on ${instance.name}`, 'Check the name in pg_roles');
          if (!current.canLogin) throw fieldError('role', `"${role}" cannot log in (NOLOGIN)`, 'Rotate a login role');
          const kind = verifierKind(current.verifier);
          const plan = [
            `read the current verifier of ${role} on ${instance.name} (${kind}${current.verifier ? `, fingerprint ${fingerprint(current.verifier)}` : ''})`,
            `set a new random password as a SCRAM-SHA-256 verifier built on the client`,
            `log in as ${role} with the new password`,
            delivery ? `deliver: ${delivery.describe()}` : 'discard the new password (discardPassword)',
            'on any failure, put the old verifier back',
          ];
          await delivery?.check?.();
          if (dryRun) {
            for (const p of plan) logger.info(`[dry run] ${p}`);
            ctx.output('plan', plan);
            return { plan };
          }

          // One checkpoint for the whole rotation: the new password is never stored in task state, so a retry
          // after a partial rotation rotates afresh instead of resuming.
          const result = await ctx.checkpoint({
            key: `postgres-rotate-password:${instance.name}:${role}`,
            fn: async () => {
              const password = generatePassword();
              redactor.add(password);
              const verifier = scramSha256Verifier(password);
              redactor.add(verifier);
              ctx.signal?.throwIfAborted();
              let step = 'set the new verifier';
              try {
                await setVerifier(instance, role, verifier);
                logger.info(`Set a new SCRAM-SHA-256 verifier for ${role} (fingerprint ${fingerprint(verifier)})`);
                step = 'log in with the new password';
                await withClient(clientConfig(instance, instance.database, role, password), c => c.query('SELECT 1'));
                logger.info(`Logged in as ${role} with the new password`);
                step = 'deliver the new password';
                const delivered = delivery ? await delivery.deliver(password, ctx.signal) : [];
                step = 'verify the stored verifier';
                const after = await readVerifier(instance, role);
                if (after?.verifier !== verifier) throw new Error('pg_authid holds another verifier than the one set (changed concurrently?)');
                return { verifierFingerprint: fingerprint(verifier), delivered };
              } catch (e) {
                const reason = redactor.text(e instanceof Error ? e.message : String(e));
                try {
                  await setVerifier(instance, role, current.verifier);
                  const back = await readVerifier(instance, role);
                  if (back?.verifier !== current.verifier) throw new Error('pg_authid does not hold the old verifier');
                } catch (restoreError) {
                  throw new Error(
                    `rotation of ${role} failed at "${step}": ${reason}; restoring the old verifier ALSO failed: ${redactor.text(String(restoreError))}. The role now has an unknown password: set one by hand`,
                  );
                }
                throw new Error(
                  `rotation of ${role} failed at "${step}": ${reason}. Restored: the previous password verifier of ${role} on ${instance.name}${current.verifier ? ` (fingerprint ${fingerprint(current.verifier)})` : ' (none)'}; the old password works again`,
                );
              }
            },
          });
          ctx.output('role', role);
          ctx.output('verifierFingerprint', result.verifierFingerprint);
          ctx.output('loginTested', true);
          ctx.output('delivered', result.delivered);
          ctx.output('plan', plan);
          return { role, verifierFingerprint: result.verifierFingerprint, delivered: result.delivered };
        } catch (e) {
          throw redactor.error(e);
        }
      });
    },
  });
}
