import { createKubectl, type Kubectl } from "../adapters/kubectl.js";
import { pgTarget } from "../adapters/postgres.js";
import { UsageError } from "../errors.js";
import { t } from "../i18n/index.js";
import type { LoadedStack } from "../model/index.js";
import { resolveSecret } from "../secrets.js";
import { withDefaults } from "./exec.js";
import type { Progress } from "./progress.js";
import type { RunContext } from "./types.js";
import { quoted } from "../user-text.js";

/** What a step gets, built per step so that its commands stop with its own signal. */
export type ContextFactory = (signal: AbortSignal) => RunContext;

export interface ContextOptions {
  readonly runbook: string;
  readonly stack: LoadedStack;
  readonly params: Record<string, unknown>;
  readonly dryRun: boolean;
  readonly operator: string;
  readonly progress: Progress;
  readonly env?: NodeJS.ProcessEnv;
}

export function contextFactory(
  options: ContextOptions,
  exec: RunContext["exec"],
  kubectl: Kubectl,
): ContextFactory {
  const { stack, env = process.env } = options;
  const { platform } = stack;
  const sources = {
    env,
    readKubernetesSecret: (_ns: string, name: string, key: string) => kubectl.readSecret(name, key),
  };
  const base = {
    runbook: options.runbook,
    stack,
    platform,
    params: options.params,
    dryRun: options.dryRun,
    operator: options.operator,
    log: (message: string) => options.progress.log(message),
    exec,
    kubectl,
    secret: (ref: Parameters<RunContext["secret"]>[0], label: string) =>
      resolveSecret(ref, platform, label, sources),
    pg: (database: Parameters<RunContext["pg"]>[0]) => pgTarget(database, platform, sources),
    service: (name: string) =>
      findNamed(
        platform.services,
        name,
        (known) => t`--service: no service ${quoted(name)} in this stack (services: ${known})`,
      ),
    database: (name: string) =>
      findNamed(
        platform.databases,
        name,
        (known) => t`--database: no database ${quoted(name)} in this stack (databases: ${known})`,
      ),
  };
  return (signal) => {
    // Commands a step runs stop with the step (its timeout, or an interrupted run).
    const stepExec = withDefaults(exec, { signal });
    return {
      ...base,
      signal,
      exec: stepExec,
      kubectl: createKubectl(stepExec, platform.namespace),
    };
  };
}

/** A context for planning only: its signal never aborts. */
export function planningContext(context: ContextFactory): RunContext {
  return context(new AbortController().signal);
}

function findNamed<T extends { name: string }>(
  items: readonly T[],
  name: string,
  missing: (known: string) => string,
): T {
  const found = items.find((item) => item.name === name);
  if (!found) throw new UsageError(missing(items.map((i) => i.name).join(", ") || t`none`));
  return found;
}
