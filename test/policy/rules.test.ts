import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { RULE_IDS, RULES } from "../../lib/policy/catalogue.js";
import { evaluatePolicy } from "../../lib/policy/evaluate.js";
import type { PolicyFile } from "../../lib/policy/input.js";
import { secretShape, shannonEntropy } from "../../lib/policy/rules/secrets.js";
import { unpinnedImage } from "../../lib/policy/rules/pods.js";
import { repoRoot } from "../harness/tools.js";
import { at, edited, exampleFiles, exampleRender, violated, without } from "./helpers.js";

/**
 * The policy rules called directly on rendered example stacks, each broken one way at a time:
 * every rule must name its id, the resource and the field, and pass the examples as they are.
 */

const EXAMPLES = readdirSync(path.join(repoRoot, "stacks"))
  .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
  .filter((n): n is string => n !== undefined)
  .sort();

const TODAY = "2026-12-01";
const judge = (files: readonly PolicyFile[], today = TODAY) => evaluatePolicy(files, { today });

describe("the catalogue", () => {
  it("gives every rule a severity, a one-line title and a fix", () => {
    expect(RULE_IDS.length).toBeGreaterThanOrEqual(19);
    for (const id of RULE_IDS) {
      expect(["critical", "high", "medium", "low"], id).toContain(RULES[id].severity);
      expect(RULES[id].title, id).not.toMatch(/\n/);
      expect(RULES[id].fix.length, id).toBeGreaterThan(20);
    }
  });
});

describe("every example stack", () => {
  it.each(EXAMPLES)("%s passes the pack, or carries a documented waiver", async (name) => {
    const render = await exampleRender(name);
    expect(violated(render.verdict)).toEqual([]);
    expect(render.summary).toContain("## Policy");
    for (const waived of render.verdict.waived) {
      expect(waived.waiver.reason.length, waived.rule).toBeGreaterThan(20);
    }
  });

  it("logistica-prod waives the probe and SLO rules for its Celery worker, and says so", async () => {
    const { verdict, summary } = await exampleRender("logistica-prod");
    expect(verdict.waived.map((f) => `${f.rule} ${f.resource}`)).toEqual([
      "prod-service-probe services/worker",
      "prod-service-slo services/worker",
    ]);
    expect(summary).toContain("### Waivers in force");
    expect(summary).toContain(
      "| `prod-service-probe` | `services/worker` | soporte@logistica.example.com | 2027-06-30 |",
    );
  });

  it("says which runbook URLs it could not check, instead of passing them silently", async () => {
    const { verdict } = await exampleRender("mira-prod");
    expect(verdict.notes).toEqual([
      expect.stringMatching(
        /^alert-runbook-url: \d+ runbook URL\(s\) under https:\/\/github\.com\/hospital-ovalle\/mira-ops\/blob\/main\/runbooks .*cannot be checked offline$/,
      ),
    ]);
  });
});

const JOB = "kubernetes/CronJob/mira-backup-mira-daily";
const container = (job: Record<string, unknown>) =>
  at(job, "spec", "jobTemplate", "spec", "template", "spec", "containers", 0);

