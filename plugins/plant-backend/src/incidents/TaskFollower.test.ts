import request from 'supertest';
import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import {
  TestDatabases,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import { ConfigReader } from '@backstage/config';
import { AppsV1Api } from '@kubernetes/client-node';
import {
  startArgoCdDouble,
  startKubernetesDouble,
} from '@plantops/backstage-plugin-plant-node/testing';
import { IncidentStore } from './IncidentStore';
import { ScaffolderTasks } from './ScaffolderTasks';
import { TaskFollower } from './TaskFollower';
import { RecentDeployments } from '../runbooks/deployments';

jest.setTimeout(120_000);

const ONCALL = 'user:default/tomas-novak';
const OTHER = 'user:default/raj-patel';
const SCADA = 'component:default/scada-service';

const template = (name: string, steps: object[]) => ({
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  kind: 'Template',
  metadata: { name, namespace: 'default' },
  spec: {
    owner: 'group:default/platform-team',
    type: 'operation',
    parameters: [
      {
        properties: {
          entity: { type: 'string' },
          environment: { type: 'string' },
          dryRun: { type: 'boolean' },
        },
      },
    ],
    steps,
  },
});

/** What the plant backend's follower is given in the plugin: its own service credentials and discovery. */
let follow: { auth: any; discovery: any } | undefined;
const credentialsOnly = createBackendPlugin({
  pluginId: 'plant',
  register(env) {
    env.registerInit({
      deps: { auth: coreServices.auth, discovery: coreServices.discovery },
      async init(deps) {
        follow = deps;
      },
    });
  },
});

describe('incident tasks and recent deployments', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });

  describe('against the real scaffolder backend', () => {
    let backend: Awaited<ReturnType<typeof startTestBackend>> | undefined;
    let knex: any;
    // Nested, so the scaffolder's task workers stop before the test database goes.
    afterAll(async () => {
      await backend?.stop();
      // The scaffolder's pollers finish their last round on the database.
      await new Promise(r => setTimeout(r, 3000));
    });

    const createTask = async (user: string, name: string, values: object) => {
      const res = await request(backend!.server)
        .post('/api/scaffolder/v2/tasks')
        .set('authorization', mockCredentials.user.header(user))
        .send({ templateRef: `template:default/${name}`, values });
      expect(res.status).toBe(201);
      return res.body.id as string;
    };
    const status = async (taskId: string) =>
      (
        await request(backend!.server)
          .get(`/api/scaffolder/v2/tasks/${taskId}`)
          .set('authorization', mockCredentials.user.header(ONCALL))
      ).body.status;
    const until = async (what: () => Promise<boolean>, label: string) => {
      for (
        const deadline = Date.now() + 120_000;
        Date.now() < deadline;
        await new Promise(r => setTimeout(r, 200))
      ) {
        if (await what()) return;
      }
      throw new Error(`timed out waiting for ${label}`);
    };

    beforeAll(async () => {
      knex = await databases.init('POSTGRES_15');
      backend = await startTestBackend({
        features: [
          scaffolderPlugin,
          credentialsOnly,
          mockServices.database.factory({ knex }),
          mockServices.rootConfig.factory({
            data: { app: { baseUrl: 'http://localhost:3000' } },
          }),
          catalogServiceMock.factory({
            entities: [
              template('rollback', [
                {
                  id: 'plan',
                  name: 'Plan',
                  action: 'debug:log',
                  input: { message: 'plan only' },
                },
              ]),
              template('restore-scale', [
                { id: 'x', name: 'Broken', action: 'plant:not-registered' },
              ]),
              template('drain-node', [
                {
                  id: 'wait',
                  name: 'Wait',
                  action: 'debug:wait',
                  input: { seconds: 60 },
                },
              ]),
              template('deploy', [
                {
                  id: 'plan',
                  name: 'Plan',
                  action: 'debug:log',
                  input: { message: 'plan only' },
                },
              ]),
            ],
          }),
        ],
      });
    });

    it('finds the task a runbook launch created, follows it to its end and records the outcome, across a restart', async () => {
      const server = backend!.server;

      // Real time (the scaffolder's clock decides which tasks came after a launch); ahead only to expire a launch.
      let ahead = 0;
      const now = () => new Date(Date.now() + ahead);
      const store = await IncidentStore.create(
        { getClient: async () => knex, migrations: { skip: false } },
        now,
      );
      const newFollower = (s: IncidentStore) =>
        new TaskFollower({
          store: s,
          tasks: new ScaffolderTasks(follow!),
          logger: mockServices.logger.mock(),
          appBaseUrl: 'http://localhost:3000/',
          // Same machine, same clock: no allowance, so the task created just before the launch is not taken.
          skewMs: 0,
          now,
        });
      const incident = await store.open(
        {
          title: 'ServiceDown: Service down',
          severity: 'P1',
          commander: ONCALL,
          entities: [SCADA],
        },
        ONCALL,
      );
      const launch = (tpl: string, step: number) =>
        store.record(
          incident.id,
          {
            type: 'template-task',
            text: `Launched template ${tpl} from step "${step}"`,
            runbookId: 'service-down',
            step,
            template: tpl,
            taskUrl: `http://localhost:3000/create/templates/default/${tpl}`,
            outcome: 'launched',
            parameters: { entity: SCADA, environment: 'production' },
          },
          ONCALL,
        );

      // A task from before the launch, someone else's, and one for another target are not this launch's.
      const earlier = await createTask(ONCALL, 'rollback', {
        entity: SCADA,
        dryRun: true,
      });
      await until(
        async () => (await status(earlier)) === 'completed',
        'the earlier task',
      );
      await launch('rollback', 3);
      await createTask(OTHER, 'rollback', { entity: SCADA, dryRun: true });
      await createTask(ONCALL, 'rollback', {
        entity: 'component:default/ms5-gateway',
        dryRun: true,
      });
      const follower = newFollower(store);
      await follower.followOnce();
      expect((await store.pendingTasks()).map(f => f.status)).toEqual([
        'waiting',
      ]);

      // The person submits the form (environment changed to staging on it): the dry-run task.
      const rollback = await createTask(ONCALL, 'rollback', {
        entity: SCADA,
        environment: 'staging',
        dryRun: true,
      });
      await until(
        async () => (await status(rollback)) === 'completed',
        'the rollback task',
      );
      await follower.followOnce();
      // Found and already over: its start and outcome in one round.
      expect(await store.pendingTasks()).toEqual([]);

      // A failing and a cancelled task, the second followed by a new follower (a restarted backend).
      await launch('restore-scale', 4);
      await launch('drain-node', 5);
      const failing = await createTask(ONCALL, 'restore-scale', {
        entity: SCADA,
        dryRun: false,
      });
      const slow = await createTask(ONCALL, 'drain-node', {
        entity: SCADA,
        dryRun: false,
      });
      await until(
        async () =>
          (await status(slow)) === 'processing' &&
          (await status(failing)) === 'failed',
        'the drain task to start, the other to fail',
      );
      await follower.followOnce();
      expect(
        (await store.pendingTasks()).map(f => [f.template, f.status, f.taskId]),
      ).toEqual([['drain-node', 'following', slow]]);
      const restarted = newFollower(
        await IncidentStore.create(
          { getClient: async () => knex, migrations: { skip: false } },
          now,
        ),
      );
      await request(server)
        .post(`/api/scaffolder/v2/tasks/${slow}/cancel`)
        .set('authorization', mockCredentials.user.header(ONCALL))
        .expect(200);
      // The scaffolder ends a cancelled run as failed, with a cancelled event.
      await until(
        async () => (await status(slow)) === 'failed',
        'the cancelled task to end',
      );
      await restarted.followOnce();
      expect(await store.pendingTasks()).toEqual([]);

      // A launch whose form was never submitted is given up after the wait.
      await launch('rollback', 3);
      await restarted.followOnce();
      expect((await store.pendingTasks()).map(f => f.status)).toEqual([
        'waiting',
      ]);
      ahead = 61 * 60_000;
      await restarted.followOnce();

      const taskEvents = (await store.get(incident.id)).timeline.filter(
        e => e.type === 'template-task' && e.outcome !== 'launched',
      );
      const link = (id: string) => `http://localhost:3000/create/tasks/${id}`;
      expect(
        taskEvents.map(e => [e.text, e.outcome, e.taskUrl, e.template, e.step]),
      ).toEqual([
        [
          'Dry-run task of template rollback started',
          'running',
          link(rollback),
          'rollback',
          3,
        ],
        [
          'Dry-run task of template rollback completed',
          'dry-run completed',
          link(rollback),
          'rollback',
          3,
        ],
        [
          'Task of template restore-scale started',
          'running',
          link(failing),
          'restore-scale',
          4,
        ],
        [
          expect.stringMatching(
            /^Task of template restore-scale failed: .*plant:not-registered/,
          ),
          'failed',
          link(failing),
          'restore-scale',
          4,
        ],
        [
          'Task of template drain-node started',
          'running',
          link(slow),
          'drain-node',
          5,
        ],
        [
          'Task of template drain-node cancelled',
          'cancelled',
          link(slow),
          'drain-node',
          5,
        ],
        [
          'No task was created from the launch of template rollback within 60 minutes',
          'not run',
          undefined,
          'rollback',
          3,
        ],
      ]);
      expect(
        taskEvents.every(
          e => e.actor === ONCALL && e.runbookId === 'service-down',
        ),
      ).toBe(true);
      expect(taskEvents.some(e => e.taskUrl?.includes(earlier))).toBe(false);
    });

    it('lists recent deployments: ArgoCD history, ReplicaSet revisions and deploy/rollback runs from the portal', async () => {
      const k8s = await startKubernetesDouble({ podReadyDelayMs: 10 });
      const argo = await startArgoCdDouble({ syncDelayMs: 10 });
      try {
        k8s.seed({
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: {
            name: 'scada-service',
            namespace: 'iip-applications',
            labels: { app: 'scada-service' },
          },
          spec: {
            replicas: 1,
            selector: { matchLabels: { app: 'scada-service' } },
            template: {
              metadata: { labels: { app: 'scada-service' } },
              spec: { containers: [{ name: 'scada', image: 'scada:1.4.1' }] },
            },
          },
        });
        const apps = k8s.kubeConfig().makeApiClient(AppsV1Api);
        await k8s.waitFor(
          'apps/v1',
          'Deployment',
          'iip-applications',
          'scada-service',
          d =>
            d.metadata.annotations?.['deployment.kubernetes.io/revision'] ===
            '1',
        );
        // A new image: revision 2 (again on a conflict with the double's controller writing the status).
        for (let attempt = 0; ; attempt++) {
          const d = await apps.readNamespacedDeployment({
            name: 'scada-service',
            namespace: 'iip-applications',
          });
          d.spec!.template.spec!.containers[0].image = 'scada:1.4.2';
          try {
            await apps.replaceNamespacedDeployment({
              name: 'scada-service',
              namespace: 'iip-applications',
              body: d,
            });
            break;
          } catch (e) {
            if (attempt > 20 || !/HTTP-Code: 409/.test(String(e))) throw e;
          }
        }
        await k8s.waitFor(
          'apps/v1',
          'Deployment',
          'iip-applications',
          'scada-service',
          x =>
            x.metadata.annotations?.['deployment.kubernetes.io/revision'] ===
            '2',
        );
        argo.seed({
          name: 'iip-platform-prod',
          history: ['a1b2c3', 'd4e5f6'],
          autoSync: false,
        });

        const entity = {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Component',
          metadata: {
            name: 'scada-service',
            namespace: 'default',
            annotations: {
              'backstage.io/kubernetes-id': 'scada-service',
              'backstage.io/kubernetes-namespace': 'iip-applications',
              'argocd/app-name': 'iip-platform-prod',
            },
          },
          spec: {
            type: 'service',
            lifecycle: 'production',
            owner: 'group:default/platform-team',
            dependsOn: ['resource:default/iip-aks'],
          },
        };
        const cluster = {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Resource',
          metadata: { name: 'iip-aks', namespace: 'default' },
          spec: {
            type: 'kubernetes-cluster',
            owner: 'group:default/platform-team',
          },
        };
        const deployed = await createTask(ONCALL, 'deploy', {
          entity: SCADA,
          environment: 'staging',
          dryRun: true,
        });
        await until(
          async () => (await status(deployed)) === 'completed',
          'the deploy task',
        );

        const recent = new RecentDeployments({
          config: new ConfigReader({
            plant: {
              kubernetes: {
                clusters: [
                  {
                    name: 'iip-aks',
                    url: k8s.url,
                    serviceAccountToken: k8s.token,
                    skipTLSVerify: true,
                  },
                ],
              },
              argocd: {
                instances: [{ name: 'iip', url: argo.url, token: argo.token }],
              },
            },
          }),
          catalog: catalogServiceMock({ entities: [entity, cluster] }),
          credentials: async () => mockCredentials.service(),
          tasks: new ScaffolderTasks(follow!),
        });
        const { items, sources } = await recent.of(entity);
        expect(sources.map(x => [x.source, x.status])).toEqual([
          ['argocd', 'ok'],
          ['kubernetes', 'ok'],
          ['portal', 'ok'],
        ]);
        expect(
          items
            .filter(i => i.source === 'argocd')
            .map(i => [i.revision, i.description]),
        ).toEqual([
          ['history 1', 'ArgoCD iip/iip-platform-prod deployed d4e5f6'],
          ['history 0', 'ArgoCD iip/iip-platform-prod deployed a1b2c3'],
        ]);
        expect(
          items
            .filter(i => i.source === 'kubernetes')
            .map(i => [i.revision, i.description])
            .sort(),
        ).toEqual([
          [
            'revision 1',
            'Deployment scada-service in iip-aks/iip-applications: scada:1.4.1',
          ],
          [
            'revision 2',
            'Deployment scada-service in iip-aks/iip-applications: scada:1.4.2, current',
          ],
        ]);
        expect(items.find(i => i.taskId === deployed)).toMatchObject({
          source: 'portal',
          revision: 'deploy',
          description: `Dry-run of deploy in staging by ${ONCALL}: completed`,
        });
        // Only deploy and rollback runs of this entity: the failed restore-scale of the other case is not one.
        expect(
          items
            .filter(i => i.source === 'portal')
            .every(i =>
              /^(Dry-run of )?(deploy|rollback) /.test(i.description),
            ),
        ).toBe(true);
        // Newest first.
        expect(items.map(i => i.at ?? '')).toEqual(
          items
            .map(i => i.at ?? '')
            .slice()
            .sort()
            .reverse(),
        );

        // A source that cannot be read says why; the others still answer.
        await argo.stop();
        const partial = await recent.of(entity);
        expect(partial.sources.find(x => x.source === 'argocd')).toMatchObject({
          status: 'unknown',
          message: expect.stringContaining(
            'ArgoCD iip: reading application iip-platform-prod failed',
          ),
        });
        expect(partial.items.some(i => i.source === 'kubernetes')).toBe(true);
      } finally {
        await k8s.stop();
        await argo.stop().catch(() => undefined);
      }
    });
  });
});
