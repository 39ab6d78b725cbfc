import { describe, expect, it } from "vitest";
import { Duration, validatePlatform } from "../../lib/model/index.js";
import { backupAgeLimitSeconds } from "../../lib/monitoring/alerts/backups.js";
import { demote, guardiaCommand } from "../../lib/monitoring/contract.js";
import { probeSpecs } from "../../lib/monitoring/probes.js";
import { selector, seriesValues } from "../../lib/monitoring/promql.js";
import { expandLabels } from "../../lib/monitoring/rule-tests.js";
import {
  alertTiming,
  dependencyWindow,
  dependencyWindowProbes,
} from "../../lib/monitoring/timing.js";

/** The pure pieces behind the rules: timing formulas, probe grouping, PromQL and series text. */

describe("timing", () => {
  it("derives every `for` and window from the probe interval", () => {
    const prod = alertTiming(Duration.parse("1m"));
    expect(
      [
        prod.endpointDownFor,
        prod.fastBurn.long,
        prod.fastBurn.short,
        prod.slowBurn.long,
        prod.latencyFor,
      ].map(String),
    ).toEqual(["5m", "1h", "5m", "6h", "15m"]);
    expect([prod.groupWait, prod.groupInterval].map(String)).toEqual(["30s", "5m"]);
    const test = alertTiming(Duration.parse("2s"));
    expect(
      [test.endpointDownFor, test.lastProbeLookback, test.groupWait, test.groupInterval].map(
        String,
      ),
    ).toEqual(["10s", "4s", "1s", "10s"]);
  });

  it("beats the watchdog's heart every minute, faster only for test stacks", () => {
    const heartbeat = (probe: string) =>
      String(alertTiming(Duration.parse(probe)).heartbeatInterval);
    expect(["1m", "2m", "5m", "2s", "1s"].map(heartbeat)).toEqual(["1m", "1m", "1m", "2s", "2s"]);
  });

  it("sizes a dependency's window so two failed probes stay within its budget", () => {
    expect(dependencyWindowProbes(0.95)).toBe(40);
    expect(dependencyWindowProbes(0.99)).toBe(200);
    expect(dependencyWindowProbes(0.5)).toBe(24);
    expect(String(dependencyWindow(Duration.parse("15m"), 0.95))).toBe("10h");
    for (const a of [0.9, 0.95, 0.97, 0.99, 0.995]) {
      const n = dependencyWindowProbes(a);
      expect(1 - 2 / n, `availability ${a}`).toBeGreaterThanOrEqual(a);
      expect(1 - 3 / n, `availability ${a}`).toBeLessThan(a);
    }
  });

  it("allows a backup half its schedule's gap, at most 3 hours, before it is too old", () => {
    const job = (maxIntervalSeconds: number) => ({
      database: "d",
      schedule: "s",
      cronJob: "c",
      kind: "backup" as const,
      maxIntervalSeconds,
    });
    expect(backupAgeLimitSeconds(job(86400))).toBe(27 * 3600);
    expect(backupAgeLimitSeconds(job(3600))).toBe(5400);
  });
});

describe("probes", () => {
  it("splits a service's endpoints by expected status and timeout, and keeps the scrape timeout under the interval", () => {
    const { platform } = validatePlatform({
      name: "shop",
      environment: "dev",
      namespace: "shop",
      services: [
        {
          name: "api",
          health: [
            { url: "http://api.shop.svc/health" },
            { url: "http://api.shop.svc/ready", timeoutMs: 1500 },
            { url: "http://api.shop.svc/whoami", expectStatus: 401 },
          ],
        },
      ],
      monitoring: { probeInterval: "2s" },
    });
    expect(
      probeSpecs(platform!).map((p) => [p.name, p.module, String(p.scrapeTimeout), p.targets]),
    ).toEqual([
      ["shop-probe-api-http-2xx-5s", "http_2xx", "2s", ["http://api.shop.svc/health"]],
      ["shop-probe-api-http-2xx-2s", "http_2xx", "2s", ["http://api.shop.svc/ready"]],
      ["shop-probe-api-http-401-5s", "http_401", "2s", ["http://api.shop.svc/whoami"]],
    ]);
  });
});

describe("PromQL and promtool text", () => {
  it("quotes label values", () => {
    expect(selector("up", { job: 'a"b', ns: "x" })).toBe('up{job="a\\"b",ns="x"}');
  });

  it("writes samples in promtool's expanding notation", () => {
    expect(seriesValues([1, 1, 1, 0, 0, 1])).toBe("1x2 0x1 1");
    expect(seriesValues([60, 120, 180, 240])).toBe("60+60x3");
    expect(seriesValues([-5, -10, undefined, 3])).toBe("-5-5x1 _ 3");
  });

  it("expands $labels the way Prometheus' templates do", () => {
    expect(
      expandLabels({ summary: "{{ $labels.instance }} is down" }, { instance: "https://x" }),
    ).toEqual({
      summary: "https://x is down",
    });
  });
});

describe("contract helpers", () => {
  it("demotes a priority by one, P4 staying P4", () => {
    expect((["P1", "P2", "P3", "P4"] as const).map(demote)).toEqual(["P2", "P3", "P4", "P4"]);
  });

  it("quotes what a shell would need quoted in the first command", () => {
    expect(
      guardiaCommand("mira-prod", {
        runbook: "backup-db",
        flags: { database: "mira", schedule: "daily" },
      }),
    ).toBe("guardia backup-db --stack mira-prod --database mira --schedule daily");
    expect(guardiaCommand("stacks/my stack.yaml", { runbook: "health-check" })).toBe(
      "guardia health-check --stack 'stacks/my stack.yaml'",
    );
  });
});
