import { beforeAll, describe, expect, it } from "vitest";
import { SCHEDULE_TAG } from "../../lib/backup/layout.js";
import { collectionsExportJob } from "../../lib/jobs.js";
import { renderStack, type Render } from "../../lib/render/render.js";
import {
  argvOf,
  containerOf,
  cronJob,
  cronJobs,
  envOf,
  onlyResource,
  podOf,
  renderInline,
} from "./helpers.js";

/**
 * The scheduled NocoBase collections export (MIRA operations guide, Backups Diarios): a guardia
 * CronJob beside the database backups, writing to the same destination.
 */

const COMPONENT = "app.kubernetes.io/component";

describe("mira-prod: the daily collections export", () => {
  let render: Render;
  beforeAll(async () => {
    render = await renderStack("mira-prod");
  });

  it("runs export-collections at 02:00 in the stack's time zone, like the guide's cron", () => {
    const job = cronJob(render, "mira-export-collections");
    expect(job.metadata?.labels?.[COMPONENT]).toBe("collections-export");
    expect(job.spec).toMatchObject({
      schedule: "0 2 * * *",
      timeZone: "America/Santiago",
      concurrencyPolicy: "Forbid",
    });
    expect(argvOf(job)).toEqual(["guardia", ...collectionsExportJob(render.stack.platform).args]);
    expect(argvOf(job)).toEqual([
      ...["guardia", "export-collections", "--stack", "/etc/guardia/stack.yaml"],
      ...["--schedule", "scheduled", "--yes", "--json"],
    ]);
  });

  it("gets the API key from its Secret in the environment and writes to the backup volume", () => {
    const job = cronJob(render, "mira-export-collections");
    const token = containerOf(job).env?.find((e) => e.name === "GUARDIA_SECRET_NOCOBASE_API_TOKEN");
    expect(token?.valueFrom).toEqual({ secretKeyRef: { name: "nocobase-api", key: "token" } });
    expect(envOf(job)).toMatchObject({ GUARDIA_OPERATOR: "cronjob/mira-export-collections" });
    expect(containerOf(job).volumeMounts).toContainEqual({
      name: "backups",
      mountPath: "/backups/mira",
    });
    expect(podOf(job).volumes).toContainEqual({
      name: "backups",
      persistentVolumeClaim: { claimName: "mira-backups" },
    });
    expect(podOf(job).automountServiceAccountToken).toBe(false);
    expect(containerOf(job).securityContext).toMatchObject({ readOnlyRootFilesystem: true });
  });
});

const SHOP = {
  name: "shop",
  environment: "staging",
  namespace: "shop",
  databases: [
    {
      name: "shop",
      engine: "postgres",
      host: "shop-pg.shop.svc",
      database: "shop",
      user: "shop",
      passwordSecret: { name: "shop-db", key: "password" },
    },
  ],
};
const COLLECTIONS = {
  apiUrl: "http://nocobase.shop.svc:13000/api",
  tokenSecret: { name: "nocobase-api", key: "token" },
  database: "shop",
};
const exportJobs = (render: Render) =>
  cronJobs(render).filter((j) => j.metadata?.labels?.[COMPONENT] === "collections-export");

describe("inline stacks", () => {
  it("expires exports on S3 by their own tag, which no backup schedule's rule matches", async () => {
    const render = await renderInline({
      ...SHOP,
      backups: { destination: { url: "s3://shop-backups" } },
      collections: { ...COLLECTIONS, export: { keepDays: 120 } },
      aws: {
        region: "eu-west-1",
        oidcProviderArn:
          "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC",
      },
    });
    expect(exportJobs(render).map((j) => j.spec.schedule)).toEqual(["0 2 * * *"]);
    const { rules } = onlyResource(
      render,
      "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    ).inputs as { rules: Record<string, unknown>[] };
    expect(rules).toContainEqual({
      id: "expire-collections",
      status: "Enabled",
      filter: {
        and: { prefix: "shop/staging/", tags: { [SCHEDULE_TAG]: "collections:scheduled" } },
      },
      expiration: { days: 120 },
    });
    // A displaced export version stays as long as the longest retention.
    expect(rules.find((r) => r.id === "noncurrent-versions")).toMatchObject({
      noncurrentVersionExpiration: { noncurrentDays: 120 },
    });
  });

  it("gives an S3-compatible store's credentials to the export job", async () => {
    const render = await renderInline({
      ...SHOP,
      backups: {
        destination: {
          url: "s3://shop-backups",
          endpoint: "https://minio.shop.svc:9000",
          credentialsSecret: "minio-credentials",
        },
      },
      collections: COLLECTIONS,
    });
    const [job] = exportJobs(render);
    expect(containerOf(job!).envFrom).toEqual([{ secretRef: { name: "minio-credentials" } }]);
  });

  it("creates no export job when it is turned off, or there is no backup destination", async () => {
    const off = await renderInline({
      ...SHOP,
      backups: { destination: { url: "file:///backups/shop" } },
      collections: { ...COLLECTIONS, export: null },
    });
    expect(exportJobs(off)).toEqual([]);
    const nowhere = await renderInline({ ...SHOP, environment: "dev", collections: COLLECTIONS });
    expect(exportJobs(nowhere)).toEqual([]);
  });
});
