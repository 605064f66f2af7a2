import type { LoggerService } from '@backstage/backend-plugin-api';
import { sameEntityRef } from '@plantops/backstage-plugin-plant-common';
import type { FollowedTask, IncidentStore } from './IncidentStore';
import type { ScaffolderTask, ScaffolderTasks } from './ScaffolderTasks';

const ENDED = new Set(['completed', 'failed', 'cancelled', 'skipped']);

export interface TaskFollowerOptions {
  store: IncidentStore;
  tasks: Pick<ScaffolderTasks, 'get' | 'listCreatedBy' | 'endOf'>;
  logger: LoggerService;
  /** The app's base URL, for the task links on the timeline. */
  appBaseUrl: string;
  /** A launch without a task after this long is given up. Default 60 minutes. */
  waitMinutes?: number;
  /** Clock skew allowed between the launch and the task's creation (two databases' clocks). Default 2 minutes. */
  skewMs?: number;
  now?: () => Date;
}

/**
 * Follows the scaffolder tasks launched from runbook steps: finds the task a
 * launch created (same person, template and target, created after the
 * launch), then polls it until it ends and records the outcome on the
 * incident. All state is in the table, so a restart resumes where it was.
 */
export class TaskFollower {
  private readonly waitMs: number;
  private readonly skewMs: number;
  private readonly now: () => Date;

  constructor(private readonly options: TaskFollowerOptions) {
    this.waitMs = (options.waitMinutes ?? 60) * 60_000;
    this.skewMs = options.skewMs ?? 2 * 60_000;
    this.now = options.now ?? (() => new Date());
  }

  /** One round over every pending launch. */
  async followOnce(): Promise<void> {
    const pending = await this.options.store.pendingTasks();
    const waitingBy = new Map<string, FollowedTask[]>();
    for (const f of pending) {
      if (f.status === 'waiting') waitingBy.set(f.actor, [...(waitingBy.get(f.actor) ?? []), f]);
    }
    for (const [actor, follows] of waitingBy) {
      try {
        await this.findTasks(actor, follows);
      } catch (e) {
        this.options.logger.warn(`Could not list the scaffolder tasks of ${actor} for incident launches: ${(e as Error).message}`);
      }
    }
    for (const f of await this.options.store.pendingTasks()) {
      if (f.status !== 'following' || !f.taskId) continue;
      try {
        const task = await this.options.tasks.get(f.taskId);
        if (!task) {
          await this.options.store.taskEnded(f, 'done', this.event(f, `Task ${f.taskId} of template ${f.template} no longer exists in the scaffolder`, 'unknown', f.taskId));
        } else if (ENDED.has(task.status)) {
          await this.ended(f, task);
        }
      } catch (e) {
        this.options.logger.warn(`Could not read scaffolder task ${f.taskId} for incident ${f.incidentId}: ${(e as Error).message}`);
      }
    }
  }

  private async findTasks(actor: string, follows: FollowedTask[]) {
    const tasks = (await this.options.tasks.listCreatedBy(actor)).slice().reverse(); // oldest first
    const claimed = await this.options.store.claimedTaskIds(tasks.map(t => t.id));
    for (const f of follows) {
      const launched = Date.parse(f.launchedAt);
      const task = tasks.find(
        t =>
          !claimed.has(t.id) &&
          sameEntityRef(t.spec.templateInfo?.entityRef ?? '', `template:default/${f.template}`) &&
          Date.parse(t.createdAt) >= launched - this.skewMs &&
          this.sameTarget(f, t),
      );
      if (task) {
        claimed.add(task.id);
        const dry = task.spec.parameters?.dryRun === true;
        await this.options.store.taskFound(f, task.id, this.event(f, `${dry ? 'Dry-run task' : 'Task'} of template ${f.template} started`, 'running', task.id));
        if (ENDED.has(task.status)) await this.ended({ ...f, taskId: task.id, status: 'following' }, task);
      } else if (this.now().getTime() - launched > this.waitMs) {
        await this.options.store.taskEnded(
          f,
          'expired',
          this.event(f, `No task was created from the launch of template ${f.template} within ${Math.round(this.waitMs / 60_000)} minutes`, 'not run'),
        );
      }
    }
  }

  /**
   * The task targets the entity the step prefilled. Other prefilled values
   * (environment, namespace) the person may change on the form.
   */
  private sameTarget(f: FollowedTask, t: ScaffolderTask): boolean {
    const want = f.parameters.entity;
    if (typeof want !== 'string' || !want) return true;
    const got = t.spec.parameters?.entity;
    return typeof got === 'string' && sameEntityRef(got, want);
  }

  private async ended(f: FollowedTask, task: ScaffolderTask) {
    const dry = task.spec.parameters?.dryRun === true;
    let status: string = task.status;
    let why: string | undefined;
    if (status === 'failed' || status === 'cancelled') {
      const end = await this.options.tasks.endOf(task.id).catch(() => undefined);
      if (end?.cancelled) status = 'cancelled';
      else why = end?.message;
    }
    const outcome = `${dry ? 'dry-run ' : ''}${status}`;
    let text = `${dry ? 'Dry-run task' : 'Task'} of template ${f.template} ${status}`;
    if (why) text += `: ${why.length > 300 ? `${why.slice(0, 300)}...` : why}`;
    await this.options.store.taskEnded(f, 'done', this.event(f, text, outcome, task.id));
  }

  private event(f: FollowedTask, text: string, outcome: string, taskId?: string) {
    return {
      type: 'template-task' as const,
      text,
      template: f.template,
      runbookId: f.runbookId,
      step: f.step,
      outcome,
      taskUrl: taskId ? `${this.options.appBaseUrl.replace(/\/+$/, '')}/create/tasks/${encodeURIComponent(taskId)}` : undefined,
    };
  }
}
