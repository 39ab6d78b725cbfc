import { readFile } from "node:fs/promises";
import { objectUrl } from "../../backup/store.js";
import { commandLine } from "../../naming.js";
import { auditFile } from "../../runbook/audit.js";
import type { Step } from "../../runbook/types.js";
import { manualItems, type ManualItem } from "../checklist.js";
import type { RoutineRun } from "../check-step.js";
import { periodName } from "../report.js";
import { readAcks, reportsPrefix, type Ack } from "../store.js";
import { t } from "../../i18n/index.js";

/**
 * The items only a person can do (update the operations docs, train the support team): each is
 * "manual" until someone records doing it with `guardia routine --period <p> --ack <item>`, and
 * "ok" for as long as that holds (a quarterly item for 92 days). The acknowledgements are read
 * where the routine's reports live, so the cluster's job sees a laptop's ack; a stack without a
 * backup destination keeps them in this machine's audit log.
 */

export function ackCommand(run: RoutineRun, item: ManualItem): string {
  return commandLine([
    "guardia",
    "routine",
    "--stack",
    run.stackName,
    "--period",
    item.period,
    "--ack",
    item.id,
  ]);
}

export function manualSteps(run: RoutineRun): Step[] {
  const items = manualItems(run.period);
  if (items.length === 0) return [];
  const where = run.platform.backups
    ? objectUrl(run.platform.backups.destination, `${reportsPrefix(run.platform)}acks/`)
    : t`audit log ${auditFile()}`;
  return [
    {
      title: t`Manual items of the ${periodName(run.period)} checklist and who last did them`,
      kind: "read",
      timeoutMs: 60_000,
      action: () => ({ target: { acknowledgements: where } }),
      run: async () => {
        const acks = run.store
          ? await readAcks(await run.store(), run.platform)
          : await auditAcks();
        for (const item of items) run.record(manualResult(run, item, acks.get(item.id)));
        const done = items.filter((i) => acks.has(i.id)).length;
        return { summary: t`${items.length} manual item(s), ${done} ever acknowledged` };
      },
    },
  ];
}

function manualResult(run: RoutineRun, item: ManualItem, ack: Ack | undefined) {
  const header = { id: `manual/${item.id}`, title: item.title, source: item.source };
  const age = ack ? run.now.getTime() - Date.parse(ack.at) : Infinity;
  if (ack && age <= item.everyDays * 86400_000) {
    const note = ack.note ? `: ${ack.note}` : "";
    return {
      ...header,
      verdict: "ok" as const,
      summary: t`done by ${ack.operator} on ${ack.at.slice(0, 10)}${note}`,
      data: { by: ack.operator, at: ack.at },
    };
  }
  const last = ack ? t`last done by ${ack.operator} on ${ack.at.slice(0, 10)}; ` : "";
  return {
    ...header,
    verdict: "manual" as const,
    summary: t`${last}due every ${item.everyDays} days; when done: ${ackCommand(run, item)}`,
  };
}

/** Acknowledgements from this machine's audit log: successful `routine --ack` runs. */
async function auditAcks(): Promise<Map<string, Ack>> {
  const text = await readFile(auditFile(), "utf8").catch(() => "");
  const acks = new Map<string, Ack>();
  for (const line of text.split("\n")) {
    if (!line.includes('"routine"')) continue;
    try {
      const r = JSON.parse(line) as {
        runbook: string;
        params: { ack?: string; period?: Ack["period"]; note?: string };
        outcome?: string;
        dryRun: boolean;
        time: string;
        operator: string;
      };
      if (r.runbook !== "routine" || r.dryRun || r.outcome !== "done" || !r.params.ack) continue;
      const { ack: item, period, note } = r.params;
      acks.set(item, {
        type: "guardia.routine-ack.v1",
        item,
        period: period!,
        operator: r.operator,
        at: r.time,
        note,
      });
    } catch {
      // Not a record guardia wrote.
    }
  }
  return acks;
}