describe("pods", () => {
  it("pod-restricted: a container that may run as root and escalate, with a hostPath volume", async () => {
    const files = edited(await exampleFiles("mira-prod"), JOB, (job) => {
      const pod = at(job, "spec", "jobTemplate", "spec", "template", "spec");
      delete pod.securityContext;
      container(job).securityContext = { capabilities: { add: ["SYS_ADMIN"] } };
      (pod.volumes as unknown[]).push({ name: "host", hostPath: { path: "/" } });
    });
    const found = judge(files).violations.filter((v) => v.rule === "pod-restricted");
    expect(found.map((f) => `${f.resource} ${f.field}`)).toEqual(
      expect.arrayContaining([
        `${JOB} spec.jobTemplate.spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation`,
        `${JOB} spec.jobTemplate.spec.template.spec.containers[0].securityContext.runAsNonRoot`,
        `${JOB} spec.jobTemplate.spec.template.spec.containers[0].securityContext.capabilities.add`,
        `${JOB} spec.jobTemplate.spec.template.spec.volumes[3]`,
      ]),
    );
    expect(found.find((f) => f.field.endsWith("capabilities.add"))?.message).toBe(
      "container guardia: adds capabilities SYS_ADMIN",
    );
  });

  it("pod-resources: a container without limits", async () => {
    const files = edited(await exampleFiles("mira-prod"), JOB, (job) => {
      delete (container(job).resources as Record<string, unknown>).limits;
    });
    expect(judge(files).violations).toEqual([
      {
        rule: "pod-resources",
        resource: JOB,
        field: "spec.jobTemplate.spec.template.spec.containers[0].resources",
        message: "container guardia has no limits.cpu, limits.memory",
      },
    ]);
  });

  it("image-pinned: latest, or no tag at all, fails; a tag or a digest passes", async () => {
    expect(unpinnedImage("ghcr.io/x/guardia:latest")).toBe("uses the tag latest");
    expect(unpinnedImage("registry:5000/ops/guardia")).toBe("has no tag, so it means latest");
    expect(unpinnedImage("registry:5000/ops/guardia:0.1.0")).toBeUndefined();
    expect(unpinnedImage(`ghcr.io/x/guardia@sha256:${"a".repeat(64)}`)).toBeUndefined();
    const files = edited(await exampleFiles("mira-prod"), JOB, (job) => {
      container(job).image = "registry.hospitaldeovalle.cl/ops/guardia:latest";
    });
    expect(violated(judge(files))).toEqual([`image-pinned ${JOB}`]);
  });
});

const BUCKET = "aws/s3.Bucket/inatrace-backup-storage-bucket";
const BUCKET_PARTS: Record<string, string> = {
  BucketPublicAccessBlock: "public-access",
  BucketServerSideEncryptionConfiguration: "encryption",
  BucketPolicy: "policy",
  BucketVersioning: "versioning",
};
const bucketPart = (part: string) =>
  `aws/s3.${part}/inatrace-backup-storage-bucket-${BUCKET_PARTS[part]}`;

describe("the backup bucket", () => {
  it.each([
    ["BucketPublicAccessBlock", "bucket-public-access-blocked", "has no public access block"],
    ["BucketServerSideEncryptionConfiguration", "bucket-encrypted", "has no default encryption"],
    ["BucketPolicy", "bucket-tls-only", "has no policy denying requests without TLS"],
    ["BucketVersioning", "bucket-versioning", "does not have versioning enabled"],
  ])("without its %s violates %s", async (part, rule, problem) => {
    const files = without(await exampleFiles("inatrace-prod"), bucketPart(part));
    expect(judge(files).violations).toEqual([
      {
        rule,
        resource: BUCKET,
        field: "inputs",
        message: `bucket inatrace-backups-prod ${problem}`,
      },
    ]);
  });

  it("bucket-public-access-blocked names the flags left off", async () => {
    const files = edited(
      await exampleFiles("inatrace-prod"),
      bucketPart("BucketPublicAccessBlock"),
      (f) => {
        at(f, "inputs").restrictPublicBuckets = false;
      },
    );
    expect(judge(files).violations[0]?.message).toBe(
      "bucket inatrace-backups-prod leaves restrictPublicBuckets off",
    );
  });

  it("bucket-object-lock-prod: a prod bucket without Object Lock fails; the same in dev passes", async () => {
    const prod = edited(await exampleFiles("inatrace-prod"), BUCKET, (f) => {
      at(f, "inputs").objectLockEnabled = false;
    });
    expect(violated(judge(prod))).toEqual([`bucket-object-lock-prod ${BUCKET}`]);
    const dev = edited(prod, "kubernetes/ConfigMap/inatrace-guardia-stack", (f) => {
      const data = at(f, "data");
      data["stack.yaml"] = String(data["stack.yaml"]).replace(
        "environment: prod",
        "environment: staging",
      );
    });
    // Staging also moves the role's prefix; only the Object Lock rule is asked here.
    const rules = ["bucket-object-lock-prod" as const];
    expect(evaluatePolicy(dev, { today: TODAY, rules }).violations).toEqual([]);
  });
});

const ROLE_POLICY = "aws/iam.RolePolicy/inatrace-backup-storage-role-policy";
const statements = (f: Record<string, unknown>) =>
  at(f, "inputs", "policy", "Statement") as unknown as Record<string, unknown>[];

