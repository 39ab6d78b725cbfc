import type { ICronJob } from "kubernetes-models/batch/v1/CronJob";
import { beforeAll, describe, expect, it } from "vitest";
import type { Render } from "../../lib/render/render.js";
import {
  argvOf,
  containerOf,
  cronJobs,
  envOf,
  podOf,
  renderInline,
  restrictedProblems,
} from "./helpers.js";

/**
 * The token rotation and media cleanup CronJobs, as `guardia render` produces them (which
 * validates every Kubernetes object against its schema): the runbooks' own arguments, the
 * database credentials from the Secret, the media volume, a restricted pod.
 */

const COMPONENT = "app.kubernetes.io/component";

const STACK = {
  name: "logistica",
  environment: "staging",
  namespace: "logistica",
  jobs: { image: "registry.example.org/guardia:1.0", timeZone: "America/Santiago" },
  services: [{ name: "api", workload: "deployment/api" }],
  databases: [
    {
      ...{ name: "logistica", engine: "postgres", host: "db.logistica.svc", port: 5432 },
      ...{ database: "logistica", user: "logistica_owner", users: ["logi_a", "logi_b"] },
      ...{ usedBy: ["api"], passwordSecret: { name: "logistica-db", key: "password" } },
    },
  ],
  tokens: { service: "api", inactiveDays: 60 },
  media: {
    root: "/srv/media",
    references: [{ table: "forms_answer", column: "file" }],
    claim: "logistica-media",
  },
  alerting: {
    receivers: [{ name: "chat", type: "webhook", urlSecret: { name: "alerting", key: "url" } }],
  },
};

function byComponent(render: Render, component: string): ICronJob {
  const [job, ...more] = cronJobs(render).filter(
    (j) => j.metadata?.labels?.[COMPONENT] === component,
  );
  expect(more).toEqual([]);
  return job!;
}

describe("hygiene CronJobs", () => {
  let render: Render;
  beforeAll(async () => {
    render = await renderInline(STACK);
  });

  it("rotates tokens weekly with the stack's policy, logging in with the Secret's role and password", () => {
    const job = byComponent(render, "token-rotation");
    expect(job.metadata?.name).toBe("logistica-rotate-tokens");
    expect(job.spec).toMatchObject({ schedule: "0 4 * * 1", timeZone: "America/Santiago" });
    expect(argvOf(job)).toEqual([
      "guardia",
      "rotate-tokens",
      "--stack",
      "/etc/guardia/stack.yaml",
      "--yes",
      "--json",
    ]);
    expect(envOf(job)).toMatchObject({
      GUARDIA_SECRET_LOGISTICA_DB_PASSWORD: {
        secretKeyRef: { name: "logistica-db", key: "password" },
      },
      GUARDIA_SECRET_LOGISTICA_DB_USERNAME: {
        secretKeyRef: { name: "logistica-db", key: "username" },
      },
    });
    expect(restrictedProblems(podOf(job))).toEqual([]);
  });

  it("cleans media daily from the stack's columns, on the media claim mounted at the root", () => {
    const job = byComponent(render, "media-cleanup");
    expect(job.metadata?.name).toBe("logistica-cleanup-media");
    expect(job.spec.schedule).toBe("30 3 * * *");
    expect(argvOf(job)).toEqual([
      "guardia",
      "cleanup-media",
      "--stack-references-only",
      "--stack",
      "/etc/guardia/stack.yaml",
      "--yes",
      "--json",
    ]);
    expect(podOf(job).volumes).toContainEqual({
      name: "media",
      persistentVolumeClaim: { claimName: "logistica-media" },
    });
    expect(containerOf(job).volumeMounts).toContainEqual({
      name: "media",
      mountPath: "/srv/media",
    });
    const pod = podOf(job);
    expect(restrictedProblems(pod)).toEqual([]);
    expect(pod.securityContext).toMatchObject({ runAsUser: 10001, fsGroup: 10001 });
    expect(containerOf(job).securityContext?.readOnlyRootFilesystem).toBe(true);
  });

  it("makes none when tokens.cron is null and media has no claim", async () => {
    const none = await renderInline({
      ...STACK,
      tokens: { service: "api", cron: null },
      media: { root: "/srv/media", references: [{ table: "forms_answer", column: "file" }] },
    });
    const components = cronJobs(none).map((j) => j.metadata?.labels?.[COMPONENT]);
    expect(components).not.toContain("token-rotation");
    expect(components).not.toContain("media-cleanup");
  });
});
