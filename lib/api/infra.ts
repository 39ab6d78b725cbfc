/**
 * `guardia/infra`: the Pulumi side. A team's program composes guardia's stack from the stack's
 * Pulumi config and adds its own resources next to it with guardia's names and labels; a team
 * runbook is scheduled with the same CronJob builder guardia's own jobs use.
 */
export { composeStack, platformFromPulumiConfig } from "../../infra/stack.js";
export { default as guardiaProgram } from "../../infra/index.js";
export { Foundation, type FoundationArgs } from "../../infra/foundation.js";
export {
  guardiaCronJob,
  type GuardiaCronJobArgs,
  type JobFoundation,
  type JobMount,
} from "../../infra/guardia-cronjob.js";
export {
  awsTags,
  cronJobArgs,
  MAX_CRONJOB_NAME,
  objectName,
  standardLabels,
  type Component,
} from "../naming.js";
export type { ScheduledRunbook } from "../jobs.js";
