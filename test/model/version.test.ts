import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { isScalar, type YAMLMap } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  migrateStackText,
  MODEL_VERSION,
  versionIssues,
  type Versioning,
} from "../../lib/model/version.js";
import { runCli } from "../harness/cli.js";
import { repoRoot } from "../harness/tools.js";

/**
 * Model versions: a file for another version is refused naming each changed field, and
 * migrate-stack rewrites an older one keeping its comments. The machinery is tested with a
 * migration of the test's own (guardia's model has had one version so far), the command on
 * guardia's real model.
 */

/** A model 2 in which `namespace` became `kubernetesNamespace`, and `logs` needs a person. */
const NEXT: Versioning = {
  current: 2,
  migrations: [
    {
      from: 1,
      changes: [
        {
          path: "namespace",
          change: "renamed to kubernetesNamespace",
          migrate: (platform: YAMLMap) => {
            const pair = platform.items.find((p) => isScalar(p.key) && p.key.value === "namespace");
            if (pair && isScalar(pair.key)) pair.key.value = "kubernetesNamespace";
          },
        },
        { path: "logs[].claim", change: "moved to the log rotation job; write it there" },
      ],
    },
  ],
};

const V1 = `# The shop in dev.
config:
  guardia:platform:
    name: shop
    environment: dev
    # One namespace per environment.
    namespace: shop-dev # kept short
    runtime: local
`;

describe("model versions", () => {
  it("name every field that changed since an older file's version, and refuse a newer one", () => {
    expect(versionIssues({ name: "shop" }, NEXT).map((i) => i.message)).toEqual([
      "written for model version 1 (now 2): namespace: renamed to kubernetesNamespace; `guardia migrate-stack` rewrites it",
      "written for model version 1 (now 2): logs[].claim: moved to the log rotation job; write it there",
    ]);
    expect(versionIssues({ version: 2 }, NEXT)).toEqual([]);
    expect(versionIssues({ version: 3 }, NEXT)[0]!.message).toBe(
      "written for model version 3; this guardia reads versions up to 2: upgrade guardia",
    );
    expect(versionIssues({ version: "one" }, NEXT)[0]!.message).toBe(
      "expected a model version (1 to 2)",
    );
  });

  it("migrate a file in place: each change, the version first, every comment kept", () => {
    const migrated = migrateStackText(V1, NEXT);
    expect(migrated.applied).toEqual(["namespace: renamed to kubernetesNamespace", "version: 2"]);
    expect(migrated.manual.map((c) => c.path)).toEqual(["logs[].claim"]);
    expect(migrated.text).toBe(
      V1.replace("    name: shop", "    version: 2\n    name: shop").replace(
        "namespace: shop-dev",
        "kubernetesNamespace: shop-dev",
      ),
    );
    // A current file is left byte for byte.
    expect(migrateStackText(migrated.text, NEXT)).toEqual({
      text: migrated.text,
      applied: [],
      manual: [],
    });
  });
});

describe("guardia migrate-stack and validate on guardia's own model", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "guardia-version-"));
    writeFileSync(path.join(dir, "Pulumi.yaml"), "name: shop\nruntime: nodejs\n");
    copyFileSync(
      path.join(repoRoot, "stacks", "Pulumi.mira-dev.yaml"),
      path.join(dir, "Pulumi.mira-dev.yaml"),
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("refuses a file written for a newer model, with its line", async () => {
    const file = path.join(dir, "Pulumi.future.yaml");
    writeFileSync(file, V1.replace("    name: shop", "    version: 99\n    name: shop"));
    const result = await runCli(["validate", "--stack", file], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stdout + result.stderr).toContain(
      `line 4: guardia:platform.version: written for model version 99; this guardia reads versions up to ${MODEL_VERSION}: upgrade guardia`,
    );
    rmSync(file);
  });

  it("stamps the version into an unversioned file, comments kept, then has nothing to do", async () => {
    const file = path.join(dir, "Pulumi.mira-dev.yaml");
    const before = readFileSync(file, "utf8");
    const first = await runCli(["migrate-stack"], { cwd: dir });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toBe(`ok  Pulumi.mira-dev.yaml: version: ${MODEL_VERSION}\n`);
    const after = readFileSync(file, "utf8");
    expect(after).toBe(
      before.replace(
        "  guardia:platform:\n",
        `  guardia:platform:\n    version: ${MODEL_VERSION}\n`,
      ),
    );
    const again = await runCli(["migrate-stack", "--stack", "mira-dev"], { cwd: dir });
    expect(again.stdout).toBe("ok  Pulumi.mira-dev.yaml: already current\n");
    expect((await runCli(["validate"], { cwd: dir })).code).toBe(0);
  });
});
