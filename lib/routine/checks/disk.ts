import path from "node:path";
import { formatBytes } from "../../backup/store.js";
import type { Command } from "../../command.js";
import { mountDirectory } from "../../logs/patterns.js";
import type { Database } from "../../model/index.js";
import { selector } from "../../monitoring/promql.js";
import type { Step } from "../../runbook/types.js";
import { SOURCES } from "../checklist.js";
import { checkStep, humanDuration, worst, type Finding, type RoutineRun } from "../check-step.js";
import { instantQuery, queryCall } from "../prometheus.js";
import { psqlQuery, psqlRows } from "../psql.js";
import { t } from "../../i18n/index.js";

/**
 * Weekly: how full every volume the stack knows is, and the days left at the current growth. On a
 * cluster every PersistentVolumeClaim of the namespace (backups, logs, media, database) from the
 * kubelet's volume stats, growth over 7 days; on a local stack `df` of the backup and log
 * directories, growth since the previous report. Each database's size and its growth besides.
 */

const DAY = 86400;
/** kube-prometheus' KubePersistentVolumeFillingUp warns under 15 % free; critical under 3 %. */
const LIMITS = { failFree: 0.05, failDays: 7, warnFree: 0.15, warnDays: 30 } as const;

export function diskSteps(run: RoutineRun): Step[] {
  if (run.period !== "weekly") return [];
  const volumes = run.platform.runtime === "kubernetes" ? [claimsStep(run)] : localSteps(run);
  return [...volumes, ...run.platform.databases.map((db) => databaseSizeStep(run, db))];
}

/** free bytes / growth per day → a verdict and its words. */
export function judgeVolume(
  usedBytes: number,
  capacityBytes: number,
  growthPerDay: number | undefined,
) {
  const free = Math.max(0, capacityBytes - usedBytes);
  const freeRatio = capacityBytes > 0 ? free / capacityBytes : 0;
  const daysLeft = growthPerDay && growthPerDay > 0 ? free / growthPerDay : undefined;
  const verdict =
    freeRatio < LIMITS.failFree || (daysLeft !== undefined && daysLeft < LIMITS.failDays)
      ? "failed"
      : freeRatio < LIMITS.warnFree || (daysLeft !== undefined && daysLeft < LIMITS.warnDays)
        ? "attention"
        : "ok";
  const left =
    daysLeft === undefined
      ? t`not growing`
      : t`full in ${humanDuration(daysLeft * DAY)} at ${formatBytes(growthPerDay!)}/day`;
  const words = t`${formatBytes(usedBytes)} of ${formatBytes(capacityBytes)} used (${Math.round(freeRatio * 100)} % free), ${left}`;
  return { verdict, words, daysLeft } as const;
}

function claimsStep(run: RoutineRun): Step {
  const base = run.platform.monitoring.prometheusUrl;
  const ns = { namespace: run.platform.namespace };
  const by = "max by (persistentvolumeclaim)";
  const queries = {
    used: `${by} (${selector("kubelet_volume_stats_used_bytes", ns)})`,
    capacity: `${by} (${selector("kubelet_volume_stats_capacity_bytes", ns)})`,
    growth: `${by} (deriv(${selector("kubelet_volume_stats_used_bytes", ns)}[7d]))`,
  };
  return checkStep(
    run,
    {
      title: t`Volumes of namespace ${run.platform.namespace}: use and growth over 7 days (Prometheus)`,
      item: {
        id: "disk/volumes",
        title: t`Volumes of ${run.platform.namespace}`,
        source: SOURCES.disk,
      },
      action: () => ({
        call: Object.values(queries)
          .map((q) => queryCall(base, q))
          .join("\n"),
      }),
    },
    async (step) => {
      const [used, capacity, growth] = await Promise.all(
        Object.values(queries).map((q) => instantQuery(base, q, step.signal)),
      );
      const of = (samples: typeof used, claim: string) =>
        samples!.find((s) => s.labels.persistentvolumeclaim === claim)?.value;
      const rows = used!.map((s) => {
        const claim = s.labels.persistentvolumeclaim ?? "?";
        const perDay = (of(growth!, claim) ?? 0) * DAY;
        return { claim, ...judgeVolume(s.value, of(capacity!, claim) ?? 0, perDay) };
      });
      if (rows.length === 0)
        return {
          verdict: "attention",
          summary: t`no volume stats in Prometheus for this namespace`,
        };
      const problems = rows.filter((r) => r.verdict !== "ok");
      return {
        verdict: worst(rows.map((r) => r.verdict)),
        summary: t`${rows.length} claim(s)${problems.length ? `; ${problems.map((r) => `${r.claim}: ${r.words}`).join("; ")}` : t`, all with room`}`,
        evidence: rows.map((r) => `${r.claim}: ${r.words}`).join("\n"),
        data: { claims: rows.map((r) => ({ claim: r.claim, daysLeft: r.daysLeft ?? null })) },
      };
    },
  );
}

