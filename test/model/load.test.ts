import { describe, expect, it } from "vitest";
import { loadStack, parseStackText, StackError } from "../../lib/model/index.js";
import { repoRoot } from "../harness/tools.js";
import { DATABASE, onlyProblem, problemsOf, RECEIVERS, stackText } from "./builders.js";

const P = "guardia:platform";
const FILE_BACKUPS = "backups:\n  destination: { url: file:///backups/mira }\n";
const schedule = (fields: string) =>
  `${FILE_BACKUPS}  schedules:\n    - { name: daily, ${fields} }\n`;
const HEARTBEAT =
  "- { name: heartbeat, type: webhook, urlSecret: { name: alerting, key: heartbeat-url } }";
const db = (fields: string) => `databases:\n  - { name: m, engine: postgres, ${fields} }`;
const drillServer = (fields: string) =>
  `${FILE_BACKUPS}  restoreDrill:\n    cron: '0 5 * * 1'\n    server: { ${fields} }`;

/** [what, environment, platform body (its first line is line 6), path, line, exact message] */
type Case = [string, string, string, string, number, string];

// A table reads better than Prettier's one field per line.
// prettier-ignore
const FIELD_PROBLEMS: Case[] = [
  ["unknown key, with the nearest allowed one", "dev", "servics: []", `${P}.servics`, 6,
    "unknown key `servics` (did you mean `services`?); allowed here: version, name, environment, namespace, language, runtime, services, databases, backups, logs, externalDependencies, smokeChecks, smokeFlows, alerting, monitoring, collections, tokens, media, routine, maintenance, celery, dataFreshness, jobs, aws, policy"],
  ["unknown key far from every allowed one", "dev", db("host: h, database: d, user: u, colour: red"), `${P}.databases[0].colour`, 7,
    "unknown key `colour`; allowed here: name, engine, host, port, database, user, passwordSecret, usedBy, criticalTables, exporterJob, rto, smokeQueries, users"],
  ["a secret-looking key", "dev", db("host: h, database: d, user: u, password: hunter2"), `${P}.databases[0].password`, 7,
    "unknown key `password`: secrets never go in a stack file; reference a Kubernetes Secret instead (e.g. `passwordSecret: { name, key }`)"],
  ["cron with four fields", "dev", schedule("cron: '0 2 * *', keepDays: 7"), `${P}.backups.schedules[0].cron`, 9,
    'invalid cron "0 2 * *": expected 5 fields (minute hour day-of-month month day-of-week), got 4'],
  ["cron minute out of range", "dev", schedule("cron: '61 2 * * *', keepDays: 7"), `${P}.backups.schedules[0].cron`, 9,
    'invalid cron "61 2 * * *": Constraint error, got value 61 expected range 0-59'],
  ["keepDays -1", "dev", schedule("cron: '0 2 * * *', keepDays: -1"), `${P}.backups.schedules[0].keepDays`, 9,
    "keepDays (-1) must be at least 1"],
  ["keepDays 0", "dev", schedule("cron: '0 2 * * *', keepDays: 0"), `${P}.backups.schedules[0].keepDays`, 9,
    "keepDays (0) must be at least 1"],
  ["keepDays not whole", "dev", schedule("cron: '0 2 * * *', keepDays: 1.5"), `${P}.backups.schedules[0].keepDays`, 9,
    "keepDays must be a whole number"],
  ["a string for a number", "dev", schedule("cron: '0 2 * * *', keepDays: '30'"), `${P}.backups.schedules[0].keepDays`, 9,
    'expected number, got "30"'],
  ["a missing required field", "dev", db("database: d, user: u"), `${P}.databases[0].host`, 7,
    "required (string)"],
  ["an invalid enum", "production", "", `${P}.environment`, 4,
    'expected one of dev, testing, staging, prod, got "production"'],
  ["an unsupported engine", "dev", "databases:\n  - { name: m, engine: mysql, host: h, database: d, user: u }", `${P}.databases[0].engine`, 7,
    'only engine "postgres" is supported'],
  ["an invalid DNS label", "dev", "services:\n  - name: Web_App", `${P}.services[0].name`, 7,
    'expected a lowercase DNS label (a-z, 0-9, "-"; starts and ends alphanumeric), got "Web_App"'],
  ["a DNS label too long", "dev", `services:\n  - name: ${"a".repeat(41)}`, `${P}.services[0].name`, 7,
    "must be at most 40 characters (it becomes part of Kubernetes names)"],
  ["an invalid workload ref", "dev", "services:\n  - { name: web, workload: pod/web }", `${P}.services[0].workload`, 7,
    'expected <kind>/<name> with kind one of deployment, statefulset, daemonset (e.g. deployment/nocobase), got "pod/web"'],
  ["an invalid destination URL", "dev", "backups:\n  destination: { url: ftp://backups/mira }", `${P}.backups.destination.url`, 7,
    'expected s3://<bucket>[/prefix] or file:///<absolute path>, got "ftp://backups/mira"'],
  ["a health URL that is not http(s)", "dev", "services:\n  - name: web\n    health:\n      - url: ftp://web", `${P}.services[0].health[0].url`, 9,
    'expected an http(s) URL, got "ftp://web"'],
  ["an invalid duration", "dev", "monitoring:\n  probeInterval: 5 minutes", `${P}.monitoring.probeInterval`, 7,
    'expected a duration like "30s", "5m", "1h" or "1d", got "5 minutes"'],
  ["a zero duration", "dev", "monitoring:\n  probeInterval: 0m", `${P}.monitoring.probeInterval`, 7,
    'a duration must be longer than 0, got "0m"'],
  ["availability 1", "dev", "services:\n  - { name: web, slo: { availability: 1 } }", `${P}.services[0].slo.availability`, 7,
    "must be less than 1 (a fraction such as 0.995; 1 would leave no error budget)"],
  ["availability 0", "dev", "externalDependencies:\n  - { name: alma, url: https://alma.example.org, availability: 0 }", `${P}.externalDependencies[0].availability`, 7,
    "must be greater than 0 (a fraction such as 0.995)"],
  ["an unknown receiver type", "dev", "alerting:\n  receivers:\n    - { name: ops, type: pagerduty }", `${P}.alerting.receivers[0].type`, 8,
    'expected `type` to be one of "slack", "teams", "email", "sns", "webhook"'],
  ["a drill server without its password Secret", "dev", drillServer("host: h, user: u"), `${P}.backups.restoreDrill.server.passwordSecret`, 10,
    "required (object)"],
  ["a drill server's port out of range, as for a database", "dev", drillServer("host: h, port: 70000, user: u, passwordSecret: { name: d, key: p }"), `${P}.backups.restoreDrill.server.port`, 10,
    "expected at most 65535, got 70000"],
  ["a drill server's password in plain text", "dev", drillServer("host: h, user: u, password: hunter2, passwordSecret: { name: d, key: p }"), `${P}.backups.restoreDrill.server.password`, 10,
    "unknown key `password`: secrets never go in a stack file; reference a Kubernetes Secret instead (e.g. `passwordSecret: { name, key }`)"],
  ["a selector label value with a space", "dev", "monitoring:\n  selectorLabels: { release: kube prometheus }", `${P}.monitoring.selectorLabels.release`, 7,
    'expected a Kubernetes label value (at most 63 of A-Z, a-z, 0-9, "-", "_", "."; starts and ends alphanumeric), got "kube prometheus"'],
  ["a selector label name with a space", "dev", "monitoring:\n  selectorLabels: { \"my release\": x }", `${P}.monitoring.selectorLabels."my release"`, 7,
    'expected a Kubernetes label name (e.g. release or app.kubernetes.io/part-of), got "my release"'],
  ["an unknown time zone", "dev", "jobs: { timeZone: Mars/Olympus }", `${P}.jobs.timeZone`, 6,
    'expected an IANA time zone such as "UTC" or "America/Santiago", got "Mars/Olympus"'],
  ["a time zone in the wrong case", "dev", "jobs: { timeZone: america/santiago }", `${P}.jobs.timeZone`, 6,
    'time zones are case-sensitive: write "America/Santiago"'],
  ["a StorageClass that is no Kubernetes name", "dev", "backups:\n  destination: { url: file:///b, storageClass: Fast SSD }", `${P}.backups.destination.storageClass`, 7,
    'expected a lowercase DNS name (a-z, 0-9, "-" and "."), got "Fast SSD"'],
  ["a malformed %-escape in a file:// destination", "dev", "backups:\n  destination: { url: \"file:///backups/%zz\" }", `${P}.backups.destination.url`, 7,
    'malformed %-escape in the path of "file:///backups/%zz"'],
  ["a bucket name with two dots in a row", "dev", "backups:\n  destination: { url: s3://mira..backups, endpoint: http://minio:9000 }", `${P}.backups.destination.url`, 7,
    'expected s3://<bucket>[/prefix] or file:///<absolute path>, got "s3://mira..backups"'],
];

