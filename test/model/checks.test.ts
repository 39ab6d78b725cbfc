import { describe, expect, it } from "vitest";
import {
  backupMountRules,
  backupPasswordRules,
  crossCheck,
  logClaimRules,
  logPathRules,
  RULES,
  s3OnAwsRules,
} from "../../lib/model/checks.js";
import type { PlatformInput } from "../../lib/model/index.js";
import { platformInput } from "../../lib/model/schema.js";
import { problemsOf, stackText } from "./builders.js";

/**
 * The cross-field rules as pure functions, each with its exact messages. These are the rules
 * infra used to check again; now the model is the only place that checks them.
 */

const P = "guardia:platform";
const base = { name: "shop", environment: "dev", namespace: "shop" } as const;
const input = (extra: object) => platformInput.parse({ ...base, ...extra }) as PlatformInput;
const logs = (...entries: object[]) => input({ logs: entries });
const secret = { name: "db", key: "password" };
const db = { name: "orders", engine: "postgres", host: "h", database: "d", user: "u" };

describe("log rules", () => {
  it("refuses a path logrotate cannot read or a glob that matches its own rotated files", () => {
    const paths = ["/var/log/app/*.log", "/var/log/app/*", '/var/log/"x"/a.log', "/var/log/app/"];
    expect(logPathRules(logs({ name: "app", paths }))).toEqual([
      {
        path: ["logs", 0, "paths", 1],
        message:
          'path "/var/log/app/*" also matches its own rotated files (/var/log/app/app-20260101-000000); end it with the files\' extension, e.g. /var/log/app/*.log',
      },
      {
        path: ["logs", 0, "paths", 2],
        message:
          'path "/var/log/\\"x\\"/a.log" contains " { } or a line break: logrotate cannot read it',
      },
      {
        path: ["logs", 0, "paths", 3],
        message: 'path "/var/log/app/" names a directory; name the files, e.g. /var/log/app/*.log',
      },
    ]);
  });

  it("refuses a claim whose paths share no directory but /", () => {
    const entry = { name: "mixed", paths: ["/var/log/a/*.log", "/srv/b/*.log"], claim: "c" };
    expect(logClaimRules(logs(entry))).toEqual([
      {
        path: ["logs", 0, "paths"],
        message:
          "these paths share no directory but /, where claim c cannot be mounted; split the entry by directory",
      },
    ]);
    // Without a claim nothing is mounted, and the same paths are fine.
    expect(logClaimRules(logs({ ...entry, claim: undefined }))).toEqual([]);
  });

  it("refuses a claim mounted over the rotation job's own directories", () => {
    expect(
      logClaimRules(
        logs(
          { name: "a", paths: ["/scratch/logs/*.log"], claim: "c" },
          { name: "b", paths: ["/etc/guardia/x.log", "/etc/guardia/y.log"], claim: "d" },
          { name: "c", paths: ["/etc/*/x.log"], claim: "e" },
        ),
      ),
    ).toEqual([
      {
        path: ["logs", 0, "claim"],
        message: "claim c would be mounted at /scratch/logs, over the rotation job's own /scratch",
      },
      {
        path: ["logs", 1, "claim"],
        message:
          "claim d would be mounted at /etc/guardia, over the rotation job's own /etc/guardia",
      },
      {
        path: ["logs", 2, "claim"],
        message: "claim e would be mounted at /etc, over the rotation job's own /etc/guardia",
      },
    ]);
  });
});

