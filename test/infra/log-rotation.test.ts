import { readdirSync } from "node:fs";
import type { ICronJob } from "kubernetes-models/batch/v1/CronJob";
import { beforeAll, describe, expect, it } from "vitest";
import { composeStack } from "../../infra/stack.js";
import { guardiaJobs } from "../../lib/jobs.js";
import { logRotationCronJobName, rotatedEntries } from "../../lib/logs/job-names.js";
import { StackError } from "../../lib/model/index.js";
import { runWithFakePulumiEngine } from "../../lib/render/fake-pulumi-engine.js";
import { renderStack, type Render } from "../../lib/render/render.js";
import {
  argvOf,
  containerOf,
  cronJob,
  cronJobs,
  podOf,
  renderInline,
  restrictedProblems,
} from "./helpers.js";

/** The log rotation CronJobs, as the fake Pulumi engine records them and `guardia render` shows them. */

const COMPONENT = "app.kubernetes.io/component";

function rotationJobs(render: Render): ICronJob[] {
  return cronJobs(render).filter((j) => j.metadata?.labels?.[COMPONENT] === "log-rotation");
}

const SHOP = {
  name: "shop",
  environment: "staging",
  namespace: "shop",
  jobs: { image: "registry.example.org/guardia:1.0", timeZone: "Europe/Madrid" },
};

describe("mira-prod: one rotation CronJob for its claimed log files", () => {
  let render: Render;
  let job: ICronJob;
  beforeAll(async () => {
    render = await renderStack("mira-prod");
    job = cronJob(render, "mira-rotate-logs-mira");
  });

  it("runs daily at 00:30 in the stack's time zone, one run at a time", () => {
    expect(job.spec).toMatchObject({
      schedule: "30 0 * * *",
      timeZone: "America/Santiago",
      concurrencyPolicy: "Forbid",
    });
    expect(rotationJobs(render).map((j) => j.metadata?.name)).toEqual(["mira-rotate-logs-mira"]);
  });

  it("runs rotate-logs with exactly the contract's arguments, state on the log volume", () => {
    expect(argvOf(job)).toEqual([
      "guardia",
      "rotate-logs",
      "--stack",
      "/etc/guardia/stack.yaml",
      "--logs",
      "mira",
      "--state-file",
      "/var/log/mira/.guardia-logrotate.state",
      "--yes",
      "--json",
    ]);
    expect(containerOf(job).image).toBe("registry.hospitaldeovalle.cl/ops/guardia:0.1.0");
  });

  it("mounts claim mira-logs read-write where the paths live", () => {
    expect(podOf(job).volumes).toContainEqual({
      name: "logs",
      persistentVolumeClaim: { claimName: "mira-logs" },
    });
    expect(containerOf(job).volumeMounts).toContainEqual({
      name: "logs",
      mountPath: "/var/log/mira",
    });
  });

  it("passes Pod Security restricted, as uid 10001 with a read-only root", () => {
    const pod = podOf(job);
    expect(restrictedProblems(pod)).toEqual([]);
    expect(pod.securityContext).toMatchObject({ runAsUser: 10001, fsGroup: 10001 });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(containerOf(job).securityContext?.readOnlyRootFilesystem).toBe(true);
  });

  it("labels it as log rotation of entry mira", () => {
    expect(job.spec.jobTemplate.spec?.template.metadata?.labels).toMatchObject({
      [COMPONENT]: "log-rotation",
      "guardia.io/logs": "mira",
      "app.kubernetes.io/part-of": "mira",
    });
  });

  it("exports the CronJob names as a stack output", async () => {
    const { platform, input } = render.stack;
    const run = await runWithFakePulumiEngine({
      project: "guardia",
      stack: "mira-prod",
      config: {},
      program: () => composeStack(platform, input),
    });
    expect((run.outputs as Record<string, unknown>).logRotationCronJobs).toEqual([
      "mira-rotate-logs-mira",
    ]);
  });
});

