import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadStack } from "../../lib/model/index.js";
import { HOLDS_NO_SECRET_VALUES } from "../../lib/naming.js";
import { runWithFakePulumiEngine } from "../../lib/render/fake-pulumi-engine.js";
import {
  InvalidManifestError,
  SECRET_PLACEHOLDER,
  toFile,
  writeRender,
} from "../../lib/render/render.js";
import { validateManifest } from "../../lib/render/validate-k8s.js";
import { repoRoot } from "../harness/tools.js";

/** What a render must never do: print a secret, or hand reviewers an object the API server rejects. */

describe("secrets in a render", () => {
  it("renders every pulumi.secret() input as [secret], for Kubernetes and AWS alike", async () => {
    const run = await runWithFakePulumiEngine({
      project: "guardia",
      stack: "secrets",
      config: {},
      program: () => {
        new k8s.core.v1.ConfigMap("cm", {
          metadata: { name: "cm" },
          data: { token: pulumi.secret("hunter2"), plain: "visible" },
        });
        new k8s.core.v1.Secret("db", { metadata: { name: "db" }, stringData: { pw: "hunter2" } });
        new aws.ssm.Parameter("param", { type: "SecureString", value: pulumi.secret("hunter2") });
      },
    });
    // Registration order is the engine's; a render sorts by path.
    const files = run.resources.map(toFile).sort((a, b) => a.path.localeCompare(b.path));
    expect(files.map((f) => [f.path, f.content])).toEqual([
      [
        "aws/ssm.Parameter/param.yaml",
        {
          type: "aws:ssm/parameter:Parameter",
          name: "param",
          inputs: { type: "SecureString", value: SECRET_PLACEHOLDER },
        },
      ],
      [
        "kubernetes/ConfigMap/cm.yaml",
        // The SDK marks the whole map secret when one of its values is: the plain value goes too.
        { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cm" }, data: SECRET_PLACEHOLDER },
      ],
      [
        "kubernetes/Secret/db.yaml",
        {
          apiVersion: "v1",
          kind: "Secret",
          metadata: { name: "db" },
          stringData: { pw: SECRET_PLACEHOLDER },
        },
      ],
    ]);

    const out = path.join(mkdtempSync(path.join(tmpdir(), "guardia-secrets-")), "render");
    try {
      writeRender(
        { stack: loadStack("mira-dev", repoRoot), files, components: [], summary: "" },
        out,
      );
      const written = readdirSync(out, { recursive: true, encoding: "utf8" }).filter((f) =>
        statSync(path.join(out, f)).isFile(),
      );
      expect(written).toContain("kubernetes/ConfigMap/cm.yaml");
      for (const file of written) {
        expect(readFileSync(path.join(out, file), "utf8"), file).not.toContain("hunter2");
      }
      expect(readFileSync(path.join(out, "kubernetes/ConfigMap/cm.yaml"), "utf8")).toContain(
        'data: "[secret]"',
      );
    } finally {
      rmSync(path.dirname(out), { recursive: true, force: true });
    }
  });

  it("hides each key of a Secret's data even when it was not marked secret", () => {
    const file = toFile({
      type: "kubernetes:core/v1:Secret",
      name: "db",
      inputs: {
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: "db" },
        data: { password: "aHVudGVyMg==" },
        stringData: { user: "mira" },
      },
    });
    expect(file.content).toEqual({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "db" },
      data: { password: SECRET_PLACEHOLDER },
      stringData: { user: SECRET_PLACEHOLDER },
    });
  });

  it("unwraps a Secret map the Kubernetes SDK marked secret: keys stay, each value is hidden", async () => {
    const run = await runWithFakePulumiEngine({
      project: "guardia",
      stack: "secret-map",
      config: {},
      program: () => {
        new k8s.core.v1.Secret("db", {
          metadata: { name: "db" },
          stringData: { password: "hunter2", user: "mira" },
        });
        new k8s.core.v1.Secret("routing", {
          metadata: { name: "routing", annotations: { [HOLDS_NO_SECRET_VALUES]: "true" } },
          stringData: { "alertmanager.yaml": "route: {}" },
        });
      },
    });
    const byName = (name: string) => toFile(run.resources.find((r) => r.name === name)!);
    const [db, routing] = [byName("db"), byName("routing")];
    expect(db!.content.stringData).toEqual({
      password: SECRET_PLACEHOLDER,
      user: SECRET_PLACEHOLDER,
    });
    expect(await validateManifest(db!.content)).toEqual([]);
    expect(routing!.content.stringData).toEqual({ "alertmanager.yaml": "route: {}" });
  });
});

describe("validateManifest", () => {
  const cronJob = (name = "mira-backup-mira-daily") => ({
    apiVersion: "batch/v1",
    kind: "CronJob",
    metadata: { name, labels: { "app.kubernetes.io/managed-by": "guardia" } },
    spec: {
      schedule: "0 2 * * *",
      concurrencyPolicy: "Forbid",
      jobTemplate: {
        spec: {
          template: {
            spec: { restartPolicy: "Never", containers: [{ name: "backup", image: "guardia" }] },
          },
        },
      },
    },
  });

  it("accepts a valid CronJob", async () => {
    expect(await validateManifest(cronJob())).toEqual([]);
  });

  it("names the field of a value outside the schema's enum", async () => {
    const job = cronJob();
    job.spec.concurrencyPolicy = "Sometimes";
    expect(await validateManifest(job)).toEqual([
      "spec.concurrencyPolicy: must be equal to one of the allowed values: Allow, Forbid, Replace",
    ]);
  });

  it("refuses a CronJob name longer than 52 characters", async () => {
    const name = `mira-${"x".repeat(48)}`;
    expect(await validateManifest(cronJob(name))).toEqual([
      `metadata.name: "${name}" is longer than 52 characters (CronJob limit)`,
    ]);
  });

  it("refuses a bad label value and an invalid schedule", async () => {
    const job = cronJob();
    job.metadata.labels["app.kubernetes.io/managed-by"] = "-guardia ops-";
    job.spec.schedule = "0 25 * * *";
    expect(await validateManifest(job)).toEqual([
      "spec.schedule: Constraint error, got value 25 expected range 0-23",
      'metadata.labels.app.kubernetes.io/managed-by: invalid label value "-guardia ops-"',
    ]);
  });

  it("refuses a kind it has no schema for", async () => {
    const widget = { apiVersion: "v1", kind: "Widget", metadata: { name: "w" } };
    expect(await validateManifest(widget)).toEqual([
      "no schema known for v1 Widget: guardia renders only objects it can validate",
    ]);
  });

  it("makes a render fail naming each invalid object and its field", async () => {
    const job = cronJob();
    job.spec.concurrencyPolicy = "Sometimes";
    const file = "kubernetes/CronJob/mira-backup-mira-daily.yaml";
    const error = new InvalidManifestError([{ file, problems: await validateManifest(job) }]);
    expect(error.message).toBe(
      "render produced 1 invalid Kubernetes object(s):\n" +
        `  ${file}: spec.concurrencyPolicy: must be equal to one of the allowed values: Allow, Forbid, Replace`,
    );
  });
});
