import { UsageError } from "../errors.js";
import type { Step } from "../runbook/define.js";
import { formatTable } from "../table.js";
import { parseCopyName } from "./names.js";
import type { RestoreRun } from "./run.js";
import { dropDatabase, runStatements, sqlCall } from "./server.js";
import { surveyStep } from "./swap-steps.js";
import { t } from "../i18n/index.js";

/**
 * The copies restores and rollbacks keep: listed with their size and age, chosen by --rollback
 * (the newest), and dropped only by name, one at a time, after a confirmation.
 */

export function listKeptSteps(run: RestoreRun): Step[] {
  return [surveyStep(run)];
}

export function keptTable(run: RestoreRun): string {
  const kept = run.facts.survey?.kept ?? [];
  if (kept.length === 0) return t`no kept copies of ${run.live}`;
  return formatTable([
    [t`NAME`, t`KIND`, t`SIZE`, t`AGE`],
    ...kept.map((k) => [k.name, k.kind.replace("_", "-"), k.size, k.age]),
  ]);
}

export function dropKeptSteps(run: RestoreRun, name: string): Step[] {
  const { database, live, facts } = run;
  const copy = parseCopyName(live, name);
  if (!copy || copy.kind === "restore") {
    throw new UsageError(
      t`--drop-kept: ${name} is not a copy kept by restore-db for ${live} (${live}__pre_restore_<time> or ${live}__pre_rollback_<time>; --list-kept shows them)`,
    );
  }
  return [
    surveyStep(run),
    {
      title: t`Check that ${name} is kept on the server`,
      kind: "read",
      run: async () => {
        const kept = facts.survey!.kept.find((k) => k.name === name);
        if (!kept)
          throw new UsageError(t`${name} is not on the server (--list-kept shows the kept copies)`);
        return { summary: t`${name}: ${kept.size}, ${kept.age} old` };
      },
    },
    {
      title: t`Drop ${name}`,
      kind: "change",
      action: () => ({ call: sqlCall({ database }, [dropDatabase(name)]) }),
      run: async (step) => {
        await runStatements(await run.target(step), [dropDatabase(name)]);
        return { summary: t`${name} dropped` };
      },
      manualUndo: t`${name} is gone; the backup it was made from, or restored from, still exists`,
    },
  ];
}

/** --rollback: the newest kept copy comes back (a second --rollback swaps forward again). */
export function chooseKeptStep(run: RestoreRun): Step {
  const { live, facts } = run;
  return {
    title: t`Choose the kept copy of ${live} to bring back`,
    kind: "read",
    run: async () => {
      if (facts.survey!.restoresPrevious) {
        return {
          summary: t`none: the repair above brings back the database as it was before the interrupted run`,
        };
      }
      facts.incoming = facts.survey!.kept[0];
      if (!facts.incoming)
        throw new UsageError(t`no kept copy of ${live} on the server: nothing to roll back to`);
      const { name, size, age } = facts.incoming;
      return { summary: t`${name} (${size}, ${age} old)` };
    },
  };
}