describe("backup rules", () => {
  it("needs the OIDC provider for an s3:// destination on AWS, not for an S3-compatible one", () => {
    const onAws = { destination: { url: "s3://shop-backups" } };
    const message =
      "an s3:// destination on AWS needs `aws.region` and `aws.oidcProviderArn` for the bucket and its IRSA role; set `endpoint` for an S3-compatible store";
    expect(s3OnAwsRules(input({ backups: onAws }))).toEqual([
      { path: ["backups", "destination", "url"], message },
    ]);
    expect(
      s3OnAwsRules(
        input({
          backups: onAws,
          aws: {
            region: "sa-east-1",
            oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/oidc.example/id/1",
          },
        }),
      ),
    ).toEqual([]);
    const compatible = { destination: { url: "s3://shop-backups", endpoint: "http://minio:9000" } };
    expect(s3OnAwsRules(input({ backups: compatible }))).toEqual([]);
    expect(s3OnAwsRules(input({ backups: onAws, runtime: "local" }))).toEqual([]);
  });

  it("needs each database's password Secret when CronJobs back it up", () => {
    const backups = { destination: { url: "file:///b" } };
    expect(
      backupPasswordRules(
        input({ databases: [db, { ...db, name: "two", passwordSecret: secret }], backups }),
      ),
    ).toEqual([
      {
        path: ["databases", 0, "passwordSecret"],
        message:
          'required when runtime is kubernetes and backups are configured: the backup CronJobs of "orders" read the password from this Secret',
      },
    ]);
    expect(backupPasswordRules(input({ databases: [db], backups, runtime: "local" }))).toEqual([]);
    expect(backupPasswordRules(input({ databases: [db] }))).toEqual([]);
  });
});

describe("the backups' claim", () => {
  const at = (url: string, runtime = "kubernetes") =>
    backupMountRules(input({ runtime, backups: { destination: { url } } }));
  const path = ["backups", "destination", "url"];

  it("is not mounted at / or over the backup job's own directories", () => {
    expect(at("file:///backups/..")).toEqual([
      {
        path,
        message:
          "the backups' claim would be mounted at /, over the job's whole file system; name a directory (e.g. file:///backups)",
      },
    ]);
    expect(at("file:///etc")).toEqual([
      {
        path,
        message:
          "the backups' claim would be mounted at /etc, over the backup job's own /etc/guardia",
      },
    ]);
    expect(at("file:///scratch/backups/")).toEqual([
      {
        path,
        message:
          "the backups' claim would be mounted at /scratch/backups, over the backup job's own /scratch",
      },
    ]);
  });

  it("may be anywhere else, and anywhere at all outside a cluster", () => {
    expect(at("file:///backups/mira")).toEqual([]);
    expect(at("file:///etc/guardia-backups")).toEqual([]);
    expect(at("file:///backups/..", "local")).toEqual([]);
    expect(at("s3://shop-backups/etc")).toEqual([]);
  });
});

describe("crossCheck with schema errors elsewhere", () => {
  it("every rule names only sections of the model", () => {
    const sections = Object.keys(platformInput.shape);
    for (const rule of RULES) expect(sections).toEqual(expect.arrayContaining([...rule.reads]));
  });

  it("still reports the cross-field problems of the sections that parsed", () => {
    const text = stackText(
      [
        "services:",
        "  - name: web",
        "databases:",
        "  - { name: m, engine: postgres, host: h, database: d, user: u, usedBy: [api] }",
        "alerting:",
        "  receivers: [{ name: ops, type: pager }]",
      ].join("\n"),
    );
    expect(problemsOf(text).map((p) => [p.line, p.path, p.message])).toEqual([
      [9, `${P}.databases[0].usedBy[0]`, 'unknown service "api" (services: web)'],
      [
        11,
        `${P}.alerting.receivers[0].type`,
        'expected `type` to be one of "slack", "teams", "email", "sns", "webhook"',
      ],
    ]);
  });

  it("skips a rule whose section did not parse, rather than judge what it cannot read", () => {
    // `backups` is there but misspelt inside: "required in prod" would mislead.
    const text = stackText(
      "databases:\n  - { name: m, engine: postgres, host: h, database: d, user: u }\nbackups:\n  destinaton: { url: file:///b }\nalerting:\n  receivers: [{ name: ops, type: teams, webhookSecret: { name: a, key: b } }]",
      "prod",
    );
    expect(problemsOf(text).map((p) => p.path)).toEqual([
      `${P}.backups.destination`,
      `${P}.backups.destinaton`,
    ]);
  });

  it("runs every rule on a stack that passed the schema", () => {
    const parsed = input({});
    expect(crossCheck(parsed)).toEqual(
      crossCheck(parsed, new Set(Object.keys(platformInput.shape))),
    );
  });
});
