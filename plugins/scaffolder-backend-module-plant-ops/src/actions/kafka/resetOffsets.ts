import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { JsonObject } from '@backstage/types';
import type { Admin } from 'kafkajs';
import type { PlantOpsDeps } from '../../deps';
import { fieldError } from '../../lib/errors';
import { Redactor } from '../../lib/redact';
import { kafkaClient, resolveKafkaCluster } from './clusters';
import { examples } from './resetOffsets.examples';
import { dryRunField } from '../../lib/dryRun';
import { startOperation } from '../../lib/operation';

interface PartitionPlan extends JsonObject {
  partition: number;
  /** Committed offset before, or null when the group had none. */
  before: string | null;
  after: string;
}

/** Members of a group; a reset is only safe (and only accepted by Kafka) when there are none. */
async function members(admin: Admin, groupId: string) {
  const { groups } = await admin.describeGroups([groupId]);
  const g = groups[0];
  return { state: g?.state ?? 'Dead', members: (g?.members ?? []).map(m => `${m.clientId} (${m.clientHost})`) };
}

/**
 * plant:kafka:reset-offsets: moves a consumer group's committed offsets on a
 * topic to earliest, latest or a timestamp, as kafka-consumer-groups.sh
 * --reset-offsets does, only while the group has no members.
 */
export function createKafkaResetOffsetsAction(deps: PlantOpsDeps) {
  const { auditor, catalog, config } = deps;
  return createTemplateAction({
    id: 'plant:kafka:reset-offsets',
    description:
      "Resets a consumer group's offsets for a topic to the earliest or latest offset or to a timestamp, only when the group is empty (no members); outputs the offsets before and after per partition.",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        dryRun: dryRunField,
        broker: z => z.string().describe('Catalog Resource (type message-broker) of the Kafka cluster, e.g. resource:default/ms5-kafka'),
        topic: z => z.string().describe('Topic whose offsets are reset, e.g. ms5.telemetry'),
        groupId: z => z.string().describe('Consumer group, e.g. ms5-consumer-group; its consumers must be stopped'),
        to: z => z.enum(['earliest', 'latest', 'timestamp']).describe('Where to: earliest, latest, or the first message at or after timestamp'),
        timestamp: z =>
          z.string().optional().describe('ISO 8601 time (e.g. 2026-01-31T06:00:00Z), required when to is timestamp'),
      },
      output: {
        partitions: z =>
          z
            .array(z.object({ partition: z.number(), before: z.string().nullable(), after: z.string() }))
            .describe('Offsets per partition before and after the reset (in a dry run: the planned after)'),
        groupState: z => z.string().describe('Group state seen before the reset (Empty, or Dead for a group with no members ever)'),
      },
    },
    async handler(ctx) {
      const { topic, groupId, to } = ctx.input;
      let timestampMs: number | undefined;
      if (to === 'timestamp') {
        if (!ctx.input.timestamp) throw fieldError('timestamp', 'is required when to is "timestamp"', 'Give an ISO 8601 time such as 2026-01-31T06:00:00Z');
        timestampMs = Date.parse(ctx.input.timestamp);
        if (Number.isNaN(timestampMs)) {
          throw fieldError('timestamp', `"${ctx.input.timestamp}" is not a time`, 'Give an ISO 8601 time such as 2026-01-31T06:00:00Z');
        }
      }
      if (!groupId.trim()) throw fieldError('groupId', 'is empty', 'Give the consumer group id');
      const op = await startOperation(ctx, auditor, async credentials => {
        const cluster = await resolveKafkaCluster({ catalog, config }, credentials, 'broker', ctx.input.broker);
        return { id: `${cluster.ref}/${topic}/${groupId}`, cluster };
      });
      const { cluster } = op.target;
      const { dryRun } = op;
      const redactor = new Redactor();
      redactor.add(cluster.secret);
      const admin = kafkaClient(cluster).admin();

      await op.run('plant:kafka:reset-offsets', { to }, async (): Promise<JsonObject> => {
        try {
          await admin.connect();
          ctx.signal?.throwIfAborted();
          const topics = await admin.listTopics();
          if (!topics.includes(topic)) throw fieldError('topic', `no topic "${topic}" on ${cluster.name}`, 'Check the topic name (kafka-topics.sh --list)');

          const group = await members(admin, groupId);
          if (group.members.length > 0) {
            throw fieldError(
              'groupId',
              `consumer group ${groupId} has ${group.members.length} active member(s): ${group.members.join(', ')}`,
              'Stop its consumers (scale them to 0) and run the reset again',
            );
          }
          const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
          const before = new Map(committed.partitions.map(p => [p.partition, p.offset === '-1' ? null : p.offset]));
          const ends = await admin.fetchTopicOffsets(topic);
          const byTime = timestampMs !== undefined ? await admin.fetchTopicOffsetsByTimestamp(topic, timestampMs) : [];
          const plan: PartitionPlan[] = ends
            .map(e => {
              let after = to === 'earliest' ? e.low : e.high;
              if (to === 'timestamp') {
                const t = byTime.find(b => b.partition === e.partition)?.offset;
                // No message at or after the time: the end, as kafka-consumer-groups.sh does.
                after = t === undefined || t === '-1' ? e.high : t;
              }
              return { partition: e.partition, before: before.get(e.partition) ?? null, after };
            })
            .sort((a, b) => a.partition - b.partition);
          for (const p of plan) ctx.logger.info(`${dryRun ? '[dry run] ' : ''}${topic}[${p.partition}] ${groupId}: ${p.before ?? 'none'} -> ${p.after}`);
          ctx.output('groupState', group.state);
          if (dryRun) {
            ctx.output('partitions', plan);
            return { partitions: plan };
          }

          const result = await ctx.checkpoint({
            key: `kafka-reset-offsets:${cluster.name}:${topic}:${groupId}`,
            fn: async () => {
              ctx.signal?.throwIfAborted();
              // A consumer may have joined since the first look: Kafka would refuse the commit anyway, say it plainly.
              const again = await members(admin, groupId);
              if (again.members.length > 0) {
                throw fieldError('groupId', `a consumer joined ${groupId} during the reset (${again.members.join(', ')}); nothing was changed`, 'Stop its consumers and run the reset again');
              }
              await admin.setOffsets({ groupId, topic, partitions: plan.map(p => ({ partition: p.partition, offset: p.after })) });
              const [now] = await admin.fetchOffsets({ groupId, topics: [topic] });
              const wrong = plan.filter(p => now.partitions.find(n => n.partition === p.partition)?.offset !== p.after);
              if (wrong.length) throw new Error(`offsets after the reset differ from the plan on partitions ${wrong.map(w => w.partition).join(', ')}`);
              return plan;
            },
          });
          ctx.output('partitions', result);
          return { partitions: result };
        } catch (e) {
          throw redactor.error(e);
        } finally {
          await admin.disconnect().catch(() => {});
        }
      });
    },
  });
}