describe("IAM", () => {
  it("iam-backup-role-scope: the job role may never delete, nor reach another prefix", async () => {
    const files = edited(await exampleFiles("inatrace-prod"), ROLE_POLICY, (f) => {
      const [objects] = statements(f);
      (objects!.Action as string[]).push("s3:DeleteObject");
      objects!.Resource = "arn:aws:s3:::inatrace-backups-prod/*";
    });
    const found = judge(files).violations.filter((v) => v.rule === "iam-backup-role-scope");
    expect(found.map((f) => f.message)).toEqual([
      "statement BackupObjectsUnderStackPrefix allows s3:DeleteObject: the job role must never delete",
      "statement BackupObjectsUnderStackPrefix reaches objects outside arn:aws:s3:::inatrace-backups-prod/inatrace/prod/*",
    ]);
    expect(found[0]).toMatchObject({ resource: ROLE_POLICY, field: "inputs.policy.Statement[0]" });
  });

  it("iam-no-wildcard: an Allow with action or resource `*` fails; the TLS Deny on s3:* does not", async () => {
    const files = edited(await exampleFiles("inatrace-prod"), ROLE_POLICY, (f) => {
      statements(f).push({ Sid: "Everything", Effect: "Allow", Action: "s3:*", Resource: "*" });
    });
    const found = judge(files).violations.filter((v) => v.rule === "iam-no-wildcard");
    expect(found.map((f) => f.message)).toEqual([
      "statement Everything allows action s3:*",
      "statement Everything allows resource *",
    ]);
  });
});

const SECRET_VALUES = {
  awsKey: "AKIAIOSFODNN7EXAMPLE",
  token: "q8Zt3Lx9Vb2Nw7Kc4Hf6Rj1Mp5Sd0Gy",
  slack: "https://hooks.slack.com/services/T0AAAAAAA/B0BBBBBBB/XXXXXXXXXXXXXXXXXXXXXXXX",
  url: "postgres://mira_user:hunter2@mira-pg.mira.svc/mira",
};

describe("no plaintext secret", () => {
  it("recognizes token shapes and random tokens, and leaves ids, digests and type tokens alone", () => {
    expect(secretShape(`key: ${SECRET_VALUES.awsKey}`)).toBe("an AWS access key id");
    expect(secretShape(SECRET_VALUES.slack)).toBe("a Slack webhook URL");
    expect(secretShape(SECRET_VALUES.url)).toBe("a password inside a URL");
    expect(secretShape("-----BEGIN RSA PRIVATE KEY-----")).toBe("a private key");
    expect(secretShape(`--token=${SECRET_VALUES.token}`)).toBe(
      "a high-entropy string (a key or token?)",
    );
    for (const harmless of [
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      "arn:aws:iam::777788889999:oidc-provider/oidc.eks.eu-central-1.amazonaws.com/id/0A1B2C3D4E5F60718293A4B5C6D7E8F9",
      `quay.io/prometheus/blackbox-exporter@sha256:${"0f3e".repeat(16)}`,
      "guardia.mira-prod.ErrorBudgetBurnFast",
      "https://nocobase.hospitaldeovalle.cl/api/__health_check",
    ]) {
      expect(secretShape(harmless), harmless).toBeUndefined();
    }
    expect(shannonEntropy("aaaa")).toBe(0);
    expect(shannonEntropy("abcd")).toBe(2);
  });

  it("finds secrets in a ConfigMap, an env value, an annotation and an argument, and never prints them", async () => {
    let files = edited(
      await exampleFiles("mira-prod"),
      "kubernetes/ConfigMap/mira-blackbox-exporter",
      (f) => {
        at(f, "data").credentials = `aws_access_key_id = ${SECRET_VALUES.awsKey}`;
      },
    );
    files = edited(files, JOB, (job) => {
      (container(job).env as unknown[]).push({ name: "API_TOKEN", value: SECRET_VALUES.token });
      (container(job).args as string[]).push(`--source=${SECRET_VALUES.url}`);
      at(job, "metadata").annotations = { "ops/notify": SECRET_VALUES.slack };
    });
    const verdict = judge(files);
    const found = verdict.violations.filter((v) => v.rule === "no-plaintext-secret");
    expect(found.map((f) => `${f.resource} ${f.field}`)).toEqual([
      "kubernetes/ConfigMap/mira-blackbox-exporter data.credentials",
      `${JOB} metadata.annotations.ops/notify`,
      `${JOB} spec.jobTemplate.spec.template.spec.containers[0].args[9]`,
      `${JOB} spec.jobTemplate.spec.template.spec.containers[0].env[5].value`,
    ]);
    const printed = JSON.stringify(verdict);
    for (const value of Object.values(SECRET_VALUES)) expect(printed).not.toContain(value);
  });

  it("leaves a Secret's own data alone: that is where secrets belong", async () => {
    const files = edited(
      await exampleFiles("mira-prod"),
      "kubernetes/Secret/mira-alertmanager",
      (f) => {
        at(f, "stringData").token = SECRET_VALUES.token;
      },
    );
    expect(violated(judge(files))).toEqual([]);
  });

  it("receiver-secret-by-reference: a webhook URL written into the Alertmanager configuration", async () => {
    const files = edited(
      await exampleFiles("mira-prod"),
      "kubernetes/Secret/mira-alertmanager",
      (f) => {
        const data = at(f, "stringData");
        data["alertmanager.yaml"] = String(data["alertmanager.yaml"]).replace(
          "webhook_url_file: /etc/alertmanager/secrets/mira-alerting/teams-webhook",
          "webhook_url: https://example.webhook.office.com/webhookb2/abc",
        );
      },
    );
    expect(
      judge(files).violations.filter((v) => v.rule === "receiver-secret-by-reference"),
    ).toEqual([
      {
        rule: "receiver-secret-by-reference",
        resource: "kubernetes/Secret/mira-alertmanager",
        field: "stringData.alertmanager.yaml: receivers[1].msteams_configs[0].webhook_url",
        message:
          "receivers[1].msteams_configs[0].webhook_url is written inline; use its *_file twin",
      },
    ]);
  });
});

