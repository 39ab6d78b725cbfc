import { CronSchedule } from "./cron.js";
import {
  CELERY,
  DATA_FRESHNESS_PRIORITY,
  DEFAULT_EXTERNAL_DEPENDENCY,
  ROUTINE,
} from "./defaults.js";
import { Duration } from "./duration.js";
import type { Priority } from "./fields.js";
import type {
  Celery,
  DataFreshness,
  Maintenance,
  Receiver,
  Routine,
  RoutineDependency,
} from "./platform.js";
import { ROUTINE_PERIODS, type PlatformInput, type RoutinePeriod } from "./schema.js";

/**
 * The routine checklists, the Celery broker and the data freshness queries of a stack, with their
 * defaults filled in (defaults.ts); called by resolvePlatform.
 */

const REPORT_TYPES: ReadonlySet<Receiver["type"]> = new Set(["slack", "teams"]);
const ANNOUNCEMENT_TYPES: ReadonlySet<Receiver["type"]> = new Set([
  "slack",
  "teams",
  "webhook",
  "email",
]);

/** The stack's receivers of these types, in its order, never the dead man's switch. */
function messageReceivers(input: PlatformInput, types: ReadonlySet<Receiver["type"]>): string[] {
  const deadMansSwitch = input.alerting?.deadMansSwitch;
  return (input.alerting?.receivers ?? [])
    .filter((r) => r.name !== deadMansSwitch && types.has(r.type))
    .map((r) => r.name);
}

export function resolveMaintenance(input: PlatformInput, noticeHours: number): Maintenance {
  return {
    noticeHours: input.maintenance?.noticeHours ?? noticeHours,
    receivers: input.maintenance?.receivers ?? messageReceivers(input, ANNOUNCEMENT_TYPES),
  };
}

export function resolveRoutine(input: PlatformInput): Routine | undefined {
  const given = input.routine;
  const on = (ROUTINE.environments as readonly string[]).includes(input.environment);
  if (given === null || (given === undefined && !on)) return undefined;
  const routine = given ?? {};
  const schedules = Object.fromEntries(
    ROUTINE_PERIODS.map((period) => {
      const cron = routine.schedules?.[period];
      const expression = cron === undefined ? ROUTINE.schedules[period] : cron;
      return [period, expression === null ? undefined : CronSchedule.parse(expression)];
    }),
  ) as Record<RoutinePeriod, CronSchedule | undefined>;
  const receivers = routine.receivers ?? messageReceivers(input, REPORT_TYPES);
  return {
    schedules,
    receivers,
    deadMansSwitch: routine.deadMansSwitch,
    errorPattern: routine.errorPattern ?? ROUTINE.errorPattern,
    slowQueryMs: routine.slowQueryMs ?? ROUTINE.slowQueryMs,
    inactiveUserDays: routine.inactiveUserDays ?? ROUTINE.inactiveUserDays,
    dependencies: resolveDependencies(input, routine.dependencies),
  };
}

type DependencyInput = NonNullable<NonNullable<PlatformInput["routine"]>["dependencies"]>;

/** When the stack lists none: pip in every Django service, with its interpreter. */
function resolveDependencies(
  input: PlatformInput,
  given: DependencyInput | undefined,
): RoutineDependency[] {
  const entries: DependencyInput =
    given ??
    (input.services ?? [])
      .filter((s) => s.diagnostics?.django)
      .map((s) => ({ service: s.name, tool: "pip", python: s.diagnostics!.django!.python }));
  return entries.map((d) => ({
    service: d.service,
    tool: d.tool,
    python: d.python ?? ROUTINE.python,
    directory: d.directory,
    period: d.period ?? ROUTINE.dependencyPeriod[d.tool],
  }));
}

export function resolveCelery(input: PlatformInput): Celery | undefined {
  const c = input.celery;
  return (
    c && {
      service: c.service,
      brokerUrl: c.brokerUrl,
      passwordSecret: c.passwordSecret,
      queues: c.queues ?? CELERY.queues,
      maxTaskAge: Duration.parse(c.maxTaskAge ?? CELERY.maxTaskAge),
      priority: c.priority ?? CELERY.priority,
    }
  );
}

type DependencyEntry = NonNullable<PlatformInput["externalDependencies"]>[number];

/** The stale alert is as urgent as losing the dependency the data comes from. */
function dependencyPriority(dependency: DependencyEntry | undefined): Priority {
  if (!dependency) return DATA_FRESHNESS_PRIORITY;
  return dependency.priority ?? DEFAULT_EXTERNAL_DEPENDENCY.priority;
}

export function resolveDataFreshness(input: PlatformInput): DataFreshness[] {
  const dependencies = input.externalDependencies ?? [];
  return (input.dataFreshness ?? []).map((f) => ({
    name: f.name,
    database: f.database,
    query: f.query,
    maxAge: Duration.parse(f.maxAge),
    dependency: f.dependency,
    priority: f.priority ?? dependencyPriority(dependencies.find((d) => d.name === f.dependency)),
    description: f.description,
  }));
}
