import { performance } from "node:perf_hooks";
import { checkHealth, failedChecks, healthTable } from "../checks/stack-health.js";
import type { Command } from "../command.js";
import type { Workload } from "../model/index.js";
import type { RunContext, Step } from "../runbook/define.js";
import { settingsStatements } from "./settings.js";
import { readSettings } from "./settings.js";
import type { RestoreRun } from "./run.js";
import { timed } from "./run.js";
import { endSessions, fence, rename, runStatements, sqlCall, unfence } from "./server.js";
import { surveyServer } from "./state.js";
import {
  readCommand,
  readWorkload,
  replicasBefore,
  startCommands,
  stopCommands,
  type WorkloadState,
} from "./workloads.js";
import { t } from "../i18n/index.js";

/**
 * The fenced swap and what surrounds it: the survey of the server (and the repair of whatever a
 * killed run left), the live database's settings, and the swap itself, one step per command or
 * statement group so that a failure anywhere rolls back exactly what was done, newest first.
 */

export function surveyStep(run: RestoreRun): Step {
  const { live, facts } = run;
  return {
    title: t`Survey the server: ${live}, copies kept by earlier restores, anything a killed run left`,
    kind: "read",
    run: async (step) => {
      facts.survey = await surveyServer(await run.target(step), live);
      const { live: db, kept, found } = facts.survey;
      const state = db
        ? t`${live}: ${(db.bytes / 1048576).toFixed(1)} MiB in tablespace ${db.tablespace}`
        : t`${live} does not exist`;
      return {
        summary: `${state}; ${kept.length === 1 ? t`1 kept copy` : t`${kept.length} kept copies`}; ${found.length === 0 ? t`nothing left by a killed run` : t`found: ${found.join("; ")}`}`,
        evidence:
          [
            ...found.map((f) => t`found: ${f}`),
            ...kept.map((k) => t`kept: ${k.name} (${k.size}, ${k.age} old)`),
          ].join("\n") || undefined,
        data: facts.survey,
      };
    },
  };
}

/** Brings back the live database a killed run left half swapped (or says there is nothing). */
export function repairStep(run: RestoreRun): Step {
  const { database, facts } = run;
  const statements = () => facts.survey?.repair ?? [];
  return {
    title: t`Repair what an interrupted restore or rollback left, if anything`,
    kind: "change",
    action: () =>
      statements().length > 0
        ? { call: sqlCall({ database }, statements()) }
        : { target: { repair: t`nothing to repair` } },
    run: async (step) => {
      if (statements().length === 0) return { summary: t`nothing to repair` };
      await runStatements(await run.target(step), statements());
      // After what the workloads' repair steps found: the output names both.
      facts.repaired.push(...facts.survey!.found);
      return {
        summary: t`found and repaired: ${facts.repaired.join("; ")}`,
        evidence: statements().join("\n"),
      };
    },
    manualUndo: t`nothing to undo: it brought back the database as it was before the interrupted run`,
  };
}

/** A workload stopped by a run that died is started again before anything else. */
export function workloadSteps(run: RestoreRun, w: Workload): { read: Step; repair: Step } {
  const { ctx, facts } = run;
  const state = () => facts.workloads.get(w.ref);
  const repair = (): Command | undefined => {
    const s = state();
    return s?.remembered !== undefined && s.replicas !== s.remembered
      ? ctx.kubectl.command(["scale", w.ref, `--replicas=${s.remembered}`])
      : undefined;
  };
  return {
    read: {
      title: t`Read ${w.ref}'s replicas`,
      kind: "read",
      action: () => ({ command: readCommand(ctx.kubectl, w) }),
      run: async (step) => {
        const s = await readWorkload(step.kubectl, w);
        facts.workloads.set(w.ref, s);
        const note =
          s.remembered === undefined ? "" : t`; an interrupted run left ${s.remembered} remembered`;
        return { summary: t`${s.replicas} replica(s)${note}`, data: s };
      },
    },
    repair: {
      title: t`Start ${w.ref} again if an interrupted run left it stopped`,
      kind: "change",
      action: () => {
        const command = repair();
        return command
          ? { command }
          : { target: { workload: w.ref, repair: t`nothing to repair` } };
      },
      run: async (step) => {
        const command = repair();
        if (!command) return { summary: t`nothing to repair` };
        await step.exec(command);
        facts.repaired.push(
          t`${w.ref} was left at ${state()!.replicas} replica(s): scaled back to ${state()!.remembered}`,
        );
        return { summary: t`scaled back to ${state()!.remembered}` };
      },
      manualUndo: t`nothing to undo: it started what an interrupted run had stopped`,
    },
  };
}

