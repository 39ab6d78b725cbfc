import { describe, expect, it } from "vitest";
import { validatePlatform } from "../../lib/model/index.js";
import { clone, exampleStacks, leafPool, mutateModel, prng } from "../model/mutate.js";
import { renderInline } from "./helpers.js";

/**
 * `guardia validate` passing means `guardia render` passes: every rule infra relies on is in the
 * model. Mutations of every example stack, aimed at those rules and random, each either refused
 * by the model or rendered (fake Pulumi engine, Kubernetes schemas) without an error.
 */

type Model = Record<string, unknown> & {
  databases?: Record<string, unknown>[];
  backups?: Record<string, unknown> & { destination: Record<string, unknown> };
  logs?: Record<string, unknown>[];
  aws?: Record<string, unknown>;
  alerting?: Record<string, unknown>;
  monitoring?: Record<string, unknown>;
  services?: Record<string, unknown>[];
};

const S3_ON_AWS = { url: "s3://guardia-fuzz-backups/x" };
const S3_COMPATIBLE = {
  ...S3_ON_AWS,
  endpoint: "http://minio.minio.svc:9000",
  credentialsSecret: "minio",
};
const logEntry = (paths: string[], claim = "app-logs") => ({ name: "app", paths, claim });

/** Changes aimed at the rules infra used to check itself, and at what they depend on. */
const TARGETED: Record<string, (m: Model) => void> = {
  "no passwordSecret": (m) => m.databases?.forEach((db) => delete db.passwordSecret),
  "no OIDC provider": (m) => delete m.aws?.oidcProviderArn,
  "no aws section": (m) => delete m.aws,
  "s3 on AWS": (m) => m.backups && (m.backups.destination = { ...S3_ON_AWS }),
  "s3 on AWS, Object Lock": (m) =>
    m.backups && (m.backups.destination = { ...S3_ON_AWS, objectLock: { days: 3 } }),
  "s3-compatible": (m) => m.backups && (m.backups.destination = { ...S3_COMPATIBLE }),
  "file://": (m) => m.backups && (m.backups.destination = { url: "file:///backups" }),
  "Object Lock on file://": (m) =>
    m.backups && (m.backups.destination = { url: "file:///b", objectLock: { days: 1 } }),
  "backups at /": (m) => m.backups && (m.backups.destination = { url: "file:///backups/.." }),
  "backups over /etc/guardia": (m) => m.backups && (m.backups.destination = { url: "file:///etc" }),
  "backups in a folder with a space": (m) =>
    m.backups && (m.backups.destination = { url: "file:///srv/my%20backups" }),
  "backups added": (m) => (m.backups = { destination: { url: "file:///backups" } }),
  "no backups": (m) => delete m.backups,
  "restore drill off": (m) => m.backups && (m.backups.restoreDrill = null),
  "drill server": (m) =>
    m.backups &&
    (m.backups.restoreDrill = {
      cron: "0 5 * * 1",
      server: { host: "drill", user: "d", passwordSecret: { name: "d", key: "p" } },
    }),
  "every log entry claimed": (m) => m.logs?.forEach((l, i) => (l.claim = `logs-${i}`)),
  "log paths sharing only /": (m) => (m.logs = [logEntry(["/var/log/a/*.log", "/srv/b/*.log"])]),
  "log paths under /scratch": (m) => (m.logs = [logEntry(["/scratch/app/*.log"])]),
  "log paths over /etc/guardia": (m) => (m.logs = [logEntry(["/etc/*/app.log"])]),
  "log glob matching rotated files": (m) => (m.logs = [logEntry(["/var/log/app/*"])]),
  "log path naming a directory": (m) => (m.logs = [logEntry(["/var/log/app/"])]),
  "log paths in two folders": (m) =>
    (m.logs = [logEntry(["/var/log/app/api/*.log", "/var/log/app/worker/*.log"])]),
  "runtime local": (m) => (m.runtime = "local"),
  "runtime kubernetes": (m) => (m.runtime = "kubernetes"),
  dev: (m) => (m.environment = "dev"),
  testing: (m) => (m.environment = "testing"),
  staging: (m) => (m.environment = "staging"),
  prod: (m) => (m.environment = "prod"),
  "uptime checks on": (m) => (m.monitoring = { ...m.monitoring, externalUptimeChecks: true }),
  "no receivers": (m) => delete m.alerting,
  "unknown dead man's switch": (m) => (m.alerting = { ...m.alerting, deadMansSwitch: "nobody" }),
  "label selector with a space": (m) =>
    (m.monitoring = { ...m.monitoring, selectorLabels: { release: "kube prometheus" } }),
  "label selector with a long value": (m) =>
    (m.monitoring = { ...m.monitoring, selectorLabels: { release: "k".repeat(64) } }),
  "label selector with a prefixed name": (m) =>
    (m.monitoring = { ...m.monitoring, selectorLabels: { "prometheus.io/rules": "on" } }),
  "time zone in lowercase": (m) =>
    (m.jobs = { ...(m.jobs as object), timeZone: "america/santiago" }),
  "storage class with capitals": (m) =>
    m.backups && (m.backups.destination = { url: "file:///b", storageClass: "Fast-SSD" }),
  "names at their longest": (m) => {
    m.name = "p".repeat(40);
    m.services?.forEach((s, i) => (s.name = `${"s".repeat(38)}-${i}`));
    m.databases?.forEach((d, i) => (d.name = `${"d".repeat(38)}-${i}`));
    m.logs?.forEach((l, i) => (l.name = `${"l".repeat(38)}-${i}`));
  },
};

