import type * as pulumi from "@pulumi/pulumi";
import { readdirSync } from "node:fs";
import type { ICronJob } from "kubernetes-models/batch/v1/CronJob";
import type { IPersistentVolumeClaim } from "kubernetes-models/v1/PersistentVolumeClaim";
import { beforeAll, describe, expect, it } from "vitest";
import { BackupStorage } from "../../infra/backup/index.js";
import { oidcIssuer } from "../../infra/backup/storage-s3.js";
import { backupCronJobNames, stackKeyPrefix } from "../../lib/backup/job-names.js";
import { BACKUP_STEP_TIMEOUT_MS, DRILL_STEP_TIMEOUT_MS } from "../../lib/backup/timeouts.js";
import { loadStack, StackError, type Platform } from "../../lib/model/index.js";
import { runWithFakePulumiEngine } from "../../lib/render/fake-pulumi-engine.js";
import { renderStack, type Render } from "../../lib/render/render.js";
import {
  argvOf,
  asList,
  awsResources,
  containerOf,
  cronJob,
  envOf,
  onlyResource,
  parsePolicy,
  podOf,
  renderInline,
  resourcesOfType,
} from "./helpers.js";
import {
  CRONJOB,
  cronJobs,
  DAY,
  expectHardenedBackupJob,
  HOUR,
  PVC,
  serviceAccount,
} from "./backup-expectations.js";