describe("inline stacks", () => {
  it("leaves out an entry without a claim and says so in SUMMARY.md", async () => {
    const render = await renderInline({
      ...SHOP,
      logs: [
        {
          name: "api",
          paths: ["/var/log/shop/api/*.log", "/var/log/shop/worker/*.log"],
          claim: "shop-logs",
        },
        { name: "nginx", paths: ["/var/log/nginx/*.log"] },
      ],
    });
    const jobs = rotationJobs(render);
    expect(jobs.map((j) => j.metadata?.name)).toEqual(["shop-rotate-logs-api"]);
    // Two directories of one claim: mounted at their common parent.
    expect(containerOf(jobs[0]!).volumeMounts).toContainEqual({
      name: "logs",
      mountPath: "/var/log/shop",
    });
    expect(argvOf(jobs[0]!)).toContain("/var/log/shop/.guardia-logrotate.state");
    expect(jobs[0]!.spec.timeZone).toBe("Europe/Madrid");
    expect(render.summary).toContain(
      "| log files `nginx` (/var/log/nginx/*.log) (not rotated: no claim) | compressed after 30 days, deleted after 90 days, rotated at 100M |",
    );
    expect(render.summary).toContain(
      "| log files `api` (/var/log/shop/api/*.log, /var/log/shop/worker/*.log) | compressed after 30 days,",
    );
    expect(render.summary).toContain(
      "| CronJob `shop-rotate-logs-api` | `30 0 * * *` | Europe/Madrid | At 00:30 |",
    );
  });

  it("creates nothing for a stack whose entries have no claim", async () => {
    const render = await renderInline({
      ...SHOP,
      logs: [{ name: "api", paths: ["/var/log/api/*.log"] }],
    });
    expect(rotationJobs(render)).toEqual([]);
    expect(render.components.map((c) => c.type)).not.toContain("guardia:index:LogRotation");
  });

  it("leaves refusing unmountable paths to the model, which names the entry and the claim", async () => {
    const stack = {
      ...SHOP,
      logs: [{ name: "mixed", paths: ["/var/log/a/*.log", "/srv/b/*.log"], claim: "c" }],
    };
    const error = await renderInline(stack).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(StackError);
    expect((error as StackError).problems).toEqual([
      expect.objectContaining({
        path: "guardia:platform.logs[0].paths",
        message:
          "these paths share no directory but /, where claim c cannot be mounted; split the entry by directory",
      }),
    ]);
  });

  it("shortens a long CronJob name to the Kubernetes limit with a stable hash", async () => {
    const name = "application-logs-of-the-checkout-service"; // 40, the longest a name may be
    const render = await renderInline({
      ...SHOP,
      logs: [{ name, paths: ["/var/log/a/*.log"], claim: "a-logs" }],
    });
    const [job] = rotationJobs(render);
    expect(job?.metadata?.name).toBe(
      logRotationCronJobName(render.stack.platform, render.stack.platform.logs[0]!),
    );
    expect(job?.metadata?.name).toHaveLength(52);
    expect(job?.metadata?.name).toMatch(
      /^shop-rotate-logs-application-logs-of-the-chec-[0-9a-f]{6}$/,
    );
  });
});

describe("every example stack", () => {
  const stacks = readdirSync("stacks")
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined);

  it.each(stacks)("%s renders, with one rotation CronJob per claimed entry", async (stack) => {
    const render = await renderStack(stack);
    const { platform } = render.stack;
    const expected = platform.runtime === "kubernetes" ? rotatedEntries(platform) : [];
    expect(rotationJobs(render).map((j) => j.metadata?.name)).toEqual(
      expected.map((e) => logRotationCronJobName(platform, e)),
    );
    // Every CronJob but the smoke one (its own alert) is an entry of guardiaJobs, and no other.
    const listed = platform.runtime === "kubernetes" ? guardiaJobs(platform) : [];
    const rendered = cronJobs(render).filter(
      (j) => j.metadata?.labels?.["app.kubernetes.io/component"] !== "smoke",
    );
    expect(rendered.map((j) => j.metadata?.name).sort()).toEqual(
      listed.map((j) => j.cronJob).sort(),
    );
    for (const job of rotationJobs(render)) expect(restrictedProblems(podOf(job))).toEqual([]);
  });
});
