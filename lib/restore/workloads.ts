import type { Kubectl } from "../adapters/kubectl.js";
import type { Command } from "../command.js";
import { UsageError } from "../errors.js";
import type { Platform, Database, Workload } from "../model/index.js";
import { t } from "../i18n/index.js";

/**
 * The workloads of a database's `usedBy` services, stopped around the swap so nothing writes to
 * the database being replaced or reconnects half way. Each one's replica count is written on the
 * workload itself (an annotation) before it is scaled to 0, so a run killed mid-swap leaves the
 * number where the next run, or `--rollback`, finds it.
 */

export const REPLICAS_ANNOTATION = "guardia.io/replicas-before-restore";

/** Workloads to stop: services of `usedBy` that run in the cluster (local services have none). */
export function workloadsOf(platform: Platform, database: Database): Workload[] {
  return database.usedBy.flatMap((name) => {
    const workload = platform.services.find((s) => s.name === name)?.workload;
    if (workload?.kind === "daemonset")
      throw new UsageError(
        t`service ${name} uses database ${database.name} but runs as a DaemonSet, which cannot be scaled to 0 for the swap`,
      );
    return workload ? [workload] : [];
  });
}

export interface WorkloadState {
  readonly ref: string;
  readonly replicas: number;
  /** The count an interrupted restore wrote down, when the workload still carries it. */
  readonly remembered: number | undefined;
}

/** The replicas to bring back: what an interrupted run remembered, else what runs now. */
export const replicasBefore = (w: WorkloadState) => w.remembered ?? w.replicas;

export function readCommand(kubectl: Kubectl, w: Workload): Command {
  return kubectl.command(["get", w.ref, "-o", "json"]);
}

export async function readWorkload(kubectl: Kubectl, w: Workload): Promise<WorkloadState> {
  const object = await kubectl.json<{
    spec?: { replicas?: number };
    metadata?: { annotations?: Record<string, string> };
  }>(["get", w.ref]);
  const remembered = object.metadata?.annotations?.[REPLICAS_ANNOTATION];
  return {
    ref: w.ref,
    replicas: object.spec?.replicas ?? 1,
    remembered: remembered === undefined ? undefined : Number(remembered),
  };
}

export function stopCommands(kubectl: Kubectl, w: WorkloadState): Command[] {
  return [
    kubectl.command([
      "annotate",
      w.ref,
      `${REPLICAS_ANNOTATION}=${replicasBefore(w)}`,
      "--overwrite",
    ]),
    kubectl.command(["scale", w.ref, "--replicas=0"]),
  ];
}

export function startCommands(kubectl: Kubectl, w: WorkloadState, timeoutSeconds = 300): Command[] {
  return [
    kubectl.command(["scale", w.ref, `--replicas=${replicasBefore(w)}`]),
    kubectl.command(["annotate", w.ref, `${REPLICAS_ANNOTATION}-`]),
    kubectl.command(["rollout", "status", w.ref, `--timeout=${timeoutSeconds}s`]),
  ];
}