// prettier-ignore
const CROSS_FIELD_PROBLEMS: Case[] = [
  ["duplicate names", "dev", "services:\n  - name: web\n  - name: api\n  - name: web", `${P}.services[2].name`, 9,
    'duplicate name "web" (also at index 0)'],
  ["usedBy naming an unknown service", "dev", `services:\n  - name: web\n${db("host: h, database: d, user: u, usedBy: [web, api]")}`, `${P}.databases[0].usedBy[1]`, 9,
    'unknown service "api" (services: web)'],
  ["a route naming an unknown receiver", "dev", `${RECEIVERS.trim()}\n  routes:\n    P1: [ops, pager]`, `${P}.alerting.routes.P1[1]`, 10,
    'unknown receiver "pager" (receivers: ops)'],
  ["a dead man's switch naming an unknown receiver", "dev", `${RECEIVERS.trim()}\n  deadMansSwitch: heartbeat`, `${P}.alerting.deadMansSwitch`, 9,
    'unknown receiver "heartbeat" (receivers: ops)'],
  ["a route naming the dead man's switch", "dev", `${RECEIVERS.trim()}\n    ${HEARTBEAT}\n  deadMansSwitch: heartbeat\n  routes:\n    P1: [ops, heartbeat]`, `${P}.alerting.routes.P1[1]`, 12,
    'receiver "heartbeat" is the dead man\'s switch: it hears GuardiaWatchdog alone, or other alerts would stand in for a heartbeat that stopped'],
  ["prod whose only receiver is the dead man's switch", "prod", `${FILE_BACKUPS}alerting:\n  receivers:\n    ${HEARTBEAT}\n  deadMansSwitch: heartbeat`, `${P}.alerting.receivers`, 9,
    'prod needs a receiver besides the dead man\'s switch "heartbeat", or its alerts reach nobody'],
  ["Object Lock longer than the shortest keepDays", "dev", "backups:\n  destination: { url: s3://mira-backups/prod, endpoint: http://minio:9000, objectLock: { days: 40 } }\n  schedules:\n    - { name: daily, cron: '0 2 * * *', keepDays: 30 }", `${P}.backups.destination.objectLock.days`, 7,
    "Object Lock days (40) must not exceed the shortest keepDays (30): locked backups could not expire on time"],
  ["Object Lock on file://", "dev", "backups:\n  destination: { url: file:///backups/mira, objectLock: { days: 1 } }", `${P}.backups.destination.objectLock`, 7,
    "Object Lock applies to s3:// destinations only"],
  ["s3 on AWS without the OIDC provider", "dev", "backups:\n  destination: { url: s3://mira-backups/prod }\naws: { region: sa-east-1 }", `${P}.backups.destination.url`, 7,
    "an s3:// destination on AWS needs `aws.region` and `aws.oidcProviderArn` for the bucket and its IRSA role; set `endpoint` for an S3-compatible store"],
  ["prod with databases and no backups", "prod", `${RECEIVERS}${DATABASE}`, `${P}.backups`, 2,
    "required in prod when the stack has databases (INATrace operations manual, 4.1 Política General: daily backups)"],
  ["prod without receivers", "prod", FILE_BACKUPS, `${P}.alerting.receivers`, 2,
    "prod needs at least one receiver, or its alerts reach nobody"],
  ["prod turning off the restore drill", "prod", `${FILE_BACKUPS}  restoreDrill: null\n${RECEIVERS}`, `${P}.backups.restoreDrill`, 8,
    "prod may not turn off the restore drill (INATrace operations manual, 4.3 Pruebas de Restauración: periodic test restores)"],
];