export function settingsStep(run: RestoreRun): Step {
  const { live, facts } = run;
  return {
    title: t`Read ${live}'s owner, grants and settings, to apply them to the restored copy`,
    kind: "read",
    run: async (step) => {
      facts.settings = await readSettings(await run.target(step), live);
      const { owner, grants, config } = facts.settings;
      return {
        summary: t`owner ${owner}, ${grants?.length ?? t`default`} grant(s), ${config.length} setting(s)`,
        data: facts.settings,
      };
    },
  };
}

/**
 * The downtime the plan announces: only the swap stops anything. Its statements take well under a
 * second; ending sessions waits up to 30 s; each workload adds its scale-down and its rollout.
 */
export function downtimeStep(run: RestoreRun): Step {
  const refs = run.workloads.map((w) => w.ref);
  const workloads =
    refs.length === 0
      ? t`no workloads to stop (usedBy has none in the cluster)`
      : t`plus stopping ${refs.join(", ")} and their rollout when they start again (up to 5 min each)`;
  return {
    title: t`Expected downtime`,
    kind: "read",
    run: async () => ({
      summary: t`the swap alone: about a second of renames (up to 30 s while sessions end), ${workloads}; download, restore and verification happen before it, with the application running`,
    }),
  };
}

export interface SwapNames {
  /** The database that becomes live: the scratch copy, or a kept copy on --rollback. */
  readonly incoming: () => string;
  /** What the live database is renamed to. */
  readonly outgoing: string;
  /** Re-apply the live database's settings to the incoming one (a restored copy). */
  readonly settings: boolean;
}

/**
 * The swap: the only downtime. Workloads stop, nobody can connect, the renames, the settings,
 * connections allowed, workloads back. Every step undoes itself when a later one fails.
 */
export function swapSteps(run: RestoreRun, names: SwapNames): Step[] {
  const { live, database, facts } = run;
  const sql = (statements: () => string[]) => () => ({ call: sqlCall({ database }, statements()) });
  const exec = (statements: () => string[]) => async (step: RunContext) =>
    runStatements(await run.target(step), statements());
  const swapping = <T>(work: () => Promise<T>) => timed(facts, "swap", work);
  // Downtime runs from the first workload stopped (or the fence) to the last one back (or connections allowed).
  const sqlStep = (title: string, statements: () => string[], undo?: () => string[]): Step => ({
    title,
    kind: "change",
    action: sql(statements),
    run: (step) =>
      swapping(async () => {
        facts.downtime ??= { from: performance.now() };
        await exec(statements)(step);
        facts.downtime.to = performance.now();
      }),
    ...(undo
      ? { rollback: { action: sql(undo), run: exec(undo) } }
      : { manualUndo: t`nothing to undo on its own: the steps around it undo the swap` }),
  });
  const incoming = names.incoming;
  return [
    ...run.workloads.flatMap((w) => stopSteps(run, w)),
    sqlStep(
      t`Fence ${live}: no new connections`,
      () => [fence(live), fence(incoming())],
      () => [unfence(live)],
    ),
    sqlStep(t`End the sessions left on ${live}`, () => [endSessions(live)]),
    sqlStep(
      t`Rename ${live} → ${names.outgoing}`,
      () => [rename(live, names.outgoing)],
      () => [rename(names.outgoing, live)],
    ),
    sqlStep(
      t`Rename the incoming copy → ${live}`,
      () => [rename(incoming(), live)],
      () => [endSessions(live), rename(live, incoming())],
    ),
    ...(names.settings
      ? [
          sqlStep(t`Apply ${live}'s owner, grants and settings`, () =>
            settingsStatements(live, facts.settings!),
          ),
        ]
      : []),
    sqlStep(
      t`Allow connections to ${live}`,
      () => [unfence(live)],
      () => [fence(live), endSessions(live)],
    ),
    ...run.workloads.flatMap((w) => startSteps(run, w)),
  ];
}

