import { diffArrays } from "diff";
import { tmpdir } from "node:os";
import { loadRunbook, RUNBOOK_NAMES } from "../../runbooks/index.js";
import { createKubectl } from "../adapters/kubectl.js";
import type { LoadedStack, Platform } from "../model/index.js";
import { commandLine } from "../naming.js";
import { describeParams } from "../runbook/params.js";
import { actionLines } from "../runbook/report.js";
import type { PlannedAction, RunContext, RunbookDefinition, Step } from "../runbook/types.js";

/**
 * Which runbooks act differently after a change: every runbook of the registry is planned, the
 * way `--dry-run` would print it, against the base's and the head's model, for every target the
 * model names (a required `--database` for each database, `--service` for each service...), and
 * the plan lines that differ are shown. The plans are built, never run: nothing is executed, so
 * steps whose command depends on what an earlier step reads say so instead.
 */

/** Required params that take the name of an item of the model, one plan per item. */
const TARGETS: Readonly<Record<string, (platform: Platform) => readonly string[]>> = {
  database: (p) => p.databases.map((d) => d.name),
  service: (p) => p.services.map((s) => s.name),
  logs: (p) => p.logs.map((l) => l.name),
};

const DECIDED_AT_RUN_TIME = "(decided by what an earlier step reads)";

export interface RunbookImpact {
  /** `restart-service --service nocobase`. */
  readonly command: string;
  readonly kind: "added" | "removed" | "changed";
  readonly removed: readonly string[];
  readonly added: readonly string[];
}

let definitions: Promise<[string, RunbookDefinition][]> | undefined;

function loadDefinitions(): Promise<[string, RunbookDefinition][]> {
  definitions ??= Promise.all(
    RUNBOOK_NAMES.map(
      async (name) => [name, await loadRunbook(name)] as [string, RunbookDefinition],
    ),
  );
  return definitions;
}

/** Every runbook's plan for every target of the stack: "backup-db --database mira" → lines. */
export async function runbookPlans(stack: LoadedStack): Promise<Map<string, string[]>> {
  const plans = new Map<string, string[]>();
  for (const [name, definition] of await loadDefinitions()) {
    for (const flags of targetFlags(definition, stack.platform)) {
      const lines = planLines(definition, stack, flags);
      if (lines)
        plans.set(
          commandLine([name, ...Object.entries(flags).flatMap(([k, v]) => [`--${k}`, v])]),
          lines,
        );
    }
  }
  return plans;
}

/** One set of flags per target: the product of the required model-named params. */
function targetFlags(definition: RunbookDefinition, platform: Platform): Record<string, string>[] {
  let combos: Record<string, string>[] = [{}];
  for (const spec of describeParams(definition.params)) {
    const names = TARGETS[spec.key];
    if (!spec.required || !names) continue;
    combos = combos.flatMap((combo) => names(platform).map((n) => ({ ...combo, [spec.key]: n })));
  }
  return combos;
}

/** The plan as `--dry-run` lists it; undefined when the runbook does not apply (needs other params). */
function planLines(
  definition: RunbookDefinition,
  stack: LoadedStack,
  flags: Record<string, string>,
): string[] | undefined {
  const params = definition.params.safeParse(flags);
  if (!params.success) return undefined;
  const ctx = staticContext(definition.name, stack, params.data as Record<string, unknown>);
  let plan: ReturnType<RunbookDefinition["plan"]>;
  try {
    plan = definition.plan(ctx);
  } catch {
    return undefined;
  }
  try {
    return plan.steps.flatMap((step, i) =>
      [`${i + 1}. [${step.kind}] ${step.title}`, ...stepActionLines(step, ctx)].map(
        withoutRunSpecifics,
      ),
    );
  } finally {
    void plan.cleanup?.();
  }
}

const TEMP_NAME = new RegExp(
  `(${escapeRegExp(tmpdir())}/[\\w.-]*?-)[A-Za-z0-9]{6}(?=/|\\s|$)`,
  "g",
);

/** The compact UTC time a run puts in the names it makes (`reports__restore_20261201t202616`). */
const RUN_TIME = /\d{8}[tT]\d{6}[zZ]?/g;

/**
 * A plan names a fresh temp directory and the time of its run anew each time (restore-db's copy
 * of the database); that says nothing about the change under review.
 */
function withoutRunSpecifics(line: string): string {
  return line.replace(TEMP_NAME, "$1XXXXXX").replace(RUN_TIME, "<time>");
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A step's command, calls and target as the dry run prints them (`actionLines`), indented. */
function stepActionLines(step: Step, ctx: RunContext): string[] {
  let action: PlannedAction | undefined;
  try {
    action = step.action?.(ctx);
  } catch {
    return [`   ${DECIDED_AT_RUN_TIME}`];
  }
  return actionLines(action).map((line) => `   ${line}`);
}

/** A context whose adapters build commands but refuse to run anything. */
function staticContext(
  runbook: string,
  stack: LoadedStack,
  params: Record<string, unknown>,
): RunContext {
  const refuse = (): never => {
    throw new Error("guardia diff plans runbooks; it runs nothing");
  };
  const exec = Object.assign(async () => refuse(), { record: () => undefined });
  const find = <T extends { name: string }>(items: readonly T[], name: string): T =>
    items.find((item) => item.name === name) ?? refuse();
  return {
    runbook,
    stack,
    platform: stack.platform,
    params,
    dryRun: true,
    operator: "guardia diff",
    signal: new AbortController().signal,
    log: () => undefined,
    exec,
    kubectl: createKubectl(exec, stack.platform.namespace, "kubectl"),
    secret: async () => refuse(),
    pg: async () => refuse(),
    service: (name) => find(stack.platform.services, name),
    database: (name) => find(stack.platform.databases, name),
  };
}

/** The plans that differ, with the lines removed and added; unchanged plans are left out. */
export function compareRunbookPlans(
  base: ReadonlyMap<string, string[]> | undefined,
  head: ReadonlyMap<string, string[]> | undefined,
): RunbookImpact[] {
  const before = base ?? new Map<string, string[]>();
  const after = head ?? new Map<string, string[]>();
  const commands = [...new Set([...before.keys(), ...after.keys()])].sort();
  return commands.flatMap((command): RunbookImpact[] => {
    const [old, now] = [before.get(command), after.get(command)];
    if (!now) return [{ command, kind: "removed", removed: old!, added: [] }];
    if (!old) return [{ command, kind: "added", removed: [], added: now }];
    const parts = diffArrays(old, now);
    const removed = parts.filter((p) => p.removed).flatMap((p) => p.value);
    const added = parts.filter((p) => p.added).flatMap((p) => p.value);
    return removed.length + added.length === 0
      ? []
      : [{ command, kind: "changed", removed, added }];
  });
}
