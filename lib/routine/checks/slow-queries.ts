import type { Database } from "../../model/index.js";
import type { Step } from "../../runbook/types.js";
import { SOURCES } from "../checklist.js";
import { checkStep, type RoutineRun } from "../check-step.js";
import { psqlQuery, psqlRows } from "../psql.js";
import { t } from "../../i18n/index.js";

/**
 * Weekly: the slowest statements of each database over the manual's target (MIRA operations
 * guide, Monitoreo: Database Query Time < 1 s), from pg_stat_statements where it is installed;
 * where it is not, the item is a manual one and says how to install it.
 */

const TOP = 5;

export function slowQuerySteps(run: RoutineRun): Step[] {
  if (run.period !== "weekly") return [];
  return run.platform.databases.flatMap((db) => {
    const installed = { value: undefined as boolean | undefined };
    return [extensionStep(run, db, installed), statementsStep(run, db, installed)];
  });
}

/** to_regclass finds the view on the search path; the extension may be created but not loaded. */
const EXTENSION_SQL =
  "SELECT (to_regclass('pg_stat_statements') IS NOT NULL)::int, current_setting('shared_preload_libraries')";

function extensionStep(run: RoutineRun, db: Database, installed: { value?: boolean }): Step {
  const command = psqlQuery(db, EXTENSION_SQL);
  return {
    title: t`Is pg_stat_statements installed in ${db.name}?`,
    kind: "read",
    timeoutMs: 90_000,
    action: () => ({ command }),
    run: async (step) => {
      installed.value = undefined;
      try {
        const [row] = await psqlRows(step, db, command);
        installed.value = row?.[0] === "1" && (row[1] ?? "").includes("pg_stat_statements");
      } catch (err) {
        if (step.signal.aborted) throw err;
        return { summary: t`could not ask: ${(err as Error).message.split("\n")[0]}` };
      }
      return {
        summary: installed.value ? t`installed and loaded` : t`not installed or not loaded`,
      };
    },
  };
}

function statementsSql(run: RoutineRun): string {
  const ms = run.platform.routine!.slowQueryMs;
  return (
    "SELECT round(mean_exec_time)::bigint, calls, round(total_exec_time)::bigint, " +
    "left(regexp_replace(query, '\\s+', ' ', 'g'), 200) FROM pg_stat_statements " +
    "WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) " +
    `AND mean_exec_time > ${ms} ORDER BY mean_exec_time DESC LIMIT ${TOP}`
  );
}

function statementsStep(run: RoutineRun, db: Database, installed: { value?: boolean }): Step {
  const command = psqlQuery(db, statementsSql(run));
  const ms = run.platform.routine!.slowQueryMs;
  return checkStep(
    run,
    {
      title: t`Statements of ${db.name} slower than ${ms} ms on average`,
      item: {
        id: `slow-queries/${db.name}`,
        title: t`Slow queries of ${db.name}`,
        source: SOURCES.slowQueries,
      },
      // Only when the previous step found the extension: otherwise nothing runs.
      action: () => (installed.value ? { command } : undefined),
    },
    async (step) => {
      if (installed.value === undefined)
        throw new Error(t`could not ask ${db.name} about pg_stat_statements`);
      if (!installed.value)
        return {
          verdict: "manual",
          summary: t`pg_stat_statements is not installed in ${db.database}: review slow queries by hand, or add it to shared_preload_libraries and CREATE EXTENSION pg_stat_statements`,
        };
      const rows = await psqlRows(step, db, command);
      const evidence = rows
        .map(
          ([mean, calls, total, query]) =>
            t`${mean} ms avg × ${calls} calls (${total} ms in all): ${query}`,
        )
        .join("\n");
      if (rows.length === 0)
        return {
          verdict: "ok",
          summary: t`no statement over ${ms} ms on average`,
          data: { slow: 0 },
        };
      return {
        verdict: "attention",
        summary: t`${rows.length} statement(s) over ${ms} ms on average, the slowest ${rows[0]![0]} ms`,
        evidence,
        data: { slow: rows.length, slowestMs: Number(rows[0]![0]) },
      };
    },
  );
}