function stopSteps(run: RestoreRun, w: Workload): Step[] {
  const { ctx, facts } = run;
  const state = (): WorkloadState =>
    facts.workloads.get(w.ref) ?? { ref: w.ref, replicas: 0, remembered: undefined };
  const [remember, scale] = stopCommands(ctx.kubectl, {
    ref: w.ref,
    replicas: 0,
    remembered: undefined,
  });
  const commands = () => stopCommands(ctx.kubectl, state());
  return [
    {
      title: t`Write ${w.ref}'s replica count on it`,
      kind: "change",
      action: () => ({ command: commands()[0] ?? remember! }),
      run: async (step) => {
        facts.downtime ??= { from: performance.now() };
        await timed(facts, "swap", () => step.exec(commands()[0]!));
        return { summary: t`${replicasBefore(state())} replica(s) remembered` };
      },
      manualUndo: t`nothing to undo: the annotation is removed when the workload starts again`,
    },
    {
      title: t`Scale ${w.ref} to 0`,
      kind: "change",
      action: () => ({ command: commands()[1] ?? scale! }),
      run: (step) => timed(facts, "swap", async () => void (await step.exec(commands()[1]!))),
      rollback: {
        action: () => ({ command: startCommands(ctx.kubectl, state())[0]! }),
        run: async (step) => void (await step.exec(startCommands(ctx.kubectl, state())[0]!)),
      },
    },
  ];
}

function startSteps(run: RestoreRun, w: Workload): Step[] {
  const { ctx, facts } = run;
  const state = (): WorkloadState =>
    facts.workloads.get(w.ref) ?? { ref: w.ref, replicas: 0, remembered: undefined };
  const command = (i: number) => startCommands(ctx.kubectl, state())[i]!;
  const step = (title: string, i: number, extra: Partial<Step>): Step => ({
    title,
    kind: i === 2 ? "verify" : "change",
    action: () => ({ command: command(i) }),
    run: (s) =>
      timed(facts, "swap", async () => {
        await s.exec(command(i), { signal: s.signal });
        if (facts.downtime) facts.downtime.to = performance.now();
      }),
    ...extra,
  });
  return [
    step(t`Scale ${w.ref} back to its replicas`, 0, {
      rollback: {
        action: () => ({ command: stopCommands(ctx.kubectl, state())[1]! }),
        run: async (s) => void (await s.exec(stopCommands(ctx.kubectl, state())[1]!)),
      },
    }),
    step(t`Remove ${w.ref}'s remembered replica count`, 1, {
      manualUndo: t`nothing to undo: a note guardia no longer needs`,
    }),
    step(t`Wait for ${w.ref}'s rollout`, 2, { timeoutMs: 330_000 }),
  ];
}

/** The usedBy services' health endpoints and the database itself, after the swap. */
export function healthStep(run: RestoreRun): Step {
  const { ctx, database } = run;
  const services = ctx.platform.services.filter((s) => database.usedBy.includes(s.name));
  const scope = {
    probes: services.flatMap((s) =>
      s.health.map((h) => ({ kind: "endpoint" as const, name: s.name, target: h })),
    ),
    databases: [database],
  };
  return {
    title: t`Health-check ${database.name} and the services that use it`,
    kind: "verify",
    retries: 5,
    retryDelayMs: 3000,
    action: () => ({
      call: scope.probes.map((p) => `GET ${p.target.url}`).join("\n") || undefined,
      target: { database: `${database.host}:${database.port}/${database.database}` },
    }),
    run: async (step) => {
      const rows = await checkHealth(scope, step.pg, step.signal);
      const failed = failedChecks(rows);
      if (failed) throw new Error(t`health check failed after the swap:\n${failed}`);
      return { summary: t`${rows.length} check(s) passed`, evidence: healthTable(rows) };
    },
  };
}
