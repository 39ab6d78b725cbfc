/** The environment model: one typed picture of a stack that infra/ and runbooks/ both read. */
export { CronSchedule } from "./cron.js";
export { Duration } from "./duration.js";
export type { Priority, SecretRef } from "./fields.js";
export {
  displayPath,
  loadStack,
  parseStackText,
  PLATFORM_KEY,
  stackFilePath,
  StackError,
  validatePlatform,
  type LoadedStack,
  type StackProblem,
} from "./load.js";
export type * from "./platform.js";
export { ENVIRONMENTS, type Environment, type PlatformInput } from "./schema.js";