describe("parseStackText: one exact message per kind of mistake", () => {
  it.each(FIELD_PROBLEMS)("%s", (_what, environment, body, path, line, message) => {
    expect(onlyProblem(stackText(body, environment))).toEqual({ path, line, message });
  });

  it.each(CROSS_FIELD_PROBLEMS)("%s", (_what, environment, body, path, line, message) => {
    expect(onlyProblem(stackText(body, environment))).toEqual({ path, line, message });
  });

  it("reports an unknown top-level key by its own name", () => {
    expect(onlyProblem(`configs: {}\n${stackText()}`)).toEqual({
      path: "configs",
      line: 1,
      message:
        "unknown top-level key `configs` (Pulumi stack files have: config, secretsprovider, encryptedkey, encryptionsalt, environment)",
    });
  });

  it("reports an unknown guardia:* config key", () => {
    const text = stackText().replace(
      "  guardia:platform:",
      "  guardia:stack: x\n  guardia:platform:",
    );
    expect(onlyProblem(text)).toEqual({
      path: "guardia:stack",
      line: 2,
      message: "unknown key `guardia:stack`; guardia reads only `guardia:platform`",
    });
  });

  it("accepts other providers' config keys beside guardia:platform", () => {
    const text = stackText().replace("config:", "config:\n  aws:region: sa-east-1");
    expect(parseStackText(text, "test.yaml").platform.name).toBe("mira");
  });

  it("reports a YAML syntax error with its line", () => {
    const text = stackText("services:\n  - name: web\n   priority: P2");
    expect(onlyProblem(text)).toEqual({
      path: "(yaml)",
      line: 8,
      message: "Sequence item without - indicator",
    });
  });

  it("reports a duplicate YAML key with its line", () => {
    expect(onlyProblem(stackText("namespace: other"))).toEqual({
      path: "(yaml)",
      line: 6,
      message: "Map keys must be unique",
    });
  });

  it("says once that a file without a config map is not a stack file", () => {
    expect(problemsOf("")).toEqual([
      {
        path: "(file)",
        line: undefined,
        message: "expected a Pulumi stack file: a map with a `config:` key",
      },
    ]);
    expect(problemsOf("config: []\n")).toEqual([
      { path: "config", line: 1, message: "required: a map holding `guardia:platform`" },
    ]);
  });

  it("requires guardia:platform", () => {
    expect(onlyProblem("config:\n  aws:region: sa-east-1\n")).toEqual({
      path: P,
      line: 1,
      message: "required: the platform model (name, environment, namespace, ...)",
    });
  });

  it("gives each of several unknown keys in one object its own problem", () => {
    const problems = problemsOf(
      stackText("backups:\n  destination: { url: file:///b }\n  scheduel: x\n  keep: 3"),
    );
    expect(problems.map((p) => [p.path, p.line])).toEqual([
      [`${P}.backups.scheduel`, 8],
      [`${P}.backups.keep`, 9],
    ]);
    expect(problems[0]!.message).toContain("(did you mean `schedules`?)");
  });
});

