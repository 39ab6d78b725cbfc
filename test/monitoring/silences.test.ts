import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alertmanagerConfigYaml } from "../../lib/monitoring/alertmanager-config.js";
import {
  createSilence,
  describeSilence,
  expireSilence,
  getSilence,
  listSilences,
  silencePlan,
  type SilenceRequest,
} from "../../lib/monitoring/silences.js";
import { startAlertmanager, type AlertmanagerServer } from "../harness/alertmanager.js";
import { freePort } from "../harness/ports.js";
import { waitUntil } from "../harness/process.js";
import { exampleContext } from "./helpers/stacks.js";

/** The silences library against a real Alertmanager 0.28 running mira-prod's configuration. */

const prod = exampleContext("mira-prod").stack.platform;
const dev = exampleContext("mira-dev").stack.platform;

let am: AlertmanagerServer;
beforeAll(async () => {
  am = await startAlertmanager(alertmanagerConfigYaml(prod));
});
afterAll(() => am?.stop());

const request = (overrides: Partial<SilenceRequest> = {}): SilenceRequest => ({
  platform: prod,
  createdBy: "ana",
  comment: "maintenance window: NocoBase upgrade",
  durationSeconds: 3600,
  ...overrides,
});

const alertOf = (platform: typeof prod, alertname: string, extra: Record<string, string> = {}) => ({
  labels: {
    alertname,
    priority: "P1",
    severity: "critical",
    platform: platform.name,
    environment: platform.environment,
    namespace: platform.namespace,
    ...extra,
  },
});

async function stateOf(alertname: string, environment: string) {
  const alert = (await am.alerts()).find(
    (a) => a.labels.alertname === alertname && a.labels.environment === environment,
  );
  return alert?.status;
}

describe("silencePlan", () => {
  it("scopes a silence to the stack's platform, environment and namespace", () => {
    const plan = silencePlan(
      request({ startsAt: new Date("2026-11-23T02:00:00Z"), labels: { service: "nocobase" } }),
    );
    expect(plan).toEqual({
      matchers: [
        { name: "platform", value: "mira", isRegex: false, isEqual: true },
        { name: "environment", value: "prod", isRegex: false, isEqual: true },
        { name: "namespace", value: "mira", isRegex: false, isEqual: true },
        { name: "service", value: "nocobase", isRegex: false, isEqual: true },
        { name: "alertname", value: "GuardiaWatchdog", isRegex: false, isEqual: false },
      ],
      startsAt: "2026-11-23T02:00:00.000Z",
      endsAt: "2026-11-23T03:00:00.000Z",
      createdBy: "ana",
      comment: "maintenance window: NocoBase upgrade",
    });
    expect(describeSilence(plan)).toBe(
      'silence {platform="mira", environment="prod", namespace="mira", service="nocobase", alertname!="GuardiaWatchdog"} from 2026-11-23T02:00:00.000Z to 2026-11-23T03:00:00.000Z by ana: maintenance window: NocoBase upgrade',
    );
  });

  it("refuses what Alertmanager would refuse or misread, saying which field", () => {
    expect(() => silencePlan(request({ durationSeconds: 0 }))).toThrow(
      "a silence needs a positive duration, got 0 seconds",
    );
    expect(() => silencePlan(request({ comment: " " }))).toThrow(
      "a silence needs a `comment` (why)",
    );
    expect(() => silencePlan(request({ createdBy: "" }))).toThrow(
      "a silence needs `createdBy` (who silences)",
    );
    expect(() => silencePlan(request({ labels: { environment: "dev" } }))).toThrow(
      'label "environment" is the stack\'s own scope and cannot be overridden in a silence',
    );
  });
});

describe("silences in a running Alertmanager", () => {
  const api = () => ({ url: am.url });

  it("mutes the stack's alerts, not another stack's, until it is expired", async () => {
    const id = await createSilence(api(), silencePlan(request()));
    await am.postAlerts([alertOf(prod, "EndpointDown"), alertOf(dev, "EndpointDown")]);
    await waitUntil(
      async () => (await stateOf("EndpointDown", "prod"))?.state === "suppressed",
      5_000,
      () => "prod alert not silenced",
    );
    expect(await stateOf("EndpointDown", "prod")).toEqual({
      state: "suppressed",
      silencedBy: [id],
      inhibitedBy: [],
      mutedBy: [],
    });
    expect((await stateOf("EndpointDown", "dev"))?.state).toBe("active");

    await expireSilence(api(), id);
    expect((await getSilence(api(), id)).status.state).toBe("expired");
    await waitUntil(
      async () => (await stateOf("EndpointDown", "prod"))?.state === "active",
      5_000,
      () => "prod alert still silenced",
    );
    // Expiring again is harmless: a rerun of the maintenance window's last step.
    await expireSilence(api(), id);
  });

  it("spares the dead man's switch: the watchdog stays active while the window mutes the rest", async () => {
    const id = await createSilence(api(), silencePlan(request({ comment: "window" })));
    try {
      await am.postAlerts([
        alertOf(prod, "DatabaseDown", { database: "mira" }),
        alertOf(prod, "GuardiaWatchdog", { priority: "P4", severity: "info" }),
      ]);
      await waitUntil(
        async () => (await stateOf("DatabaseDown", "prod"))?.state === "suppressed",
        5_000,
        () => "DatabaseDown not silenced",
      );
      expect((await stateOf("DatabaseDown", "prod"))?.silencedBy).toEqual([id]);
      expect(await stateOf("GuardiaWatchdog", "prod")).toEqual({
        state: "active",
        silencedBy: [],
        inhibitedBy: [],
        mutedBy: [],
      });
    } finally {
      await expireSilence(api(), id);
    }
  });

  it("still finds a window silence without the watchdog matcher (made before it existed)", async () => {
    const { matchers, ...rest } = silencePlan(request({ comment: "older window" }));
    const legacy = { ...rest, matchers: matchers.filter((m) => m.isEqual) };
    const id = await createSilence(api(), legacy);
    expect((await listSilences(api(), prod, ["active"])).map((s) => s.id)).toContain(id);
    await expireSilence(api(), id);
  });

  it("lists only the stack's silences, newest first, filtered by state", async () => {
    const first = await createSilence(api(), silencePlan(request({ comment: "first" })));
    const second = await createSilence(
      api(),
      silencePlan(request({ comment: "second", labels: { service: "nocobase" } })),
    );
    const other = await createSilence(
      api(),
      silencePlan(request({ platform: dev, comment: "dev" })),
    );
    const active = await listSilences(api(), prod, ["active"]);
    expect(active.map((s) => s.comment)).toEqual(["second", "first"]);
    expect(active.map((s) => s.id)).not.toContain(other);
    await expireSilence(api(), first);
    expect((await listSilences(api(), prod, ["active"])).map((s) => s.id)).toEqual([second]);
    expect((await listSilences(api(), prod, ["expired"])).map((s) => s.id)).toContain(first);
    expect((await listSilences(api(), dev)).map((s) => s.id)).toEqual([other]);
  });

  it("says which Alertmanager failed and how", async () => {
    await expect(getSilence(api(), "00000000-0000-0000-0000-000000000000")).rejects.toThrow(
      `reading silence 00000000-0000-0000-0000-000000000000: Alertmanager at ${am.url} answered 404`,
    );
    const closed = `http://127.0.0.1:${await freePort()}`;
    await expect(
      createSilence({ url: closed, timeoutMs: 2_000 }, silencePlan(request())),
    ).rejects.toThrow(
      new RegExp(`creating silence \\{platform="mira".*: Alertmanager at ${closed} did not answer`),
    );
  });
});
