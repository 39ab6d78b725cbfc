/** The environment model: one typed picture of a stack that infra/ and runbooks/ both read. */
export { CronSchedule } from "./cron.js";
export { DEFAULTS } from "./defaults.js";
export { Duration } from "./duration.js";
export type { Priority, SecretRef } from "./fields.js";
export { loadStack, parseStackText, PLATFORM_KEY, type LoadedStack } from "./load.js";
export {
  findProject,
  isStackPath,
  projectStackFiles,
  stackFilePath,
  type PulumiProject,
} from "./project.js";
export { StackError, type StackProblem } from "./stack-error.js";
export { displayPath, requireValidPlatform, validatePlatform } from "./validate.js";
export type * from "./platform.js";
export type * from "./smoke.js";
export { ENVIRONMENTS, type Environment, type PlatformInput } from "./schema.js";
