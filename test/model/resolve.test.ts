import { describe, expect, it } from "vitest";
import { CronSchedule, Duration } from "../../lib/model/index.js";
import { platformOf, RECEIVERS } from "./builders.js";

const LOGS = "logs:\n  - { name: app, paths: [/var/log/app/*.log] }\n";
const BACKUPS = "backups:\n  destination: { url: file:///backups/mira }\n";

/** One receiver of every type: two chat (slack, teams), one email, one pager (sns), one webhook. */
const ALL_RECEIVERS = `
alerting:
  receivers:
    - { name: chat-slack, type: slack, channel: "#ops", webhookSecret: { name: a, key: slack } }
    - { name: chat-teams, type: teams, webhookSecret: { name: a, key: teams } }
    - name: mail
      type: email
      to: [ops@example.org]
      from: guardia@example.org
      smarthost: smtp.example.org:587
    - { name: pager, type: sns, topicArn: "arn:aws:sns:sa-east-1:111122223333:oncall" }
    - { name: hook, type: webhook, urlSecret: { name: a, key: url } }
`;

describe("defaults per environment", () => {
  const prod = platformOf(`${BACKUPS}${LOGS}${RECEIVERS}`, "prod");
  const dev = platformOf(`${BACKUPS}${LOGS}`, "dev");

  it("prod keeps daily backups 30 days and weekly 90 (MIRA operations guide), dev daily for 7", () => {
    const schedules = (p: typeof prod) =>
      p.backups!.schedules.map((s) => [s.name, s.cron.toString(), s.keepDays]);
    expect(schedules(prod)).toEqual([
      ["daily", "0 2 * * *", 30],
      ["weekly", "0 3 * * 0", 90],
    ]);
    expect(schedules(dev)).toEqual([["daily", "0 2 * * *", 7]]);
  });

  it("prod drills a restore every Monday at 05:00, dev does not", () => {
    expect(prod.backups!.restoreDrill?.cron.toString()).toBe("0 5 * * 1");
    expect(dev.backups!.restoreDrill).toBeUndefined();
  });

  it("prod probes every minute, dev every five", () => {
    expect(prod.monitoring.probeInterval.seconds).toBe(60);
    expect(String(prod.monitoring.probeInterval)).toBe("1m");
    expect(dev.monitoring.probeInterval.seconds).toBe(300);
  });

  it("prod compresses logs after 30 days and deletes them after 90, dev after 1 and 7", () => {
    const retention = (p: typeof prod) => {
      const { compressAfterDays, deleteAfterDays, maxSize } = p.logs[0]!;
      return { compressAfterDays, deleteAfterDays, maxSize };
    };
    expect(retention(prod)).toEqual({
      compressAfterDays: 30,
      deleteAfterDays: 90,
      maxSize: "100M",
    });
    expect(retention(dev)).toEqual({ compressAfterDays: 1, deleteAfterDays: 7, maxSize: "50M" });
  });

  it("prod routes P1 to everyone, P2 to chat and email, P3 to chat, P4 to an email digest", () => {
    const { routes } = platformOf(`${BACKUPS}${ALL_RECEIVERS}`, "prod").alerting;
    expect(routes).toEqual({
      P1: ["chat-slack", "chat-teams", "mail", "pager", "hook"],
      P2: ["chat-slack", "chat-teams", "hook", "mail"],
      P3: ["chat-slack", "chat-teams", "hook"],
      P4: ["mail"],
    });
  });

  it("prod sends P4 to chat when there is no email receiver", () => {
    expect(prod.alerting.routes.P4).toEqual(["ops"]);
  });

  it("dev routes every priority to chat only", () => {
    const chat = ["chat-slack", "chat-teams", "hook"];
    expect(platformOf(ALL_RECEIVERS, "dev").alerting.routes).toEqual({
      P1: chat,
      P2: chat,
      P3: chat,
      P4: chat,
    });
  });

  it("leaves the dead man's switch out of every priority's routes", () => {
    const body = `${BACKUPS}${ALL_RECEIVERS}  deadMansSwitch: hook\n`;
    const { routes, deadMansSwitch } = platformOf(body, "prod").alerting;
    expect(deadMansSwitch).toBe("hook");
    expect(routes).toEqual({
      P1: ["chat-slack", "chat-teams", "mail", "pager"],
      P2: ["chat-slack", "chat-teams", "mail"],
      P3: ["chat-slack", "chat-teams"],
      P4: ["mail"],
    });
    expect(platformOf(body, "dev").alerting.routes.P4).toEqual(["chat-slack", "chat-teams"]);
    expect(platformOf(ALL_RECEIVERS, "dev").alerting.deadMansSwitch).toBeUndefined();
  });

  it("keeps routes the stack names", () => {
    const body = `${ALL_RECEIVERS}  routes:\n    P1: [pager]\n`;
    expect(platformOf(body, "dev").alerting.routes.P1).toEqual(["pager"]);
  });
});