describe("what the operations manuals ask of prod", () => {
  it("prod-backup-retention: a daily backup kept 14 days", async () => {
    const files = edited(
      await exampleFiles("mira-prod"),
      "kubernetes/ConfigMap/mira-guardia-stack",
      (f) => {
        const data = at(f, "data");
        data["stack.yaml"] = String(data["stack.yaml"]).replace("keepDays: 30", "keepDays: 14");
      },
    );
    expect(judge(files).violations).toEqual([
      {
        rule: "prod-backup-retention",
        resource: "databases/mira",
        field: "guardia:platform.backups.schedules",
        message:
          "database mira has no daily backup kept at least 30 days (backups: daily kept 14 days, weekly kept 90 days)",
      },
    ]);
  });

  it("prod-backup-retention: a weekly schedule that runs monthly does not count as weekly", async () => {
    const files = edited(
      await exampleFiles("mira-prod"),
      "kubernetes/CronJob/mira-backup-mira-weekly",
      (job) => {
        at(job, "spec").schedule = "0 3 1 * *";
      },
    );
    expect(judge(files).violations.map((v) => v.message)).toEqual([
      "database mira has no weekly backup kept at least 90 days (backups: daily kept 30 days, weekly kept 90 days)",
    ]);
  });

  it("prod-restore-drill: no restore drill CronJob for a prod database", async () => {
    const files = without(
      await exampleFiles("mira-prod"),
      "kubernetes/CronJob/mira-restore-drill-mira",
    );
    expect(violated(judge(files))).toEqual(["prod-restore-drill databases/mira"]);
  });

  it("prod-service-probe and prod-service-slo: a prod service nobody probes", async () => {
    const probe = "kubernetes/Probe/mira-probe-nocobase";
    const rules = "kubernetes/PrometheusRule/mira-alerts";
    let files = without(await exampleFiles("mira-prod"), probe);
    files = edited(files, rules, (f) => {
      const groups = at(f, "spec").groups as { name: string }[];
      at(f, "spec").groups = groups.filter((g) => !g.name.endsWith(".slo"));
    });
    expect(violated(judge(files))).toEqual([
      "prod-service-probe services/nocobase",
      "prod-service-slo services/nocobase",
    ]);
  });
});

