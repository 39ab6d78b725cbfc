import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { backupAgeLimitSeconds } from "../../lib/monitoring/alerts/backups.js";
import { dashboardUid, grafanaDashboard } from "../../lib/monitoring/dashboard.js";
import type { Language } from "../../lib/i18n/index.js";
import { CLUSTER_STACKS, exampleContext, runTool, tempDir } from "./helpers/stacks.js";

/** The Grafana dashboard: the MIRA operations guide's Métricas Clave as panels, each query valid PromQL for promtool. */

interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { uid: string };
  targets?: { expr: string; refId: string }[];
  fieldConfig?: { defaults: { thresholds: { steps: { value: number | null; color: string }[] } } };
}

/** The example stack's dashboard, in the stack's own language unless `language` is given. */
function dashboardOf(name: string, language?: Language) {
  const { stack, ctx } = exampleContext(name);
  const platform = { ...stack.platform, language: language ?? stack.platform.language };
  const json = grafanaDashboard({
    platform,
    stack: name,
    backupJobs: ctx.backupJobs,
  });
  return { platform, ctx, json, panels: json.panels as Panel[] };
}

const steps = (panel: Panel | undefined) =>
  panel?.fieldConfig?.defaults.thresholds.steps.map((s) => s.value);
const titled = (panels: Panel[], start: string) => panels.find((p) => p.title.startsWith(start));

let scratch: ReturnType<typeof tempDir>;
beforeAll(() => {
  scratch = tempDir("dashboard");
});
afterAll(() => scratch.remove());

describe.each(CLUSTER_STACKS)("%s's dashboard", (name) => {
  it("lays out numbered panels on Grafana's 24-column grid, all on the chosen datasource", () => {
    const { panels, json, platform } = dashboardOf(name);
    expect(json.uid).toBe(dashboardUid(platform));
    expect(panels.map((p) => p.id)).toEqual(panels.map((_, i) => i + 1));
    for (const panel of panels) {
      expect(panel.gridPos.x + panel.gridPos.w, panel.title).toBeLessThanOrEqual(24);
      if (panel.type !== "row") expect(panel.datasource?.uid, panel.title).toBe("${datasource}");
    }
  });

  it("draws each target as a threshold: SLO, latency targets, backup age limits", () => {
    const { panels, platform, ctx } = dashboardOf(name, "en");
    for (const service of platform.services.filter((s) => s.health.length > 0)) {
      expect(steps(titled(panels, `${service.name}: availability (SLO`))).toEqual([
        null,
        service.slo.availability,
      ]);
      expect(steps(titled(panels, `${service.name}: latency`))).toEqual([
        null,
        service.slo.latencyAvgMs / 1000,
        service.slo.latencyP95Ms / 1000,
      ]);
    }
    for (const dep of platform.externalDependencies) {
      expect(steps(titled(panels, `${dep.name}: availability`))).toEqual([null, dep.availability]);
    }
    const ages = panels.filter((p) => p.title.includes(": age of last"));
    expect(ages.map((p) => steps(p)?.[1])).toEqual(ctx.backupJobs.map(backupAgeLimitSeconds));
    expect(panels.filter((p) => p.type === "state-timeline").map((p) => p.title)).toEqual([
      "Probe status per endpoint",
    ]);
  });

  it("queries valid PromQL (promtool parses every expression)", async () => {
    const { panels } = dashboardOf(name);
    const exprs = panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
    expect(exprs.length).toBeGreaterThan(3);
    // Grafana's $__range is not PromQL; any duration stands in for it.
    const rules = exprs.map((expr, i) => ({
      record: `guardia:dashboard:query_${i}`,
      expr: expr.replaceAll("$__range", "7d"),
    }));
    const file = path.join(scratch.dir, `${name}.yaml`);
    writeFileSync(file, stringify({ groups: [{ name: "dashboard", rules }] }));
    const { code, output } = await runTool("promtool", ["check", "rules", file]);
    expect(output).toContain(`SUCCESS: ${exprs.length} rules found`);
    expect(code).toBe(0);
  });
});

describe("dashboard details", () => {
  it("rejects a query promtool cannot parse (the check can fail)", async () => {
    const file = path.join(scratch.dir, "broken.yaml");
    writeFileSync(
      file,
      stringify({
        groups: [{ name: "d", rules: [{ record: "x", expr: "avg(probe_success[$__range])" }] }],
      }),
    );
    expect((await runTool("promtool", ["check", "rules", file])).code).toBe(1);
  });

  it("shows the MIRA operations guide's tables: NocoBase, ALMA/SIDRA, the database and its backups", () => {
    const { panels } = dashboardOf("mira-prod", "en");
    expect(panels.filter((p) => p.type !== "row").map((p) => p.title)).toEqual([
      "nocobase: availability (SLO 99.5 %)",
      "nocobase: availability per hour against the SLO",
      "nocobase: latency (targets: avg 500 ms, p95 2000 ms)",
      "Probe status per endpoint",
      "alma-sidra: availability (target 95 %)",
      "mira: database up",
      "mira: age of last daily backup",
      "mira: age of last weekly backup",
      "mira: age of last restore drill",
    ]);
  });

  it("speaks the stack's language (mira-prod: es), with the same queries and thresholds", () => {
    const es = dashboardOf("mira-prod");
    const en = dashboardOf("mira-prod", "en");
    expect(es.platform.language).toBe("es");
    expect(es.panels.map((p) => p.title)).toEqual([
      "Servicio nocobase",
      "nocobase: disponibilidad (SLO 99.5 %)",
      "nocobase: disponibilidad por hora frente al SLO",
      "nocobase: latencia (objetivos: promedio 500 ms, p95 2000 ms)",
      "Sondas",
      "Estado de las sondas por endpoint",
      "Dependencias externas",
      "alma-sidra: disponibilidad (objetivo 95 %)",
      "Bases de datos y backups",
      "mira: base de datos disponible",
      "mira: antigüedad del último backup daily",
      "mira: antigüedad del último backup weekly",
      "mira: antigüedad del último simulacro de restauración",
    ]);
    const machine = (panels: Panel[]) =>
      panels.map((p) => [p.id, p.type, p.gridPos, p.targets?.map((t) => t.expr), steps(p)]);
    expect(machine(es.panels)).toEqual(machine(en.panels));
    expect(es.json.uid).toBe(en.json.uid);
  });
});