describe("what the stack says wins, even when it is 0 (`??`, never `||`)", () => {
  it("keeps compressAfterDays: 0", () => {
    const body = `${BACKUPS}${RECEIVERS}logs:\n  - { name: app, paths: [/var/log/a.log], compressAfterDays: 0 }\n`;
    expect(platformOf(body, "prod").logs[0]!.compressAfterDays).toBe(0);
  });

  it("merges a partial SLO over the MIRA operations guide's targets", () => {
    const slo = platformOf("services:\n  - { name: web, slo: { latencyAvgMs: 800 } }").services[0]!
      .slo;
    expect(slo).toEqual({ availability: 0.995, latencyAvgMs: 800, latencyP95Ms: 2000 });
  });

  it("keeps forcePathStyle: false and deployBlackboxExporter: false", () => {
    const platform = platformOf(`
backups:
  destination: { url: s3://mira/x, endpoint: http://minio:9000, forcePathStyle: false }
monitoring: { deployBlackboxExporter: false }
`);
    expect(platform.backups!.destination).toMatchObject({ forcePathStyle: false });
    expect(platform.monitoring.blackboxExporterAddress).toBe(
      "blackbox-exporter.monitoring.svc:9115",
    );
  });
});

describe("restore drill server", () => {
  const drill = (server: string) => `${BACKUPS}  restoreDrill:\n    cron: "0 5 * * 1"\n${server}`;

  it("resolves backups.restoreDrill.server with PostgreSQL's port by default", () => {
    const server = `    server:
      host: mira-drill-pg.mira.svc
      user: guardia_drill
      passwordSecret: { name: mira-drill-db, key: password }
`;
    expect(platformOf(drill(server), "staging").backups!.restoreDrill).toEqual({
      cron: expect.objectContaining({ expression: "0 5 * * 1" }),
      server: {
        host: "mira-drill-pg.mira.svc",
        port: 5432,
        user: "guardia_drill",
        passwordSecret: { name: "mira-drill-db", key: "password" },
      },
    });
  });

  it("restores on each database's own server when the stack names none, as before", () => {
    expect(platformOf(drill(""), "staging").backups!.restoreDrill?.server).toBeUndefined();
    expect(
      platformOf(`${BACKUPS}${RECEIVERS}`, "prod").backups!.restoreDrill?.server,
    ).toBeUndefined();
  });
});

describe("destinations", () => {
  it("splits s3:// into bucket and a prefix without slashes, with the stack's region", () => {
    const platform = platformOf(`
backups:
  destination: { url: s3://mira-backups/prod/db/, endpoint: http://minio:9000, objectLock: { days: 7 } }
aws: { region: sa-east-1 }
`);
    expect(platform.backups!.destination).toEqual({
      kind: "s3",
      url: "s3://mira-backups/prod/db/",
      bucket: "mira-backups",
      prefix: "prod/db",
      endpoint: "http://minio:9000",
      credentialsSecret: undefined,
      forcePathStyle: false,
      region: "sa-east-1",
      objectLockDays: 7,
    });
  });

  it("gives an s3:// bucket root the empty prefix", () => {
    const body = "backups:\n  destination: { url: s3://mira-backups, endpoint: http://minio:9000 }";
    expect(platformOf(body).backups!.destination).toMatchObject({
      bucket: "mira-backups",
      prefix: "",
    });
  });

  it("turns file:// into a decoded absolute path with a 50Gi claim", () => {
    const body = "backups:\n  destination: { url: file:///srv/mira%20backups/ }";
    expect(platformOf(body).backups!.destination).toEqual({
      kind: "file",
      url: "file:///srv/mira%20backups/",
      path: "/srv/mira backups",
      volumeSize: "50Gi",
      storageClass: undefined,
    });
  });
});

