import { beforeAll, describe, expect, it } from "vitest";
import { IRSA_ROLE_ANNOTATION } from "../../infra/backup/index.js";
import { backupCronJobNames } from "../../lib/backup/job-names.js";
import { SCHEDULE_TAG } from "../../lib/backup/layout.js";
import { composeStack } from "../../infra/stack.js";
import { runWithFakePulumiEngine } from "../../lib/render/fake-pulumi-engine.js";
import { renderStack, type Render } from "../../lib/render/render.js";
import {
  asList,
  awsResources,
  containerOf,
  cronJob,
  dangerousGrants,
  onlyResource,
  parsePolicy,
  podOf,
  resourcesOfType,
} from "./helpers.js";
import { cronJobs, expectHardenedBackupJob, PVC, serviceAccount } from "./backup-expectations.js";

/** The backup infrastructure of s3:// destinations: the bucket, its policies and the IRSA role. */

describe("logistica-prod: s3:// on AWS with Object Lock", () => {
  let render: Render;
  beforeAll(async () => {
    render = await renderStack("logistica-prod");
  });
  const inputs = (type: string) => onlyResource(render, type).inputs;

  it("creates the bucket named in the URL, with Object Lock enabled", () => {
    expect(inputs("aws:s3/bucket:Bucket")).toMatchObject({
      bucket: "logistica-backups-prod",
      objectLockEnabled: true,
      region: "us-east-1",
    });
  });

  it("versions, encrypts and closes the bucket to the public", () => {
    expect(inputs("aws:s3/bucketVersioning:BucketVersioning")).toMatchObject({
      bucket: "logistica-backups-prod",
      versioningConfiguration: { status: "Enabled" },
    });
    expect(
      inputs(
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      ),
    ).toMatchObject({
      rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
    });
    expect(inputs("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")).toMatchObject({
      bucket: "logistica-backups-prod",
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
  });

  it("denies every request without TLS in the bucket policy", () => {
    const policy = parsePolicy(inputs("aws:s3/bucketPolicy:BucketPolicy").policy);
    expect(policy.Statement).toEqual([
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: ["arn:aws:s3:::logistica-backups-prod", "arn:aws:s3:::logistica-backups-prod/*"],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ]);
  });

  it("expires each schedule's backups after keepDays, selected by prefix and schedule tag", () => {
    const { rules } = inputs("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration");
    expect(rules).toEqual([
      {
        id: "expire-daily",
        status: "Enabled",
        filter: { and: { prefix: "db/logistica/prod/", tags: { [SCHEDULE_TAG]: "daily" } } },
        expiration: { days: 30 },
      },
      {
        id: "expire-weekly",
        status: "Enabled",
        filter: { and: { prefix: "db/logistica/prod/", tags: { [SCHEDULE_TAG]: "weekly" } } },
        expiration: { days: 90 },
      },
      {
        id: "noncurrent-versions",
        status: "Enabled",
        filter: { prefix: "db/logistica/prod/" },
        // The longest keepDays: a weekly backup overwritten or retagged "daily" by the job's
        // role stays recoverable, as a noncurrent version, for its whole 90 days.
        noncurrentVersionExpiration: { noncurrentDays: 90 },
        expiration: { expiredObjectDeleteMarker: true },
      },
      {
        id: "abort-incomplete-uploads",
        status: "Enabled",
        filter: { prefix: "db/logistica/prod/" },
        abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
      },
    ]);
    expect(SCHEDULE_TAG).toBe("guardia-schedule");
  });

  it("locks objects in governance mode for the stack's days", () => {
    expect(
      inputs("aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration").rule,
    ).toEqual({ defaultRetention: { mode: "GOVERNANCE", days: 7 } });
  });

  it("lets only the stack's job ServiceAccount assume the role, through the OIDC provider", () => {
    const role = inputs("aws:iam/role:Role");
    expect(role.name).toBe("logistica-prod-guardia-backup");
    const issuer = "oidc.eks.us-east-1.amazonaws.com/id/5C3D2E1F0A9B8C7D6E5F4A3B2C1D0E9F";
    expect(parsePolicy(role.assumeRolePolicy).Statement).toEqual([
      {
        Sid: "JobServiceAccount",
        Effect: "Allow",
        Principal: { Federated: `arn:aws:iam::444455556666:oidc-provider/${issuer}` },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: {
            [`${issuer}:sub`]: "system:serviceaccount:logistica:logistica-guardia",
            [`${issuer}:aud`]: "sts.amazonaws.com",
          },
        },
      },
    ]);
  });

  it("grants put, tag, get and list under the stack's prefix only: no delete, no wildcard", () => {
    const rolePolicy = inputs("aws:iam/rolePolicy:RolePolicy");
    expect(rolePolicy.role).toBe("logistica-prod-guardia-backup");
    const policy = parsePolicy(rolePolicy.policy);
    expect(dangerousGrants(policy)).toEqual([]);
    const actions = policy.Statement.flatMap((s) => asList(s.Action));
    expect(actions.sort()).toEqual([
      "s3:AbortMultipartUpload",
      "s3:GetObject",
      "s3:ListBucket",
      "s3:ListBucketMultipartUploads",
      "s3:ListMultipartUploadParts",
      "s3:PutObject",
      "s3:PutObjectTagging",
    ]);
    expect(policy.Statement.every((s) => s.Effect === "Allow")).toBe(true);
    const [objects, list] = policy.Statement;
    expect(asList(objects?.Resource)).toEqual([
      "arn:aws:s3:::logistica-backups-prod/db/logistica/prod/*",
    ]);
    expect(list).toMatchObject({
      Action: "s3:ListBucket",
      Resource: "arn:aws:s3:::logistica-backups-prod",
      Condition: { StringLike: { "s3:prefix": ["db/logistica/prod/*"] } },
    });
  });

  it("exports the CronJob names, the bucket and the role as stack outputs", async () => {
    const { platform, input } = render.stack;
    const run = await runWithFakePulumiEngine({
      project: "guardia",
      stack: "logistica-prod",
      config: {},
      program: () => composeStack(platform, input),
    });
    expect(run.outputs).toMatchObject({
      backupCronJobs: backupCronJobNames(platform).map((j) => j.cronJob),
      backupBucket: "logistica-backups-prod",
      backupRoleArn: "arn:aws:iam::000000000000:role/logistica-prod-guardia-backup",
    });
  });

  it("annotates the job ServiceAccount with the role (IRSA)", () => {
    expect(serviceAccount(render).metadata?.annotations).toEqual({
      [IRSA_ROLE_ANNOTATION]: "arn:aws:iam::000000000000:role/logistica-prod-guardia-backup",
    });
  });

  it("runs hardened CronJobs with no volume or static credentials for the destination", () => {
    expect(
      cronJobs(render)
        .map((j) => j.metadata?.name)
        .sort(),
    ).toEqual([
      "logistica-backup-logistica-daily",
      "logistica-backup-logistica-weekly",
      "logistica-restore-drill-logistica",
    ]);
    for (const job of cronJobs(render)) {
      expectHardenedBackupJob(job, render.stack.platform);
      expect(containerOf(job).envFrom).toBeUndefined();
      expect(podOf(job).volumes?.map((v) => v.name)).toEqual(["stack", "scratch"]);
    }
    expect(resourcesOfType(render, PVC)).toEqual([]);
  });
});

describe("logistica-dev: S3-compatible endpoint", () => {
  let render: Render;
  beforeAll(async () => {
    render = await renderStack("logistica-dev");
  });

  it("creates no bucket and no role: the store is not AWS", () => {
    expect(awsResources(render)).toEqual([]);
    expect(serviceAccount(render).metadata?.annotations).toEqual({});
    expect(resourcesOfType(render, PVC)).toEqual([]);
  });

  it("gives the jobs the store's credentials from credentialsSecret", () => {
    const daily = cronJob(render, "logistica-backup-logistica-daily");
    expect(containerOf(daily).envFrom).toEqual([{ secretRef: { name: "logistica-minio" } }]);
    expectHardenedBackupJob(daily, render.stack.platform);
  });

  it("has no restore drill in dev, where the defaults turn it off", () => {
    expect(cronJobs(render).map((j) => j.metadata?.name)).toEqual([
      "logistica-backup-logistica-daily",
    ]);
  });
});
