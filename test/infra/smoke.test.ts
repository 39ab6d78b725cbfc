import type { ICronJob } from "kubernetes-models/batch/v1/CronJob";
import { beforeAll, describe, expect, it } from "vitest";
import { renderStack, type Render } from "../../lib/render/render.js";
import { validateManifest } from "../../lib/render/validate-k8s.js";
import { argvOf, containerOf, cronJob, envOf, podOf, restrictedProblems } from "./helpers.js";

/**
 * The smoke CronJob as `guardia render` records it for the example stacks: INATrace gives an
 * image with Chromium (every step runs), logistics does not (the API steps only). Both must be
 * valid Kubernetes, pass Pod Security "restricted", and take the flows' credentials from their
 * Secrets, never as values.
 */

const renders = new Map<string, Render>();
beforeAll(async () => {
  // One after the other: the fake Pulumi engine is one runtime per process.
  for (const name of ["inatrace-prod", "logistica-prod"])
    renders.set(name, await renderStack(name));
}, 120_000);

const smokeJob = (stack: string, name: string): ICronJob => cronJob(renders.get(stack)!, name);

describe("the smoke CronJob", () => {
  it("is schema-valid and restricted in both stacks, and never retries a failed run", async () => {
    for (const [stack, name] of [
      ["inatrace-prod", "inatrace-smoke"],
      ["logistica-prod", "logistica-smoke"],
    ] as const) {
      const job = smokeJob(stack, name);
      expect(await validateManifest(job as never), name).toEqual([]);
      expect(restrictedProblems(podOf(job)), name).toEqual([]);
      expect(job.spec.concurrencyPolicy, name).toBe("Forbid");
      expect(job.spec.jobTemplate.spec?.backoffLimit, name).toBe(0);
    }
  });

  it("runs only the API steps where the stack gives no image with Chromium", () => {
    const job = smokeJob("logistica-prod", "logistica-smoke");
    expect(argvOf(job).slice(0, 4)).toEqual([
      "guardia",
      "smoke",
      "--stack",
      "/etc/guardia/stack.yaml",
    ]);
    expect(argvOf(job)).toContain("--steps");
    expect(argvOf(job)[argvOf(job).indexOf("--steps") + 1]).toBe("api");
  });

  it("runs every step in the browser image, with room for Chromium", () => {
    const job = smokeJob("inatrace-prod", "inatrace-smoke");
    expect(containerOf(job).image).toBe("ghcr.io/inatrace/guardia-chromium:0.1.0");
    expect(argvOf(job)).not.toContain("--steps");
    expect(containerOf(job).resources?.limits).toMatchObject({ memory: "1Gi" });
  });

  it("takes each flow's credentials from their Secret, once each", () => {
    const env = envOf(smokeJob("inatrace-prod", "inatrace-smoke"));
    const refs = Object.values(env).filter(
      (v): v is { secretKeyRef: { name: string; key: string } } =>
        typeof v === "object" && v !== null && "secretKeyRef" in v,
    );
    expect(refs.map((r) => `${r.secretKeyRef.name}/${r.secretKeyRef.key}`).sort()).toEqual([
      "inatrace-smoke/password",
      "inatrace-smoke/username",
    ]);
  });
});