describe("services", () => {
  const publicOf = (url: string) =>
    platformOf(`services:\n  - name: web\n    health:\n      - url: ${url}`).services[0]!.health[0]!
      .public;

  it.each([
    ["https://mira.example.org/api/health", true],
    ["http://mira.example.org/api/health", false],
    ["https://nocobase.mira.svc/api/health", false],
    ["https://nocobase.mira.svc.cluster.local:13000/", false],
    ["https://localhost:8443/", false],
    ["https://127.0.0.1/", false],
  ])("counts %s as public: %s", (url, expected) => {
    expect(publicOf(url)).toBe(expected);
  });

  it("fills in health defaults and keeps an explicit `public: false`", () => {
    const body =
      "services:\n  - name: web\n    health:\n      - { url: https://x.example.org, public: false }";
    expect(platformOf(body).services[0]!.health).toEqual([
      { url: "https://x.example.org", expectStatus: 200, timeoutMs: 5000, public: false },
    ]);
  });

  it("runs celery diagnostics in the service's workload unless told otherwise", () => {
    const platform = platformOf(`
services:
  - { name: worker, workload: deployment/celery, diagnostics: { celery: { app: proj } } }
  - name: api
    workload: deployment/api
    diagnostics: { celery: { app: proj, workload: statefulset/beat } }
`);
    const [worker, api] = platform.services;
    expect(worker!.diagnostics.celery).toEqual({
      app: "proj",
      python: "python",
      workload: { kind: "deployment", name: "celery", ref: "deployment/celery" },
      timeoutSeconds: 3,
      workers: [],
    });
    expect(api!.diagnostics.celery?.workload).toEqual({
      kind: "statefulset",
      name: "beat",
      ref: "statefulset/beat",
    });
  });
});

describe("CronSchedule", () => {
  it("describes itself in words", () => {
    expect(CronSchedule.parse("0 2 * * *").describe()).toBe("At 02:00");
    expect(CronSchedule.parse("0 3 * * 0").describe()).toBe("At 03:00, only on Sunday");
    expect(CronSchedule.parse("0 2 * * 1-5").describe()).toBe("At 02:00, Monday through Friday");
  });

  it("finds the next run in a time zone, across daylight saving time", () => {
    const daily = CronSchedule.parse("0 2 * * *");
    // Santiago is UTC-3 in its summer (March) and UTC-4 in its winter (July).
    expect(daily.nextRun(new Date("2026-03-01T12:00:00Z"), "America/Santiago").toISOString()).toBe(
      "2026-03-02T05:00:00.000Z",
    );
    expect(daily.nextRun(new Date("2026-07-01T12:00:00Z"), "America/Santiago").toISOString()).toBe(
      "2026-07-02T06:00:00.000Z",
    );
    expect(daily.nextRun(new Date("2026-03-01T12:00:00Z")).toISOString()).toBe(
      "2026-03-02T02:00:00.000Z",
    );
  });

  it.each([
    ["0 2 * * *", 86_400],
    ["0 3 * * 0", 604_800],
    ["0 2 * * 1-5", 3 * 86_400],
    ["*/15 * * * *", 900],
  ])("the longest gap of %s is %i s", (expression, seconds) => {
    expect(CronSchedule.parse(expression).maxIntervalSeconds()).toBe(seconds);
  });

  it("normalizes spacing and refuses what Kubernetes would refuse", () => {
    expect(CronSchedule.parse("  0  2 * * * ").toString()).toBe("0 2 * * *");
    expect(() => CronSchedule.parse("@daily")).toThrow(
      'invalid cron expression "@daily": expected 5 fields (minute hour day-of-month month day-of-week), got 1',
    );
  });
});

describe("Duration", () => {
  it.each([
    ["30s", 30],
    ["15m", 900],
    ["1h", 3600],
    ["1d", 86_400],
    ["2w", 1_209_600],
  ])("parses %s as %i seconds and prints it as written", (text, seconds) => {
    const duration = Duration.parse(text);
    expect(duration.seconds).toBe(seconds);
    expect(duration.toString()).toBe(text);
  });

  it("refuses what Prometheus would not read", () => {
    expect(() => Duration.parse("1h30m")).toThrow(
      'expected a duration like "30s", "5m", "1h" or "1d", got "1h30m"',
    );
  });

  it.each([
    [90, "90s"],
    [900, "15m"],
    [7200, "2h"],
    [86_400, "1d"],
    [604_800, "1w"],
  ])("writes %i seconds as %s", (seconds, text) => {
    expect(Duration.ofSeconds(seconds).toString()).toBe(text);
    expect(Duration.ofSeconds(seconds).seconds).toBe(seconds);
  });
});
