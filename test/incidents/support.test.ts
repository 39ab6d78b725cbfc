import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Incident } from "../../lib/incidents/record.js";
import { supportIndicators, type Change } from "../../lib/incidents/support.js";
import { runCli } from "../harness/cli.js";
import { writeStackFile } from "../harness/stacks.js";

/**
 * The logistics support plan's indicators on generated records whose figures were worked out by
 * hand (below), through the function and through `guardia support-report` on a real destination.
 *
 * Relative to a base time T (hours):
 *   A  P1  opened T+0      ack +10 min  closed +120 min  cause "memory"   2 h after a window ended
 *   B  P1  opened T+58h    ack +20 min  closed +50 min   cause "unknown"  59 h after it: not counted
 *   C  P2  opened T+230h   ack +45 min  closed +180 min  cause "disk"     12 h after a restart
 *   D  P3  opened T+350h   open, never acknowledged
 *   E  P1  opened T-40d    closed: outside the 30-day window
 * By hand: P1 2 incidents, mean to acknowledge (10+20)/2 = 15 min, to resolve (120+50)/2 = 85 min;
 * P2 1, 45 min and 180 min; P3 1, none acknowledged or resolved; P4 none. Closed 3, root cause
 * identified in 2: 66.7 %. After changes: A and C, 2 of 4.
 */

const H = 3600_000;
const M = 60_000;

function record(
  id: string,
  priority: string,
  openedAt: number,
  ack?: number,
  closed?: number,
  rootCause?: string,
): Incident {
  const iso = (t: number) => new Date(t).toISOString();
  return {
    type: "guardia.incident.v1",
    id,
    stack: "shop-dev",
    platform: "shop",
    environment: "dev",
    title: id,
    priority,
    status: closed === undefined ? "open" : "closed",
    owner: "ana",
    reporter: "ana",
    openedAt: iso(openedAt),
    responseDue: iso(openedAt + 15 * M),
    acknowledgedAt: ack === undefined ? undefined : iso(openedAt + ack * M),
    closedAt: closed === undefined ? undefined : iso(openedAt + closed * M),
    rootCause,
    fix: closed === undefined ? undefined : "fixed",
    evidence: [],
    entries: [],
  } as unknown as Incident;
}

function generated(base: number) {
  const ids = (n: number) => `inc-20260101T00000${n}Z-000${n}`;
  const incidents = [
    record(ids(1), "P1", base, 10, 120, "memory"),
    record(ids(2), "P1", base + 58 * H, 20, 50, "unknown"),
    record(ids(3), "P2", base + 230 * H, 45, 180, "disk"),
    record(ids(4), "P3", base + 350 * H),
    record(ids(5), "P1", base - 40 * 24 * H, 5, 30, "old"),
  ];
  const windowEnd = base - 2 * H;
  const restart = base + 218 * H;
  return { incidents, windowEnd, restart };
}

const expected = {
  incidents: 4,
  perPriority: {
    P1: {
      incidents: 2,
      acknowledged: 2,
      meanAcknowledgeMinutes: 15,
      resolved: 2,
      meanResolveMinutes: 85,
    },
    P2: {
      incidents: 1,
      acknowledged: 1,
      meanAcknowledgeMinutes: 45,
      resolved: 1,
      meanResolveMinutes: 180,
    },
    P3: {
      incidents: 1,
      acknowledged: 0,
      meanAcknowledgeMinutes: null,
      resolved: 0,
      meanResolveMinutes: null,
    },
    P4: {
      incidents: 0,
      acknowledged: 0,
      meanAcknowledgeMinutes: null,
      resolved: 0,
      meanResolveMinutes: null,
    },
  },
  rootCause: { closed: 3, identified: 2, share: 66.7 },
};

