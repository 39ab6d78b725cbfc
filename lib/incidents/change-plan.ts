import { UsageError } from "../errors.js";
import { t } from "../i18n/index.js";
import type { Step } from "../runbook/types.js";
import { responseDue, statusText, type Incident } from "./record.js";
import { entry, notifyStep, requireId, where, withStore, type Ctx } from "./run-context.js";

/** `incident note` and `incident update`: one change of the record under its lock. */

interface RecordChange {
  /** The step's title, for the incident `id`. */
  readonly title: (id: string) => string;
  readonly apply: (incident: Incident) => void;
  /** A priority change notifies again (a P3 raised to P1 reaches the P1 receivers). */
  readonly notifies?: boolean;
}

export function noteChange(ctx: Ctx): RecordChange {
  if (!ctx.params.text) throw new UsageError(t`--text: required for a note`);
  const text = ctx.params.text;
  return {
    title: (id) => t`Add a note to ${id}`,
    apply: (incident) => {
      incident.entries.push(entry(ctx, "note", text));
    },
  };
}

export function updateChange(ctx: Ctx): RecordChange {
  const { priority, owner, status, text } = ctx.params;
  if (!priority && !owner && !status)
    throw new UsageError(t`update: give --priority, --owner or --status (and --text for why)`);
  const changes = [
    priority && t`priority → ${priority}`,
    owner && t`owner → ${owner}`,
    status && t`status → ${statusText(status)}`,
  ]
    .filter(Boolean)
    .join(", ");
  return {
    title: (id) => t`Update: ${changes} to ${id}`,
    notifies: priority !== undefined,
    apply: (incident) => {
      if (incident.status === "closed") throw new UsageError(t`${incident.id} is closed`);
      if (priority) {
        incident.priority = priority;
        incident.responseDue = responseDue(incident.openedAt, priority);
      }
      if (owner) incident.owner = owner;
      if (status) incident.status = status;
      incident.entries.push(entry(ctx, "update", `${changes}${text ? `: ${text}` : ""}`));
    },
  };
}

/** note and update: one change of the record under its lock (and a notification if it needs). */
export function changePlan(ctx: Ctx, change: RecordChange) {
  const id = requireId(ctx);
  let changed: Incident | undefined;
  const steps: Step[] = [
    {
      title: change.title(id),
      kind: "change",
      action: () => ({ target: { record: where(ctx, id) } }),
      run: async () => {
        changed = await withStore(ctx, (store) =>
          store.change(id, ctx.operator, (incident) => {
            change.apply(incident);
            // The first change after opening is the acknowledgement: the same instant as its entry.
            incident.acknowledgedAt ??= incident.entries.at(-1)!.time;
          }),
        );
        return { summary: t`${changed.entries.length} entries` };
      },
    },
    ...(change.notifies ? [notifyStep(ctx, () => changed)] : []),
  ];
  return { steps, confirmTarget: id, result: () => ({ incident: changed }) };
}