describe("mira-prod: file:// destination (on premises)", () => {
  let render: Render;
  let platform: Platform;
  beforeAll(async () => {
    render = await renderStack("mira-prod");
    platform = render.stack.platform;
  });

  it("creates one CronJob per schedule and a restore drill, named as backupCronJobNames says", () => {
    const names = cronJobs(render).map((j) => j.metadata?.name);
    expect(names.sort()).toEqual([
      "mira-backup-mira-daily",
      "mira-backup-mira-weekly",
      "mira-restore-drill-mira",
    ]);
    expect(backupCronJobNames(platform)).toEqual([
      {
        database: "mira",
        schedule: "daily",
        cronJob: "mira-backup-mira-daily",
        kind: "backup",
        cron: "0 2 * * *",
        maxIntervalSeconds: DAY,
      },
      {
        database: "mira",
        schedule: "weekly",
        cronJob: "mira-backup-mira-weekly",
        kind: "backup",
        cron: "0 3 * * 0",
        maxIntervalSeconds: 7 * DAY,
      },
      {
        database: "mira",
        schedule: "restore-drill",
        cronJob: "mira-restore-drill-mira",
        kind: "restore-drill",
        cron: "0 5 * * 1",
        maxIntervalSeconds: 7 * DAY,
      },
    ]);
  });

  it("runs backup-db with exactly the contract's arguments, on the schedule's cron", () => {
    const daily = cronJob(render, "mira-backup-mira-daily");
    expect(daily.spec.schedule).toBe("0 2 * * *");
    expect(daily.spec.timeZone).toBe("America/Santiago");
    expect(argvOf(daily)).toEqual([
      "guardia",
      "backup-db",
      "--stack",
      "/etc/guardia/stack.yaml",
      "--database",
      "mira",
      "--schedule",
      "daily",
      "--yes",
      "--json",
    ]);
    expect(daily.spec.jobTemplate.spec?.activeDeadlineSeconds).toBe(6 * HOUR);
    expect(cronJob(render, "mira-backup-mira-weekly").spec.schedule).toBe("0 3 * * 0");
  });

  it("stops each runbook's long step 30 min before Kubernetes stops its Job", () => {
    const deadline = (name: string) =>
      cronJob(render, name).spec.jobTemplate.spec!.activeDeadlineSeconds! * 1000;
    expect(deadline("mira-backup-mira-daily") - BACKUP_STEP_TIMEOUT_MS).toBe(30 * 60_000);
    expect(deadline("mira-restore-drill-mira") - DRILL_STEP_TIMEOUT_MS).toBe(30 * 60_000);
  });

  it("runs verify-backup of the latest backup as the restore drill", () => {
    const drill = cronJob(render, "mira-restore-drill-mira");
    expect(drill.spec.schedule).toBe("0 5 * * 1");
    expect(argvOf(drill)).toEqual([
      "guardia",
      "verify-backup",
      "--stack",
      "/etc/guardia/stack.yaml",
      "--database",
      "mira",
      "--backup",
      "latest",
      "--yes",
      "--json",
    ]);
    expect(drill.spec.jobTemplate.spec?.activeDeadlineSeconds).toBe(4 * HOUR);
    expect(drill.metadata?.labels?.["app.kubernetes.io/component"]).toBe("restore-drill");
  });

  it("hardens every CronJob: deadlines, history, TTL, resources, Pod Security restricted", () => {
    expect(cronJobs(render)).toHaveLength(3);
    for (const job of cronJobs(render)) expectHardenedBackupJob(job, platform);
  });

  it("gives the password from the Secret (secretKeyRef), never as a value", () => {
    for (const job of cronJobs(render)) {
      // The drill restores on its own server (restoreDrill.server) and never connects to
      // mira-pg: it gets that server's password, and not the database's.
      const [name, secret] =
        job.metadata?.name === "mira-restore-drill-mira"
          ? ["GUARDIA_SECRET_MIRA_DRILL_DB_PASSWORD", "mira-drill-db"]
          : ["GUARDIA_SECRET_MIRA_DB_PASSWORD", "mira-db"];
      const passwords = (containerOf(job).env ?? []).filter((e) => e.name.endsWith("PASSWORD"));
      expect(passwords).toEqual([
        { name, valueFrom: { secretKeyRef: { name: secret, key: "password" } } },
      ]);
      const plainValues = (containerOf(job).env ?? []).filter((e) => e.value !== undefined);
      expect(plainValues.map((e) => e.name).sort()).toEqual([
        "GUARDIA_AUDIT_STDOUT",
        "GUARDIA_OPERATOR",
        "HOME",
        "TMPDIR",
      ]);
    }
  });

  it("labels pods with the database and schedule for monitoring", () => {
    const labels = cronJob(render, "mira-backup-mira-weekly").spec.jobTemplate.spec?.template
      .metadata?.labels;
    expect(labels).toEqual({
      "app.kubernetes.io/managed-by": "guardia",
      "app.kubernetes.io/part-of": "mira",
      "app.kubernetes.io/component": "backup",
      "guardia.io/environment": "prod",
      "guardia.io/database": "mira",
      "guardia.io/schedule": "weekly",
    });
  });

  it("claims one volume for the stack and mounts it at the destination path", () => {
    const claim = onlyResource(render, PVC).inputs as unknown as IPersistentVolumeClaim;
    expect(claim.metadata?.name).toBe("mira-backups");
    expect(claim.spec).toEqual({
      accessModes: ["ReadWriteOnce"],
      resources: { requests: { storage: "200Gi" } },
    });
    const daily = cronJob(render, "mira-backup-mira-daily");
    expect(podOf(daily).volumes).toContainEqual({
      name: "backups",
      persistentVolumeClaim: { claimName: "mira-backups" },
    });
    expect(containerOf(daily).volumeMounts).toContainEqual({
      name: "backups",
      mountPath: "/backups/mira",
    });
  });

  it("mounts the backups read-only in the restore drill", () => {
    const drill = cronJob(render, "mira-restore-drill-mira");
    expect(containerOf(drill).volumeMounts).toContainEqual({
      name: "backups",
      mountPath: "/backups/mira",
      readOnly: true,
    });
  });

  it("creates no backup storage on AWS (no bucket, no role) and no role annotation", () => {
    // mira-prod still has AWS resources: the Route 53 uptime checks of its monitoring.
    expect(awsResources(render).filter((r) => /^aws:(s3|iam)\//.test(r.type))).toEqual([]);
    expect(serviceAccount(render).metadata?.annotations).toEqual({});
  });
});

const STAGING = {
  name: "shop",
  environment: "staging",
  namespace: "shop",
  databases: [
    {
      name: "orders",
      engine: "postgres",
      host: "orders-pg.shop.svc",
      database: "orders",
      user: "shop",
      passwordSecret: { name: "orders-db", key: "password" },
    },
  ],
};
const AWS = {
  region: "eu-west-1",
  oidcProviderArn:
    "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC",
};

describe("inline stacks", () => {
  it("keys an s3:// destination without prefix at <platform>/<env>/, without Object Lock", async () => {
    const render = await renderInline({
      ...STAGING,
      backups: { destination: { url: "s3://shop-backups" } },
      aws: AWS,
    });
    expect(onlyResource(render, "aws:s3/bucket:Bucket").inputs).toMatchObject({
      bucket: "shop-backups",
      objectLockEnabled: false,
      region: "eu-west-1",
    });
    expect(
      resourcesOfType(render, "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration"),
    ).toEqual([]);
    const policy = parsePolicy(onlyResource(render, "aws:iam/rolePolicy:RolePolicy").inputs.policy);
    expect(asList(policy.Statement[0]?.Resource)).toEqual([
      "arn:aws:s3:::shop-backups/shop/staging/*",
    ]);
    const { rules } = onlyResource(
      render,
      "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    ).inputs as { rules: { id: string; filter: unknown }[] };
    expect(rules.map((r) => r.id)).toEqual([
      "expire-daily",
      "expire-weekly",
      "noncurrent-versions",
      "abort-incomplete-uploads",
    ]);
    expect(rules[0]?.filter).toEqual({
      and: { prefix: "shop/staging/", tags: { "guardia-schedule": "daily" } },
    });
  });

  it("keeps displaced versions the longest keepDays, and never less than a week", async () => {
    const noncurrentDays = async (schedules: { name: string; keepDays: number }[]) => {
      const render = await renderInline({
        ...STAGING,
        backups: {
          destination: { url: "s3://shop-backups" },
          schedules: schedules.map((s) => ({ ...s, cron: "0 2 * * *" })),
        },
        aws: AWS,
      });
      const { rules } = onlyResource(
        render,
        "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
      ).inputs as { rules: { id: string; noncurrentVersionExpiration?: object }[] };
      return rules.find((r) => r.id === "noncurrent-versions")?.noncurrentVersionExpiration;
    };
    expect(
      await noncurrentDays([
        { name: "daily", keepDays: 14 },
        { name: "monthly", keepDays: 365 },
      ]),
    ).toEqual({ noncurrentDays: 365 });
    expect(await noncurrentDays([{ name: "hourly", keepDays: 2 }])).toEqual({ noncurrentDays: 7 });
  });

  it("gives a drill on its own server that server's password Secret, and backups the database's", async () => {
    const render = await renderInline({
      ...STAGING,
      backups: {
        destination: { url: "file:///srv/backups" },
        restoreDrill: {
          cron: "0 6 * * 2",
          server: {
            host: "drill-pg.shop.svc",
            user: "drill",
            passwordSecret: { name: "drill-db", key: "pw", env: "DRILL_PASSWORD" },
          },
        },
      },
    });
    const passwords = (job: ICronJob) =>
      (containerOf(job).env ?? []).filter((e) => /PASSWORD/.test(e.name));
    expect(passwords(cronJob(render, "shop-restore-drill-orders"))).toEqual([
      { name: "DRILL_PASSWORD", valueFrom: { secretKeyRef: { name: "drill-db", key: "pw" } } },
    ]);
    expect(passwords(cronJob(render, "shop-backup-orders-daily"))).toEqual([
      {
        name: "GUARDIA_SECRET_ORDERS_DB_PASSWORD",
        valueFrom: { secretKeyRef: { name: "orders-db", key: "password" } },
      },
    ]);
  });

  it("creates a CronJob per database and schedule, and a drill per database", async () => {
    const second = {
      ...STAGING.databases[0],
      name: "inventory-with-a-rather-long-name",
      passwordSecret: { name: "inventory-db", key: "pw", env: "INVENTORY_PASSWORD" },
    };
    const render = await renderInline({
      ...STAGING,
      databases: [...STAGING.databases, second],
      backups: {
        destination: { url: "file:///srv/backups", volumeSize: "20Gi", storageClass: "nfs" },
        schedules: [
          { name: "hourly", cron: "15 * * * *", keepDays: 2 },
          { name: "monthly", cron: "0 4 1 * *", keepDays: 365 },
        ],
      },
    });
    const expected = backupCronJobNames(render.stack.platform);
    expect(expected).toHaveLength(6);
    expect(
      cronJobs(render)
        .map((j) => j.metadata?.name)
        .sort(),
    ).toEqual(expected.map((e) => e.cronJob).sort());
    for (const name of expected.map((e) => e.cronJob)) expect(name.length).toBeLessThanOrEqual(52);
    const hourly = expected.find((e) => e.schedule === "hourly" && e.database === "orders");
    expect(hourly?.maxIntervalSeconds).toBe(HOUR);
    const longJob = cronJob(render, expected.find((e) => e.database === second.name)!.cronJob);
    expect(envOf(longJob).INVENTORY_PASSWORD).toEqual({
      secretKeyRef: { name: "inventory-db", key: "pw" },
    });
    expect(onlyResource(render, PVC).inputs).toMatchObject({
      metadata: { name: "shop-backups" },
      spec: { storageClassName: "nfs", resources: { requests: { storage: "20Gi" } } },
    });
  });

  it("creates no backup objects for a stack without backups", async () => {
    const render = await renderInline({ ...STAGING, environment: "dev" });
    expect(cronJobs(render)).toEqual([]);
    expect(resourcesOfType(render, PVC)).toEqual([]);
    expect(awsResources(render)).toEqual([]);
  });

  it("refuses a kubernetes stack whose database has no passwordSecret, naming the field", async () => {
    const withoutSecret = { ...STAGING.databases[0], passwordSecret: undefined };
    const stack = {
      ...STAGING,
      databases: [withoutSecret],
      backups: { destination: { url: "file:///b" } },
    };
    const error = await renderInline(stack).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(StackError);
    expect((error as StackError).problems).toEqual([
      expect.objectContaining({
        path: "guardia:platform.databases[0].passwordSecret",
        message:
          'required when runtime is kubernetes and backups are configured: the backup CronJobs of "orders" read the password from this Secret',
      }),
    ]);
    // A laptop stack takes PGPASSWORD instead.
    await expect(renderInline({ ...stack, runtime: "local" })).resolves.toBeDefined();
  });
});

describe("storage and names", () => {
  const platform = loadStack("mira-prod").platform;

  it("keeps the claim and the bucket when the stack is destroyed (retainOnDelete)", async () => {
    const logistica = loadStack("logistica-prod").platform;
    const retained: string[] = [];
    // Transformations see every child's resource options, which the mock engine does not record.
    const record: pulumi.ResourceTransformation = (args) => {
      if (args.opts.retainOnDelete) retained.push(args.type);
      return undefined;
    };
    await runWithFakePulumiEngine({
      project: "guardia",
      stack: "test",
      config: {},
      program: () =>
        [platform, logistica].map(
          (p) =>
            new BackupStorage(
              p.name,
              { platform: p, backups: p.backups! },
              {
                transformations: [record],
              },
            ),
        ),
    });
    expect(retained.sort()).toEqual([
      "aws:s3/bucket:Bucket",
      "kubernetes:core/v1:PersistentVolumeClaim",
    ]);
  });

  it("takes the issuer from an OIDC provider ARN (the model checked its form)", () => {
    expect(oidcIssuer("arn:aws:iam::123456789012:oidc-provider/oidc.example/id/1")).toBe(
      "oidc.example/id/1",
    );
  });

  it("builds the key prefix of the backup layout", () => {
    expect(stackKeyPrefix(platform, "")).toBe("mira/prod/");
    expect(stackKeyPrefix(platform, "db/x")).toBe("db/x/mira/prod/");
  });
});

describe("every example stack", () => {
  const stacks = readdirSync("stacks")
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined);

  it("finds the examples", () => {
    expect(stacks.length).toBeGreaterThanOrEqual(10);
  });

  it.each(stacks)("%s renders valid objects with its backup CronJobs", async (stack) => {
    const render = await renderStack(stack);
    const { platform } = render.stack;
    const expected = platform.runtime === "kubernetes" ? backupCronJobNames(platform) : [];
    expect(cronJobs(render).length).toBe(expected.length);
    expect(resourcesOfType(render, CRONJOB).length).toBeGreaterThanOrEqual(expected.length);
    if (platform.runtime === "kubernetes" && platform.backups)
      expect(expected.length).toBeGreaterThan(0);
  });
});
