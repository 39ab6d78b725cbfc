import type { ICronJob } from "kubernetes-models/batch/v1/CronJob";
import { beforeAll, describe, expect, it } from "vitest";
import { alertCatalogue } from "../../lib/monitoring/catalogue.js";
import { renderStack, type Render } from "../../lib/render/render.js";
import { exampleContext } from "../monitoring/helpers/stacks.js";
import {
  argvOf,
  containerOf,
  cronJobs,
  podOf,
  renderInline,
  resourcesOfType,
  restrictedProblems,
} from "./helpers.js";

/**
 * The routine in the cluster, as `guardia render` shows it: a CronJob per period at the manuals'
 * times, restricted pods, a Role with only the reads the checks need (and none where no check
 * talks to the Kubernetes API), the dead man's switch check beside each CronJob, and the
 * exporters that give every database of every example prod stack a DatabaseDown alert.
 * `renderStack` validates every object against the Kubernetes schemas before these tests look.
 */

const COMPONENT = "app.kubernetes.io/component";
const routineJobs = (render: Render): ICronJob[] =>
  cronJobs(render).filter((j) => j.metadata?.labels?.[COMPONENT] === "routine");
const ROLE = "kubernetes:rbac.authorization.k8s.io/v1:Role";
const BINDING = "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding";

describe("logistica-prod: the routine CronJobs and their Role", () => {
  let render: Render;
  beforeAll(async () => {
    render = await renderStack("logistica-prod");
  });

  it("runs daily 07:00, Monday 07:00 and the 1st 07:00 in the stack's time zone", () => {
    const jobs = routineJobs(render).map((j) => [
      j.metadata?.name,
      j.spec.schedule,
      j.spec.timeZone,
      argvOf(j).slice(1).join(" "),
    ]);
    expect(jobs).toEqual([
      [
        "logistica-routine-daily",
        "0 7 * * *",
        "UTC",
        "routine --stack /etc/guardia/stack.yaml --period daily --yes --json",
      ],
      [
        "logistica-routine-monthly",
        "0 7 1 * *",
        "UTC",
        "routine --stack /etc/guardia/stack.yaml --period monthly --yes --json",
      ],
      [
        "logistica-routine-weekly",
        "0 7 * * 1",
        "UTC",
        "routine --stack /etc/guardia/stack.yaml --period weekly --yes --json",
      ],
    ]);
    for (const job of routineJobs(render)) {
      expect(restrictedProblems(podOf(job)), job.metadata?.name).toEqual([]);
      expect(job.spec.concurrencyPolicy).toBe("Forbid");
      expect(job.spec.jobTemplate.spec?.backoffLimit).toBe(0);
    }
  });

  it("shows each period's dead man's switch check: its slug, schedule and the Secret of its URL", () => {
    const daily = routineJobs(render).find((j) => j.metadata?.name === "logistica-routine-daily")!;
    expect(daily.metadata?.annotations?.["guardia.io/dead-mans-switch"]).toBe(
      'Healthchecks-style check logistica-prod-routine-daily: cron "0 7 * * *" in UTC, grace 90 min; ' +
        "pinged at <URL from Secret logistica-alerting/routine-ping-url>/logistica-prod-routine-daily " +
        "with /start, then success or /fail",
    );
    const env = containerOf(daily).env ?? [];
    const fromSecrets = env.filter((e) => e.valueFrom?.secretKeyRef).map((e) => e.name);
    expect(env.every((e) => e.value === undefined || !/https?:/.test(e.value))).toBe(true);
    expect(fromSecrets.length).toBeGreaterThan(0);
    // The daily smoke flows' credentials, from the smoke user's Secret.
    const smokeUser = env.filter((e) => e.valueFrom?.secretKeyRef?.name === "logistica-smoke");
    expect(smokeUser.map((e) => e.valueFrom?.secretKeyRef?.key).sort()).toEqual([
      "password",
      "username",
    ]);
  });

  it("binds a Role with only the reads its kubectl commands need to the job ServiceAccount", () => {
    const [role] = resourcesOfType(render, ROLE).filter((r) => r.name === "logistica-routine-role");
    expect(role?.inputs.rules).toEqual([
      { apiGroups: [""], resources: ["pods"], verbs: ["get", "list"] },
      { apiGroups: [""], resources: ["pods/log"], verbs: ["get"] },
      { apiGroups: [""], resources: ["pods/exec"], verbs: ["create"] },
      {
        apiGroups: ["apps"],
        resources: ["deployments"],
        resourceNames: ["logistica-api", "logistica-celery"],
        verbs: ["get"],
      },
    ]);
    const [binding] = resourcesOfType(render, BINDING).filter((r) =>
      r.name.startsWith("logistica-routine"),
    );
    expect(binding?.inputs).toMatchObject({
      roleRef: { kind: "Role", name: "logistica-routine" },
      subjects: [{ kind: "ServiceAccount", name: "logistica-guardia", namespace: "logistica" }],
    });
    // Only the pods whose checks call the API mount the token: the monthly one reads no pod.
    const token = Object.fromEntries(
      routineJobs(render).map((j) => [j.metadata?.name, podOf(j).automountServiceAccountToken]),
    );
    expect(token).toEqual({
      "logistica-routine-daily": true,
      "logistica-routine-monthly": false,
      "logistica-routine-weekly": true,
    });
  });
});

