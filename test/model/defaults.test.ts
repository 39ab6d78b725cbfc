import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { DEFAULT_IMAGE_REPOSITORY, DEFAULT_RUNBOOK_BASE_URL } from "../../lib/model/defaults.js";
import {
  ENVIRONMENTS,
  validatePlatform,
  type Environment,
  type Platform,
} from "../../lib/model/index.js";
import { maxSizeBytes } from "../../lib/logs/logrotate-config.js";
import { logSizeCapBytes } from "../../lib/model/resolve-hygiene.js";
import { GUARDIA_VERSION } from "../../lib/version.js";
import { repoRoot } from "../harness/tools.js";

/**
 * Every `@default` in lib/model/schema.ts, read from the source, against what resolve.ts gives a
 * stack that leaves the field out, in every environment. A doc that drifts from defaults.ts, or
 * a new form of doc this test cannot read, fails here.
 */

interface DefaultDoc {
  /** The schema const the field belongs to (`healthEndpoint`). */
  readonly section: string;
  readonly field: string;
  /** The text after `@default`, up to the end of the comment. */
  readonly doc: string;
}

/** Reads `/** ... @default ... *\/` comments and the `key:` line that follows each. */
function defaultDocs(source: string): DefaultDoc[] {
  const docs: DefaultDoc[] = [];
  let section = "";
  let comment: string[] | undefined;
  for (const line of source.split("\n")) {
    const declared = /^(?:export )?const (\w+) = /.exec(line);
    if (declared) section = declared[1]!;
    const trimmed = line.trim();
    if (trimmed.startsWith("/**")) comment = [];
    if (comment) {
      comment.push(trimmed.replace(/^\/\*\*|\*\/$|^\*/g, "").trim());
      if (trimmed.endsWith("*/")) {
        const text = comment.join(" ");
        comment = undefined;
        // A `@default` in backticks is prose about the tag, not a tag.
        const tag = /(?<!`)@default (.*)$/.exec(text);
        if (tag) docs.push({ section, field: "", doc: tag[1]!.trim() });
      }
      continue;
    }
    const last = docs.at(-1);
    const key = /^\s*(\w+):/.exec(line);
    if (last && last.field === "" && key) docs[docs.length - 1] = { ...last, field: key[1]! };
  }
  return docs;
}

const DOCS = defaultDocs(readFileSync(path.join(repoRoot, "lib/model/schema.ts"), "utf8"));

/** Where each schema const's fields land in the resolved Platform of `fixture`. */
const SECTIONS: Record<string, (p: Platform) => unknown> = {
  healthEndpoint: (p) => p.services[0]!.health[0],
  slo: (p) => p.services[0]!.slo,
  djangoDiagnostics: (p) => p.services[0]!.diagnostics.django,
  celeryDiagnostics: (p) => p.services[0]!.diagnostics.celery,
  service: (p) => p.services[0],
  database: (p) => p.databases[0],
  destination: (p) => p.backups!.destination,
  drillServer: (p) => p.backups!.restoreDrill!.server,
  restoreDrill: (p) => p.backups!.restoreDrill,
  backups: (p) => p.backups,
  logFiles: (p) => p.logs[0],
  smokeCheck: (p) => {
    const [get] = p.smoke.flows.find((f) => f.name === "home")!.steps;
    return (
      get?.kind === "request" && {
        expectStatus: get.expect.status,
        timeoutMs: get.request.timeoutMs,
      }
    );
  },
  smokeRequest: (p) => requestStep(p).request,
  smokeJsonCheck: (p) => requestStep(p).expect.json[0],
  smokeExpect: (p) => requestStep(p).expect,
  smokeCapture: (p) => requestStep(p).capture.token,
  smokeBrowser: (p) => p.smoke.flows[1]!.steps.find((s) => s.kind === "browser"),
  smokeStep: (p) => requestStep(p),
  smokeFlow: (p) => p.smoke.flows[1],
  smokeFlows: (p) => p.smoke,
  externalDependency: (p) => p.externalDependencies[0],
  alerting: (p) => p.alerting,
  monitoring: (p) => p.monitoring,
  collections: (p) => p.collections,
  collectionsExport: (p) => p.collections!.export,
  tokens: (p) => p.tokens,
  media: (p) => p.media,
  jobs: (p) => p.jobs,
  routineSchedules: (p) => p.routine!.schedules,
  routineDependencies: (p) => p.routine!.dependencies[0],
  routine: (p) => p.routine,
  maintenance: (p) => p.maintenance,
  celery: (p) => p.celery,
  dataFreshness: (p) => p.dataFreshness[0],
  platformInput: (p) => p,
};

/** The fixture's smoke flow's first step: a request with every default. */
function requestStep(p: Platform) {
  const [step] = p.smoke.flows[1]!.steps;
  if (step?.kind !== "request") throw new Error("the fixture's smoke flow starts with a request");
  return step;
}

/** A stack with every section and only its required fields, so every default applies. */
function fixture(environment: Environment, extra: object = {}): Platform {
  const secret = { name: "s", key: "k" };
  const { platform, issues } = validatePlatform({
    name: "shop",
    environment,
    namespace: "shop",
    services: [
      {
        name: "web",
        workload: "deployment/web",
        health: [{ url: "https://shop.example.org/health" }],
        diagnostics: { django: {}, celery: { app: "shop" } },
      },
    ],
    databases: [
      {
        name: "db",
        engine: "postgres",
        host: "h",
        database: "d",
        user: "u",
        passwordSecret: secret,
      },
    ],
    backups: {
      destination: { url: "file:///backups" },
      restoreDrill: { cron: "0 6 * * 2", server: { host: "h", user: "u", passwordSecret: secret } },
    },
    logs: [{ name: "app", paths: ["/var/log/app/*.log"] }],
    smokeChecks: [{ name: "home", url: "https://shop.example.org/" }],
    smokeFlows: {
      flows: [
        {
          name: "login",
          steps: [
            {
              name: "token",
              request: { url: "https://shop.example.org/api/token" },
              expect: { json: [{ path: "token" }] },
              capture: { token: { json: "token" } },
            },
            { name: "home", browser: { url: "https://shop.example.org/", visible: "#app" } },
          ],
        },
      ],
    },
    externalDependencies: [{ name: "bank", url: "https://bank.example.org/" }],
    alerting: {
      receivers: [
        { name: "chat", type: "teams", webhookSecret: secret },
        {
          name: "mail",
          type: "email",
          to: ["a@example.org"],
          from: "g@example.org",
          smarthost: "m:25",
        },
        { name: "beat", type: "webhook", urlSecret: secret },
      ],
      deadMansSwitch: "beat",
    },
    collections: { apiUrl: "https://shop.example.org/api", tokenSecret: secret },
    tokens: { service: "web" },
    media: { root: "/srv/media", references: [{ table: "answers", column: "file" }] },
    routine: {},
    maintenance: {},
    celery: { service: "web", brokerUrl: "redis://redis:6379/0" },
    dataFreshness: [{ name: "sync", database: "db", query: "SELECT now()", maxAge: "1h" }],
    ...extra,
  });
  if (!platform) throw new Error(`fixture invalid: ${JSON.stringify(issues)}`);
  return platform;
}

/** Fields whose default shows only when the fixture leaves out something it otherwise sets. */
const FIXTURE_CHANGES: Record<string, object> = {
  "destination.forcePathStyle": {
    backups: { destination: { url: "s3://bucket/x", endpoint: "http://minio:9000" } },
  },
  "restoreDrill.server": {
    backups: { destination: { url: "file:///b" }, restoreDrill: { cron: "0 6 * * 2" } },
  },
  "platformInput.celery": { celery: undefined },
  "alerting.deadMansSwitch": {
    alerting: {
      receivers: [{ name: "chat", type: "teams", webhookSecret: { name: "s", key: "k" } }],
    },
  },
};

/** Durations and cron schedules compare as the text a stack would hold. */
function plain(value: unknown): unknown {
  if (value !== null && typeof value === "object" && value.constructor.name !== "Object") {
    return Array.isArray(value) ? value.map(plain) : String(value);
  }
  return value;
}

/** The value a literal doc states, or undefined for `none`. */
function literal(text: string): unknown {
  const value = text.replace(/\s+\(.*\)$/, "");
  return value === "none" ? undefined : (parse(value) as unknown);
}

/** `by environment: dev "5m", testing "5m", ...` → each environment's value. */
function perEnvironment(text: string): Record<Environment, unknown> {
  const pairs = text.replace(/\s+\(.*\)$/, "").split(", ");
  const values = Object.fromEntries(
    pairs.map((pair) => {
      const [environment, ...value] = pair.split(" ");
      return [environment, parse(value.join(" ")) as unknown];
    }),
  );
  expect(Object.keys(values).sort()).toEqual([...ENVIRONMENTS].sort());
  return values as Record<Environment, unknown>;
}

const schedules = (p: Platform) =>
  p.backups!.schedules.map((s) => [s.name, String(s.cron), s.keepDays]);

/** The derived defaults, each checked by what its words say. */
const DERIVED: Record<string, (environment: Environment) => void> = {
  "healthEndpoint.public": (environment) => {
    const endpoints = (urls: string[]) =>
      fixture(environment, {
        services: [{ name: "web", health: urls.map((url) => ({ url })) }],
      }).services[0]!.health.map((h) => h.public);
    expect(
      endpoints([
        "https://shop.example.org/",
        "http://shop.example.org/",
        "https://web.shop.svc/",
        "https://localhost/",
      ]),
    ).toEqual([true, false, false, false]);
  },
  "celeryDiagnostics.workload": (environment) => {
    const web = fixture(environment).services[0]!;
    expect(web.diagnostics.celery!.workload).toEqual(web.workload);
  },
  "destination.region": (environment) => {
    const destination = fixture(environment, {
      backups: { destination: { url: "s3://bucket/x", endpoint: "http://minio:9000" } },
      aws: { region: "sa-east-1" },
    }).backups!.destination;
    expect(destination.kind === "s3" && destination.region).toBe("sa-east-1");
  },
  "backups.schedules": (environment) => {
    const expected = {
      dev: [["daily", "0 2 * * *", 7]],
      testing: [["daily", "0 2 * * *", 14]],
      staging: [
        ["daily", "0 2 * * *", 30],
        ["weekly", "0 3 * * 0", 90],
      ],
      prod: [
        ["daily", "0 2 * * *", 30],
        ["weekly", "0 3 * * 0", 90],
      ],
    };
    expect(schedules(fixture(environment))).toEqual(expected[environment]);
  },
  "backups.restoreDrill": (environment) => {
    const drill = fixture(environment, { backups: { destination: { url: "file:///b" } } }).backups!
      .restoreDrill;
    const inStagingAndProd = environment === "staging" || environment === "prod";
    expect(drill && String(drill.cron)).toBe(inStagingAndProd ? "0 5 * * 1" : undefined);
  },
  "alerting.routes": (environment) => {
    const { routes } = fixture(environment).alerting;
    const pages = environment === "staging" || environment === "prod";
    const chat = ["chat"];
    expect(routes).toEqual(
      pages
        ? { P1: ["chat", "mail"], P2: ["chat", "mail"], P3: chat, P4: ["mail"] }
        : { P1: chat, P2: chat, P3: chat, P4: chat },
    );
  },
  "monitoring.blackboxExporterAddress": (environment) => {
    expect(fixture(environment).monitoring.blackboxExporterAddress).toBe(
      "shop-blackbox-exporter.shop.svc:9115",
    );
    const shared = fixture(environment, { monitoring: { deployBlackboxExporter: false } });
    expect(shared.monitoring.blackboxExporterAddress).toBe("blackbox-exporter.monitoring.svc:9115");
  },
  "monitoring.runbookBaseUrl": (environment) => {
    expect(fixture(environment).monitoring.runbookBaseUrl).toBe(DEFAULT_RUNBOOK_BASE_URL);
    expect(DEFAULT_RUNBOOK_BASE_URL).toMatch(/\/docs\/runbooks$/);
  },
  "monitoring.externalUptimeChecks": (environment) => {
    const withAws = fixture(environment, { aws: { region: "sa-east-1" } });
    expect(withAws.monitoring.externalUptimeChecks).toBe(environment === "prod");
    expect(fixture(environment).monitoring.externalUptimeChecks).toBe(false);
  },
  "collections.export": (environment) => {
    const scheduled = fixture(environment).collections!.export;
    expect(scheduled && [String(scheduled.cron), scheduled.keepDays]).toEqual(["0 2 * * *", 30]);
    // prod requires backups of its databases, so only the other environments can leave them out.
    if (environment !== "prod") {
      const withoutBackups = fixture(environment, { backups: undefined });
      expect(withoutBackups.collections!.export).toBeUndefined();
    }
  },
  "logFiles.sizeCap": (environment) => {
    const entry = fixture(environment).logs[0]!;
    const { maxSize, deleteAfterDays } = entry;
    expect(logSizeCapBytes(entry)).toBe(maxSizeBytes(maxSize) * (deleteAfterDays + 1));
    const two = fixture(environment, { logs: [{ name: "a", paths: ["/l/a.log", "/l/b.log"] }] });
    expect(logSizeCapBytes(two.logs[0]!)).toBe(2 * logSizeCapBytes(entry));
  },
  "tokens.database": (environment) => {
    expect(fixture(environment).tokens!.database).toBe("db");
    const [db] = fixture(environment).databases;
    const two = fixture(environment, {
      databases: [
        { ...db, name: "other", passwordSecret: { name: "s", key: "k" } },
        { ...db, name: "tokens", usedBy: ["web"], passwordSecret: { name: "s", key: "k" } },
      ],
      media: { root: "/srv/media", djangoService: "web" },
      dataFreshness: [],
    });
    expect(two.tokens!.database).toBe("tokens");
  },
  "media.database": (environment) => {
    expect(fixture(environment).media!.database).toBe("db");
    const [db] = fixture(environment).databases;
    const two = fixture(environment, {
      databases: [
        { ...db, name: "other", passwordSecret: { name: "s", key: "k" } },
        { ...db, name: "files", usedBy: ["web"], passwordSecret: { name: "s", key: "k" } },
      ],
      media: { root: "/srv/media", djangoService: "web" },
      dataFreshness: [],
    });
    expect(two.media!.database).toBe("files");
  },
  "platformInput.routine": (environment) => {
    const on = environment === "staging" || environment === "prod";
    expect(fixture(environment, { routine: undefined }).routine !== undefined).toBe(on);
    expect(fixture(environment, { routine: null }).routine).toBeUndefined();
  },
  "routine.receivers": (environment) => {
    expect(fixture(environment).routine!.receivers).toEqual(["chat"]);
  },
  "maintenance.receivers": (environment) => {
    // "beat" is the dead man's switch; a slack receiver would come first, in the stack's order.
    expect(fixture(environment).maintenance.receivers).toEqual(["chat", "mail"]);
  },
  "routine.dependencies": (environment) => {
    expect(fixture(environment, { routine: {} }).routine!.dependencies).toEqual([
      { service: "web", tool: "pip", python: "python", directory: undefined, period: "weekly" },
    ]);
  },
  "routineDependencies.period": (environment) => {
    const periods = fixture(environment, {
      routine: {
        dependencies: [
          { service: "web", tool: "pip" },
          { service: "web", tool: "npm" },
        ],
      },
    }).routine!.dependencies.map((d) => d.period);
    expect(periods).toEqual(["weekly", "monthly"]);
  },
  "dataFreshness.priority": (environment) => {
    const priority = (entry: object, dependency: object = {}) =>
      fixture(environment, {
        externalDependencies: [{ name: "bank", url: "https://bank.example.org/", ...dependency }],
        dataFreshness: [
          { name: "sync", database: "db", query: "SELECT now()", maxAge: "1h", ...entry },
        ],
      }).dataFreshness[0]!.priority;
    expect(priority({})).toBe("P2");
    expect(priority({ dependency: "bank" }, { priority: "P3" })).toBe("P3");
    expect(priority({ dependency: "bank" })).toBe("P2");
  },
  "jobs.image": (environment) => {
    expect(fixture(environment).jobs.image).toBe(`${DEFAULT_IMAGE_REPOSITORY}:${GUARDIA_VERSION}`);
  },
};

describe("every @default in schema.ts is what resolve.ts gives", () => {
  it("reads the docs (the parser can fail)", () => {
    expect(DOCS.length).toBeGreaterThan(30);
    expect(DOCS.filter((d) => d.field === "")).toEqual([]);
    expect(DOCS).toContainEqual({ section: "database", field: "port", doc: "5432" });
  });

  it.each(DOCS.map((d) => [`${d.section}.${d.field}`, d] as const))("%s", (_name, doc) => {
    const at = SECTIONS[doc.section];
    if (!at) throw new Error(`no resolved path for section ${doc.section}: add it to SECTIONS`);
    const changes = FIXTURE_CHANGES[`${doc.section}.${doc.field}`];
    for (const environment of ENVIRONMENTS) {
      const resolved = () =>
        plain((at(fixture(environment, changes)) as Record<string, unknown>)[doc.field]);
      if (doc.doc.startsWith("derived: ")) {
        const check = DERIVED[`${doc.section}.${doc.field}`];
        if (!check) throw new Error(`no check for the derived default "${doc.doc}"`);
        check(environment);
      } else if (doc.doc.startsWith("by environment: ")) {
        expect(resolved(), environment).toEqual(
          perEnvironment(doc.doc.slice("by environment: ".length))[environment],
        );
      } else {
        expect(resolved(), environment).toEqual(literal(doc.doc));
      }
    }
  });

  it("has a check for every derived default, and nothing else", () => {
    const derived = DOCS.filter((d) => d.doc.startsWith("derived: ")).map(
      (d) => `${d.section}.${d.field}`,
    );
    expect(derived.sort()).toEqual(Object.keys(DERIVED).sort());
  });
});
