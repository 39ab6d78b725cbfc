/**
 * `guardia/model`: the stack model a team's code reads — the loader with its YAML path and line
 * errors, the project lookup (`Pulumi.yaml` and its `stackConfigDir`) and the resolved types.
 */
export {
  CronSchedule,
  DEFAULTS,
  Duration,
  ENVIRONMENTS,
  findProject,
  isStackPath,
  loadStack,
  parseStackText,
  PLATFORM_KEY,
  projectStackFiles,
  requireValidPlatform,
  StackError,
  stackFilePath,
  validatePlatform,
} from "../model/index.js";
export type {
  Environment,
  LoadedStack,
  PlatformInput,
  Priority,
  PulumiProject,
  SecretRef,
  StackProblem,
} from "../model/index.js";
export type * from "../model/platform.js";
export type {
  HttpMethod,
  Smoke,
  SmokeBrowserStep,
  SmokeExpect,
  SmokeFlow,
  SmokeJsonCheck,
  SmokeRequest,
  SmokeRequestStep,
  SmokeStep,
} from "../model/smoke.js";