interface Case {
  readonly name: string;
  readonly model: Model;
}

function cases(): Case[] {
  const stacks = exampleStacks();
  const pool = leafPool(stacks.map((s) => s.model));
  const random = prng(20260101);
  const seen = new Set<string>();
  const out: Case[] = [];
  const add = (name: string, model: Model) => {
    const key = JSON.stringify(model);
    if (!seen.has(key)) out.push({ name, model });
    seen.add(key);
  };
  for (const stack of stacks) {
    for (const [what, change] of Object.entries(TARGETED)) {
      const model = clone(stack.model) as Model;
      change(model);
      add(`${stack.name}: ${what}`, model);
    }
    for (let i = 0; i < 12; i++) {
      const model = clone(stack.model) as Model;
      const steps = Array.from({ length: 1 + random.int(3) }, () =>
        mutateModel(model, random, pool),
      );
      add(`${stack.name}: ${steps.join(", ")}`, model);
    }
  }
  return out;
}

const CASES = cases();
const ACCEPTED = CASES.filter((c) => validatePlatform(c.model).platform !== undefined);

describe("validate ⇒ render, over mutated example stacks", () => {
  it("has stacks the model refuses and stacks it accepts (the test can fail)", () => {
    expect(CASES.length).toBeGreaterThan(300);
    expect(ACCEPTED.length).toBeGreaterThan(100);
    expect(CASES.length - ACCEPTED.length).toBeGreaterThan(100);
    // The rules moved out of infra refuse their targets.
    const refused = (what: string) =>
      CASES.filter((c) => c.name.endsWith(`: ${what}`) && !ACCEPTED.includes(c)).length;
    for (const what of [
      "no passwordSecret",
      "no OIDC provider",
      "s3 on AWS",
      "log paths sharing only /",
      "log paths under /scratch",
      "log paths over /etc/guardia",
      "log glob matching rotated files",
      "label selector with a space",
      "label selector with a long value",
      "time zone in lowercase",
      "storage class with capitals",
      "backups at /",
      "backups over /etc/guardia",
    ]) {
      expect(refused(what), what).toBeGreaterThan(0);
    }
  });

  it.each(ACCEPTED.map((c) => [c.name, c] as const))("renders %s", async (_name, c) => {
    const render = await renderInline(c.model);
    expect(render.stack.platform.name).toBe(c.model.name);
  });
});