/** The directories a local stack keeps data in: the backups, and each log set's. */
function localDirectories(run: RoutineRun): { role: string; dir: string }[] {
  const { backups, logs } = run.platform;
  return [
    ...(backups?.destination.kind === "file"
      ? [{ role: "backups", dir: backups.destination.path }]
      : []),
    ...logs.map((l) => ({ role: `logs-${l.name}`, dir: mountDirectory(l.paths) })),
  ];
}

function localSteps(run: RoutineRun): Step[] {
  return localDirectories(run).map(({ role, dir }) => {
    const command: Command = { argv: ["df", "-P", "-B1", dir] };
    const id = `disk/${role}`;
    return checkStep(
      run,
      {
        title: t`Disk space of ${role} (${dir})`,
        item: { id, title: t`Disk of ${role} (${path.normalize(dir)})`, source: SOURCES.disk },
        action: () => ({ command }),
      },
      async (step) => {
        const { stdout } = await step.exec(command, { timeoutMs: 30_000 });
        const [, size, used] = stdout.trim().split("\n").at(-1)!.split(/\s+/).map(Number);
        return growthFinding(run, id, used!, size!);
      },
    );
  });
}

/** Growth since the previous report of the same item, when there is one. */
function growthFinding(run: RoutineRun, id: string, used: number, capacity: number): Finding {
  const previous = run.previous(id);
  const before = previous?.data?.usedBytes;
  const days = previous ? (run.now.getTime() - previous.at.getTime()) / 1000 / DAY : 0;
  const perDay = typeof before === "number" && days > 0 ? (used - before) / days : undefined;
  const judged = judgeVolume(used, capacity, perDay);
  return {
    verdict: judged.verdict,
    summary: `${judged.words}${perDay === undefined ? t` (growth: no previous report)` : ""}`,
    data: { usedBytes: used, capacityBytes: capacity, daysLeft: judged.daysLeft ?? null },
  };
}

function databaseSizeStep(run: RoutineRun, db: Database): Step {
  const command = psqlQuery(db, "SELECT pg_database_size(current_database())");
  const id = `disk/database-${db.name}`;
  return checkStep(
    run,
    {
      title: t`Size of database ${db.name}`,
      item: { id, title: t`Size of database ${db.name}`, source: SOURCES.disk },
      action: () => ({ command }),
    },
    async (step) => {
      const bytes = Number((await psqlRows(step, db, command))[0]?.[0]);
      const previous = run.previous(id);
      const before = previous?.data?.bytes;
      const change =
        typeof before === "number"
          ? t`, ${before <= bytes ? "+" : "-"}${formatBytes(Math.abs(bytes - before))} since the previous report`
          : "";
      return { verdict: "ok", summary: `${formatBytes(bytes)}${change}`, data: { bytes } };
    },
  );
}
