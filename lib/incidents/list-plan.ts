import { currentLanguage, t } from "../i18n/index.js";
import { responseTime } from "../monitoring/contract.js";
import type { Step } from "../runbook/types.js";
import { textTable } from "../table.js";
import { isPastResponse, lastActivity, statusText, type Incident } from "./record.js";
import { where, withStore, type Ctx } from "./run-context.js";

/** `incident list`: every incident (--open: not closed), flagging P1/P2 past their response time. */

export function listPlan(ctx: Ctx) {
  let incidents: Incident[] = [];
  const now = new Date();
  const steps: Step[] = [
    {
      title: t`List the stack's incidents`,
      kind: "read",
      action: () => ({ target: { records: where(ctx, "*") } }),
      run: async () => {
        const all = await withStore(ctx, (store) => store.list());
        incidents = ctx.params.open ? all.filter((i) => i.status !== "closed") : all;
        const late = incidents.filter((i) => isPastResponse(i, now)).length;
        return { summary: t`${incidents.length} incident(s), ${late} past their response time` };
      },
    },
  ];
  return {
    steps,
    result: () => ({
      incidents: incidents.map((i) => ({ ...summaryOf(i), pastResponse: isPastResponse(i, now) })),
    }),
    output: () =>
      incidents.length === 0
        ? t`no incidents`
        : textTable([
            [t`ID`, t`PRIORITY`, t`STATUS`, t`OWNER`, t`LAST ENTRY`, t`TITLE`, ""],
            ...incidents.map((i) => [
              i.id,
              i.priority,
              statusText(i.status),
              i.owner,
              lastActivity(i),
              i.title,
              isPastResponse(i, now)
                ? t`PAST RESPONSE TIME (${responseTime(i.priority, currentLanguage())})`
                : "",
            ]),
          ]),
  };
}

function summaryOf(i: Incident) {
  const { id, priority, status, owner, title, openedAt, responseDue, acknowledgedAt, closedAt } = i;
  return {
    id,
    priority,
    status,
    owner,
    title,
    openedAt,
    responseDue,
    acknowledgedAt,
    closedAt,
    lastActivity: lastActivity(i),
  };
}
