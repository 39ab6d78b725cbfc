import type { Command } from "../../command.js";
import { READ_QUEUES_SCRIPT } from "../../monitoring/celery-queues.js";
import type { Celery } from "../../model/index.js";
import type { Step } from "../../runbook/types.js";
import { SOURCES } from "../checklist.js";
import { checkStep, humanDuration, type Finding, type RoutineRun } from "../check-step.js";
import { t } from "../../i18n/index.js";

/**
 * Daily: the depth of each Celery queue and the age of its oldest task, read from the broker
 * itself with redis-cli (the password in REDISCLI_AUTH, never in argv). The age is what guardia's
 * redis_exporter recorded (lib/monitoring/celery-queues.ts); a queue deeper than at the previous
 * report is growing.
 */

export function queueCommand(celery: Celery): Command {
  return {
    argv: ["redis-cli", "-u", celery.brokerUrl, "EVAL", READ_QUEUES_SCRIPT, "0", ...celery.queues],
    ...(celery.passwordSecret && { secretEnv: ["REDISCLI_AUTH"] }),
  };
}

interface QueueState {
  readonly queue: string;
  readonly depth: number;
  /** Seconds; undefined when the exporter never saw the oldest message. */
  readonly ageSeconds: number | undefined;
}

/** redis-cli prints a flat array reply one element per line when its output is not a terminal. */
export function parseQueueReply(stdout: string): QueueState[] {
  const values = stdout.trim().split("\n").filter(Boolean);
  if (values.length % 3 !== 0)
    throw new Error(t`unexpected answer from redis-cli: ${stdout.slice(0, 200)}`);
  const states: QueueState[] = [];
  for (let i = 0; i < values.length; i += 3) {
    const [queue, depth, age] = [values[i]!, Number(values[i + 1]), Number(values[i + 2])];
    if (!Number.isInteger(depth) || !Number.isInteger(age))
      throw new Error(t`unexpected answer from redis-cli: ${stdout.slice(0, 200)}`);
    states.push({ queue, depth, ageSeconds: age < 0 ? undefined : age });
  }
  return states;
}

export function jobQueueSteps(run: RoutineRun): Step[] {
  const celery = run.platform.celery;
  if (!celery) return [];
  const command = queueCommand(celery);
  const states = new Map<string, QueueState>();
  const read: Step = {
    title: t`Read the depth and oldest task of the Celery queues (${celery.queues.join(", ")}) from the broker`,
    kind: "read",
    timeoutMs: 60_000,
    action: () => ({ command }),
    run: async (step) => {
      states.clear();
      const secret = celery.passwordSecret
        ? await step.secret(celery.passwordSecret, t`password of the Celery broker`)
        : undefined;
      try {
        const { stdout } = await step.exec(command, {
          ...(secret && { secrets: { REDISCLI_AUTH: secret } }),
          timeoutMs: 30_000,
        });
        for (const state of parseQueueReply(stdout)) states.set(state.queue, state);
      } catch (err) {
        if (step.signal.aborted) throw err;
        // Each queue's item then says the broker could not be read.
        return { summary: t`could not read the broker: ${(err as Error).message.split("\n")[0]}` };
      }
      return { summary: [...states.values()].map((s) => `${s.queue}: ${s.depth}`).join(", ") };
    },
  };
  return [read, ...celery.queues.map((queue) => queueStep(run, celery, queue, states))];
}

function queueStep(
  run: RoutineRun,
  celery: Celery,
  queue: string,
  states: ReadonlyMap<string, QueueState>,
): Step {
  return checkStep(
    run,
    {
      title: t`Judge Celery queue ${queue} (oldest task at most ${celery.maxTaskAge})`,
      item: { id: `job-queue/${queue}`, title: t`Celery queue ${queue}`, source: SOURCES.jobQueue },
    },
    async () => {
      const state = states.get(queue);
      if (!state) throw new Error(t`the broker ${celery.brokerUrl} could not be read`);
      return queueFinding(run, celery, state);
    },
  );
}

function queueFinding(run: RoutineRun, celery: Celery, state: QueueState): Finding {
  const before = run.previous(`job-queue/${state.queue}`)?.data?.depth;
  const data = { depth: state.depth, oldestTaskSeconds: state.ageSeconds ?? null };
  const age =
    state.depth === 0
      ? t`empty`
      : state.ageSeconds === undefined
        ? t`${state.depth} waiting, oldest task's age not recorded (guardia's redis_exporter records it)`
        : t`${state.depth} waiting, the oldest for ${humanDuration(state.ageSeconds)}`;
  const trend = typeof before === "number" ? t` (${before} at the previous report)` : "";
  if (state.ageSeconds !== undefined && state.ageSeconds > celery.maxTaskAge.seconds)
    return {
      verdict: "failed",
      summary: t`${age}, over ${celery.maxTaskAge}: are the workers of ${celery.service} consuming?${trend}`,
      data,
    };
  if (typeof before === "number" && state.depth > before)
    return { verdict: "attention", summary: t`${age}: growing${trend}`, data };
  return { verdict: "ok", summary: `${age}${trend}`, data };
}