describe("support indicators", () => {
  it("give the hand-calculated figures", () => {
    const until = Date.parse("2026-11-30T00:00:00Z");
    const base = until - 20 * 24 * H;
    const { incidents, windowEnd, restart } = generated(base);
    const changes: Change[] = [
      {
        what: "maintenance window",
        start: new Date(windowEnd - H).toISOString(),
        end: new Date(windowEnd).toISOString(),
      },
      {
        what: "guardia restart-service",
        start: new Date(restart).toISOString(),
        end: new Date(restart + M).toISOString(),
      },
    ];
    const report = supportIndicators(
      incidents,
      changes,
      new Date(until - 30 * 24 * H),
      new Date(until),
    );
    expect(report).toMatchObject(expected);
    expect(report.afterChanges).toEqual({
      incidents: 2,
      of: 4,
      items: [
        { incident: incidents[0]!.id, change: "maintenance window", changeAt: changes[0]!.start },
        {
          incident: incidents[2]!.id,
          change: "guardia restart-service",
          changeAt: changes[1]!.start,
        },
      ],
    });
  });

  describe("guardia support-report", () => {
    let dir: string;
    let stack: string;
    beforeAll(() => {
      dir = mkdtempSync(path.join(tmpdir(), "guardia-support-"));
      stack = writeStackFile(
        {
          name: "shop",
          environment: "dev",
          namespace: "shop",
          runtime: "local",
          services: [
            { name: "web", workload: "deployment/web", health: [{ url: "http://127.0.0.1:9/" }] },
          ],
          backups: {
            destination: { url: `file://${dir}/dest` },
            schedules: [{ name: "daily", cron: "0 2 * * *", keepDays: 7 }],
          },
          monitoring: { alertmanagerUrl: "http://127.0.0.1:9" },
        },
        "shop-dev",
      );
      const base = Date.now() - 20 * 24 * H;
      const { incidents, restart } = generated(base);
      const records = path.join(dir, "dest", "incidents", "shop", "dev");
      mkdirSync(records, { recursive: true });
      for (const i of incidents)
        writeFileSync(path.join(records, `${i.id}.json`), JSON.stringify(i));
      // The audit log holds the restart (a change) and a dry run of another one (nothing ran).
      const run = (time: number, dryRun: boolean) =>
        JSON.stringify({
          type: "guardia.audit.v1",
          time: new Date(time).toISOString(),
          operator: "luis",
          stack: "shop-dev",
          runbook: "restart-service",
          dryRun,
          outcome: dryRun ? "planned" : "done",
          durationMs: 60_000,
          steps: [{ title: "restart", kind: "change", status: dryRun ? "planned" : "ok" }],
        });
      writeFileSync(
        path.join(dir, "audit.jsonl"),
        `${run(restart, false)}\n${run(base + 57 * H, true)}\n`,
      );
    });
    afterAll(() => {
      rmSync(dir, { recursive: true, force: true });
      if (stack) rmSync(path.dirname(stack), { recursive: true, force: true });
    });

    it("computes them from the stored records and the audit log, saying what it could not read", async () => {
      const run = await runCli(["support-report", "--stack", stack, "--format", "json"], {
        env: { GUARDIA_AUDIT_FILE: path.join(dir, "audit.jsonl") },
      });
      expect(run.code, run.stderr).toBe(0);
      const report = JSON.parse(run.stdout) as Record<string, unknown> & {
        afterChanges: { incidents: number; items: { incident: string }[] };
        notCounted: string[];
      };
      expect(report).toMatchObject(expected);
      // The window is in Alertmanager, which is not reachable: only C follows a change (the restart).
      expect(report.afterChanges.items.map((i) => i.incident)).toEqual([
        "inc-20260101T000003Z-0003",
      ]);
      expect(report.notCounted.join("\n")).toMatch(/maintenance windows in Alertmanager/);
      const md = await runCli(["support-report", "--stack", stack], {
        env: { GUARDIA_AUDIT_FILE: path.join(dir, "audit.jsonl") },
      });
      expect(md.stdout).toContain("| P1 | 2 | 2 | 15 min | 2 | 85 min |");
      expect(md.stdout).toContain("66.7 % (2 of 3 closed)");
      expect(md.stdout).toContain("1 of 4 incident(s)");
    });
  });
});
