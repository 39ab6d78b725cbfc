import { UsageError } from "../errors.js";
import { t } from "../i18n/index.js";
import type { RunContext } from "../runbook/types.js";
import { objectUrl } from "../backup/store.js";
import { scheduleKeys } from "./schedule.js";
import { requireSchedule, scheduleSteps } from "./schedule-steps.js";
import { windowToOpen, type Params } from "./window-context.js";

/** --schedule: a future window stored, published in the calendar and announced; nothing muted yet. */
export function schedulePlan(ctx: RunContext<Params>) {
  requireSchedule(ctx.platform);
  const { spec } = windowToOpen(ctx);
  if (Date.parse(spec.startsAt) <= Date.now())
    throw new UsageError(t`--schedule: --start must be in the future, got ${spec.startsAt}`);
  const calendar = objectUrl(
    ctx.platform.backups!.destination,
    scheduleKeys(ctx.platform).calendar,
  );
  return {
    steps: scheduleSteps(ctx, spec),
    confirmTarget: ctx.stack.name,
    result: () => ({ window: spec, calendar }),
    output: () =>
      [
        t`Maintenance window ${spec.id} scheduled from ${spec.startsAt} to ${spec.endsAt}.`,
        t`Calendar: ${calendar}`,
        t`Open it then with: guardia maintenance-window --stack ${ctx.stack.name} --objective ...`,
      ].join("\n"),
  };
}