describe("parseStackText: every problem at once", () => {
  it("sorts problems by line, whatever order the schema checks them in", () => {
    const text = stackText("backups:\n  destination: { url: ftp://b }\nservices:\n  - name: Web");
    expect(problemsOf(text).map((p) => [p.line, p.path])).toEqual([
      [7, `${P}.backups.destination.url`],
      [9, `${P}.services[0].name`],
    ]);
  });

  it("reports all three mistakes of the broken fixture, each with its path and line", () => {
    let error: unknown;
    try {
      loadStack("test/fixtures/Pulumi.broken.yaml", repoRoot);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(StackError);
    const { file, problems, message } = error as StackError;
    expect(file).toBe("test/fixtures/Pulumi.broken.yaml");
    expect(problems).toEqual([
      {
        path: `${P}.backups.scheduel`,
        line: 16,
        message:
          "unknown key `scheduel` (did you mean `schedules`?); allowed here: destination, schedules, restoreDrill",
      },
      {
        path: `${P}.backups.schedules[0].cron`,
        line: 18,
        message: 'invalid cron "0 25 * * *": Constraint error, got value 25 expected range 0-23',
      },
      {
        path: `${P}.backups.schedules[1].keepDays`,
        line: 19,
        message: "keepDays (-1) must be at least 1",
      },
    ]);
    expect(message.split("\n")).toEqual([
      "test/fixtures/Pulumi.broken.yaml: 3 problems",
      `  line 16: ${P}.backups.scheduel: ${problems[0]!.message}`,
      `  line 18: ${P}.backups.schedules[0].cron: ${problems[1]!.message}`,
      `  line 19: ${P}.backups.schedules[1].keepDays: ${problems[2]!.message}`,
    ]);
  });
});

describe("parseStackText", () => {
  it("names an inline stack <platform>-<environment>", () => {
    expect(parseStackText(stackText(), "test.yaml").name).toBe("mira-dev");
  });
});