describe("alerts", () => {
  const RULES_FILE = "kubernetes/PrometheusRule/mira-alerts";
  const firstRule = (f: Record<string, unknown>) => at(f, "spec", "groups", 0, "rules", 0);

  it("alert-contract: a missing annotation and a severity that does not match the priority", async () => {
    const files = edited(await exampleFiles("mira-prod"), RULES_FILE, (f) => {
      delete at(firstRule(f), "annotations").guardia_command;
      at(firstRule(f), "labels").severity = "info";
    });
    expect(judge(files).violations.map((v) => `${v.field}: ${v.message}`)).toEqual([
      "spec.groups[0].rules[0].annotations.guardia_command: alert EndpointDown (service nocobase) has no guardia_command annotation",
      "spec.groups[0].rules[0].labels.severity: alert EndpointDown (service nocobase) has severity info for P1 (expected critical)",
    ]);
  });

  it("alert-runbook-url: a page named after no runbook fails even under a custom base URL", async () => {
    const files = edited(await exampleFiles("mira-prod"), RULES_FILE, (f) => {
      at(firstRule(f), "annotations").runbook_url =
        "https://github.com/hospital-ovalle/mira-ops/blob/main/runbooks/reboot.md";
    });
    expect(judge(files).violations.map((v) => v.message)).toEqual([
      'alert EndpointDown (service nocobase): runbook_url names runbook "reboot", which guardia does not have',
    ]);
  });

  describe("under the default base URL, against guardia's docs/runbooks", () => {
    const root = mkdtempSync(path.join(tmpdir(), "guardia-docs-"));
    afterAll(() => rmSync(root, { recursive: true, force: true }));

    it("fails for each alert whose page is missing, and passes once the pages exist", async () => {
      const files = await exampleFiles("mira-dev");
      const missing = evaluatePolicy(files, { today: TODAY, guardiaRoot: root }).violations;
      expect(missing.length).toBeGreaterThan(0);
      expect(new Set(missing.map((v) => v.rule))).toEqual(new Set(["alert-runbook-url"]));
      expect(missing[0]?.message).toMatch(
        /runbook_url points at docs\/runbooks\/[a-z-]+\.md, which does not exist$/,
      );
      mkdirSync(path.join(root, "docs", "runbooks"), { recursive: true });
      const named = ["backup-db", "export-collections", "health-check", "rotate-logs"];
      const pages = missing.map((v) => /docs\/runbooks\/([a-z-]+)\.md/.exec(v.message)?.[1]);
      expect([...new Set(pages)].sort()).toEqual(named);
      for (const name of named) {
        writeFileSync(path.join(root, "docs", "runbooks", `${name}.md`), `# ${name}\n`);
      }
      expect(evaluatePolicy(files, { today: TODAY, guardiaRoot: root }).violations).toEqual([]);
    });
  });
});

describe("waivers", () => {
  const waiver = (expires: string) => `
    policy:
      waivers:
        - rule: prod-restore-drill
          resource: databases/mira
          reason: the drill server is being rebuilt; drills restart with it
          owner: ops@hospitaldeovalle.cl
          expires: ${expires}
`;
  const withWaiver = async (expires: string, drop = true) => {
    let files = await exampleFiles("mira-prod");
    if (drop) files = without(files, "kubernetes/CronJob/mira-restore-drill-mira");
    return edited(files, "kubernetes/ConfigMap/mira-guardia-stack", (f) => {
      const data = at(f, "data");
      data["stack.yaml"] = `${String(data["stack.yaml"]).trimEnd()}\n${waiver(expires).slice(1)}`;
    });
  };

  it("an unexpired waiver turns the violation into a waived finding and is listed", async () => {
    const verdict = judge(await withWaiver("2026-12-01"));
    expect(verdict.violations).toEqual([]);
    expect(verdict.waived.map((f) => `${f.rule} ${f.resource}`)).toEqual([
      "prod-restore-drill databases/mira",
    ]);
    expect(verdict.waivers).toEqual([
      expect.objectContaining({ owner: "ops@hospitaldeovalle.cl", expires: "2026-12-01" }),
    ]);
  });

  it("an expired waiver is a violation of its own, and no longer waives", async () => {
    const verdict = judge(await withWaiver("2026-11-30"));
    expect(violated(verdict)).toEqual([
      "prod-restore-drill databases/mira",
      "waiver-expired databases/mira",
    ]);
    expect(verdict.violations[1]?.message).toBe(
      "the waiver of prod-restore-drill on databases/mira (owner ops@hospitaldeovalle.cl) expired on 2026-11-30",
    );
  });

  it("a waiver that matches nothing is a note to remove it", async () => {
    const verdict = judge(await withWaiver("2027-01-31", false));
    expect(verdict.violations).toEqual([]);
    expect(verdict.notes).toContain(
      "the waiver of prod-restore-drill on databases/mira matches no finding: remove it",
    );
  });
});