describe("routine schedules and permissions follow the stack", () => {
  it("takes overridden schedules, turns a period off with null, and needs no Role without workloads", async () => {
    const render = await renderInline({
      name: "shop",
      environment: "staging",
      namespace: "shop",
      jobs: { image: "registry.example.org/guardia:1.0", timeZone: "Europe/Madrid" },
      routine: { schedules: { daily: "30 6 * * 1-5", monthly: null } },
    });
    expect(
      routineJobs(render).map((j) => [j.metadata?.name, j.spec.schedule, j.spec.timeZone]),
    ).toEqual([
      ["shop-routine-daily", "30 6 * * 1-5", "Europe/Madrid"],
      ["shop-routine-weekly", "0 7 * * 1", "Europe/Madrid"],
    ]);
    expect(resourcesOfType(render, ROLE).filter((r) => r.name.includes("routine"))).toEqual([]);
    for (const job of routineJobs(render))
      expect(podOf(job).automountServiceAccountToken).toBe(false);
  });

  it("renders no routine where the stack turns it off", async () => {
    const render = await renderInline({
      name: "shop",
      environment: "staging",
      namespace: "shop",
      routine: null,
    });
    expect(routineJobs(render)).toEqual([]);
  });
});

describe("every example prod stack alerts when any of its databases is down", () => {
  it.each(["mira-prod", "inatrace-prod", "logistica-prod"])("%s", (name) => {
    const { stack, ctx } = exampleContext(name);
    const down = alertCatalogue(ctx)
      .filter((d) => d.alert === "DatabaseDown")
      .map((d) => d.subject.database);
    expect(stack.platform.databases.length).toBeGreaterThan(0);
    expect(down.sort()).toEqual(stack.platform.databases.map((db) => db.name).sort());
  });

  it("deploys guardia's postgres_exporter, restricted, where the stack names none (logistica on RDS)", async () => {
    const render = await renderStack("logistica-prod");
    const deployments = resourcesOfType(render, "kubernetes:apps/v1:Deployment").filter((d) =>
      d.name.includes("exporter"),
    );
    expect(deployments.map((d) => d.name).sort()).toEqual([
      "logistica-exporters-logistica-postgres-exporter-logistica-deployment",
      "logistica-exporters-logistica-redis-exporter-deployment",
    ]);
    for (const d of deployments) {
      const pod = (d.inputs as { spec: { template: { spec: never } } }).spec.template.spec;
      expect(restrictedProblems(pod), d.name).toEqual([]);
    }
    const env = JSON.stringify(deployments[0]!.inputs);
    expect(env).toContain('"name":"DATA_SOURCE_PASS","valueFrom":{"secretKeyRef"');
  });
});
