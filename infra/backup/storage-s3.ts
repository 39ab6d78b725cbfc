import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { BackupSchedule, Destination, Platform } from "../../lib/model/index.js";
import { backupRoleName, stackKeyPrefix } from "../../lib/backup/job-names.js";
import { SCHEDULE_TAG } from "../../lib/backup/layout.js";
import { awsTags, jobServiceAccountName } from "../../lib/naming.js";
import { EXPORT_SCHEDULE, exportTag } from "../../lib/nocobase/export-store.js";

/**
 * The AWS side of an s3:// destination: a bucket that keeps backups safe from the outside world
 * and from the jobs that write them, and an IRSA role that lets the job ServiceAccount add
 * backups under the stack's prefix and read them back, but never delete a version of one.
 */

/** What is needed to build the bucket and the role; only plain values, so policies are plain JSON. */
export interface S3BackupTarget {
  readonly bucket: string;
  /** `<prefix>/<platform>/<env>/`, with a trailing slash. */
  readonly keyPrefix: string;
  readonly region: string | undefined;
  readonly objectLockDays: number | undefined;
  readonly schedules: readonly BackupSchedule[];
  /** keepDays of the scheduled NocoBase collections export, when the stack has one. */
  readonly collectionsExportDays: number | undefined;
  /** The EKS cluster's IAM OIDC provider. */
  readonly oidcProviderArn: string;
  readonly namespace: string;
  readonly serviceAccount: string;
  readonly roleName: string;
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * The target of an s3:// destination on AWS (no `endpoint`). The model requires the cluster's
 * OIDC provider for those (lib/model/checks.ts, `s3OnAwsRules`).
 */
export function s3BackupTarget(
  platform: Platform,
  destination: Extract<Destination, { kind: "s3" }>,
): S3BackupTarget {
  return {
    bucket: destination.bucket,
    keyPrefix: stackKeyPrefix(platform, destination.prefix),
    region: destination.region,
    objectLockDays: destination.objectLockDays,
    schedules: platform.backups?.schedules ?? [],
    collectionsExportDays: platform.collections?.export?.keepDays,
    oidcProviderArn: platform.aws!.oidcProviderArn!,
    namespace: platform.namespace,
    serviceAccount: jobServiceAccountName(platform),
    roleName: backupRoleName(platform),
    tags: awsTags(platform),
  };
}

export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: "Allow" | "Deny";
  readonly Principal?: "*" | { readonly Federated: string };
  readonly Action: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | string[]>>>>;
}

export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: readonly PolicyStatement[];
}

export const bucketArn = (bucket: string) => `arn:aws:s3:::${bucket}`;

/** Refuses every request to the bucket that does not come over TLS. */
export function tlsOnlyBucketPolicy(bucket: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [bucketArn(bucket), `${bucketArn(bucket)}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ],
  };
}

/**
 * What backup-db and verify-backup need and nothing more: write and tag objects (the schedule
 * tag drives expiry), read them, finish or abandon multipart uploads (also those of runs that
 * died), and list keys under the stack's prefix. GetObjectTagging is left out: runbooks read the schedule from manifest.json.
 *
 * What a stolen token can and cannot do: it cannot delete any object version (no DeleteObject,
 * DeleteObjectVersion, PutObjectVersionTagging, PutLifecycleConfiguration or PutBucket*), nor
 * touch other stacks' prefixes. It can overwrite a backup's objects (PutObject) and retag them
 * (PutObjectTagging: a weekly backup tagged daily expires at 30 days), which hides or ends the
 * current version early; versioning keeps the displaced version, and `noncurrentVersionDays`
 * keeps it for at least the longest keepDays, so every backup stays recoverable (by an
 * administrator, from its noncurrent version) for its whole retention.
 */
export function backupAccessPolicy(target: S3BackupTarget): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "BackupObjectsUnderStackPrefix",
        Effect: "Allow",
        Action: [
          "s3:PutObject",
          "s3:PutObjectTagging",
          "s3:GetObject",
          "s3:AbortMultipartUpload",
          "s3:ListMultipartUploadParts",
        ],
        Resource: `${bucketArn(target.bucket)}/${target.keyPrefix}*`,
      },
      {
        Sid: "ListStackPrefix",
        Effect: "Allow",
        Action: "s3:ListBucket",
        Resource: bucketArn(target.bucket),
        Condition: { StringLike: { "s3:prefix": [`${target.keyPrefix}*`] } },
      },
      {
        // backup-db aborts the uploads of runs that died (ListMultipartUploads takes no prefix
        // condition; AbortMultipartUpload above is limited to the stack's prefix).
        Sid: "ListOpenUploads",
        Effect: "Allow",
        Action: "s3:ListBucketMultipartUploads",
        Resource: bucketArn(target.bucket),
      },
    ],
  };
}

/** IRSA: only the stack's job ServiceAccount, through the cluster's OIDC provider, for STS. */
export function irsaTrustPolicy(target: S3BackupTarget): PolicyDocument {
  const issuer = oidcIssuer(target.oidcProviderArn);
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "JobServiceAccount",
        Effect: "Allow",
        Principal: { Federated: target.oidcProviderArn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: {
            [`${issuer}:sub`]: `system:serviceaccount:${target.namespace}:${target.serviceAccount}`,
            [`${issuer}:aud`]: "sts.amazonaws.com",
          },
        },
      },
    ],
  };
}

/** "arn:aws:iam::1234:oidc-provider/oidc.eks.../id/AB" → "oidc.eks.../id/AB" (the model checked the form). */
export function oidcIssuer(providerArn: string): string {
  return providerArn.slice(providerArn.indexOf(OIDC_PROVIDER) + OIDC_PROVIDER.length);
}

const OIDC_PROVIDER = ":oidc-provider/";

/** The least time a displaced version is kept: a week to notice an overwrite and recover. */
export const MIN_NONCURRENT_VERSION_DAYS = 7;

/**
 * How long a version stays after it stopped being current (overwritten, or expired into a delete
 * marker): the longest keepDays of the stack's schedules, at least a week. One value for every
 * schedule, not each schedule's own: the job role can retag an object, and a version displaced by
 * a retag would then expire by the forged tag's shorter days. Counted from when the version was
 * displaced, so an overwritten or early-expired backup is recoverable for its whole retention;
 * the price is that every expired backup is stored that much longer.
 */
export function noncurrentVersionDays(schedules: readonly Pick<BackupSchedule, "keepDays">[]) {
  return Math.max(MIN_NONCURRENT_VERSION_DAYS, ...schedules.map((s) => s.keepDays));
}
/** An upload unfinished after a day belongs to a run that died; its parts only cost money. */
export const ABORT_INCOMPLETE_UPLOAD_DAYS = 1;

type LifecycleRule = aws.types.input.s3.BucketLifecycleConfigurationRule;

/**
 * What expires by tag: each backup schedule, and the NocoBase collections exports of the
 * export-collections CronJob (tagged so no schedule's rule can match them).
 */
function retainedSets(target: S3BackupTarget): { name: string; tag: string; keepDays: number }[] {
  return [
    ...target.schedules.map((s) => ({ name: s.name, tag: s.name, keepDays: s.keepDays })),
    ...(target.collectionsExportDays === undefined
      ? []
      : [
          {
            name: "collections",
            tag: exportTag(EXPORT_SCHEDULE),
            keepDays: target.collectionsExportDays,
          },
        ]),
  ];
}

/**
 * One expiry rule per schedule. Keys end in `<database>/<YYYYMMDDTHHMMSSZ>-<schedule>/...`, so
 * the schedule is not part of any key prefix; the rules select the stack's prefix AND the
 * object tag `guardia-schedule=<schedule>` that the backup writer puts on every object.
 */
export function lifecycleRules(target: S3BackupTarget): LifecycleRule[] {
  const prefix = target.keyPrefix;
  const retained = retainedSets(target);
  return [
    ...retained.map((set): LifecycleRule => ({
      id: `expire-${set.name}`,
      status: "Enabled",
      filter: { and: { prefix, tags: { [SCHEDULE_TAG]: set.tag } } },
      expiration: { days: set.keepDays },
    })),
    {
      // Versioning turns an expiry into a delete marker over a noncurrent version; this removes
      // that version later, and the marker once nothing is left under it.
      id: "noncurrent-versions",
      status: "Enabled",
      filter: { prefix },
      noncurrentVersionExpiration: { noncurrentDays: noncurrentVersionDays(retained) },
      expiration: { expiredObjectDeleteMarker: true },
    },
    {
      id: "abort-incomplete-uploads",
      status: "Enabled",
      filter: { prefix },
      abortIncompleteMultipartUpload: { daysAfterInitiation: ABORT_INCOMPLETE_UPLOAD_DAYS },
    },
  ];
}

/**
 * The bucket and its settings. The bucket survives `pulumi destroy` (retainOnDelete): removing a
 * stack must never remove its backups; a later `pulumi up` imports it again.
 */
export function createBackupBucket(
  name: string,
  target: S3BackupTarget,
  parent: pulumi.Resource,
): aws.s3.Bucket {
  const region = target.region;
  const bucket = new aws.s3.Bucket(
    name,
    {
      bucket: target.bucket,
      region,
      // Object Lock can only be switched on when the bucket is created.
      objectLockEnabled: target.objectLockDays !== undefined,
      tags: target.tags,
    },
    { parent, retainOnDelete: true },
  );
  const ref = { bucket: bucket.bucket, region };
  keepVersions(name, target, ref, parent);
  shutOutsiders(name, target, ref, parent);
  return bucket;
}

type BucketRef = { readonly bucket: pulumi.Output<string>; readonly region: string | undefined };

/** Versioning, expiry per schedule, and Object Lock when the stack asks for it. */
function keepVersions(
  name: string,
  target: S3BackupTarget,
  ref: BucketRef,
  parent: pulumi.Resource,
): void {
  const versioning = new aws.s3.BucketVersioning(
    `${name}-versioning`,
    { ...ref, versioningConfiguration: { status: "Enabled" } },
    { parent },
  );
  new aws.s3.BucketLifecycleConfiguration(
    `${name}-lifecycle`,
    { ...ref, rules: lifecycleRules(target) },
    { parent, dependsOn: [versioning] },
  );
  if (target.objectLockDays !== undefined) {
    new aws.s3.BucketObjectLockConfiguration(
      `${name}-object-lock`,
      // Governance mode: nobody deletes a locked version by accident or with the jobs' role, yet
      // an administrator with s3:BypassGovernanceRetention still can; compliance mode would
      // leave a mistaken lock in place even for the account's root user.
      { ...ref, rule: { defaultRetention: { mode: "GOVERNANCE", days: target.objectLockDays } } },
      { parent, dependsOn: [versioning] },
    );
  }
}

/** Encryption at rest, no public access, TLS only. */
function shutOutsiders(
  name: string,
  target: S3BackupTarget,
  ref: BucketRef,
  parent: pulumi.Resource,
): void {
  new aws.s3.BucketServerSideEncryptionConfiguration(
    `${name}-encryption`,
    // SSE-S3: encrypted at rest with no KMS key to manage and no kms:* grant for the role.
    { ...ref, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
    { parent },
  );
  const publicAccess = new aws.s3.BucketPublicAccessBlock(
    `${name}-public-access`,
    {
      ...ref,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    },
    { parent },
  );
  // S3 rejects concurrent changes to one bucket's policy and public access block.
  new aws.s3.BucketPolicy(
    `${name}-policy`,
    { ...ref, policy: JSON.stringify(tlsOnlyBucketPolicy(target.bucket)) },
    { parent, dependsOn: [publicAccess] },
  );
}

/** The IRSA role of the job ServiceAccount, with `backupAccessPolicy` as its only permissions. */
export function createBackupRole(
  name: string,
  target: S3BackupTarget,
  parent: pulumi.Resource,
): aws.iam.Role {
  const role = new aws.iam.Role(
    name,
    {
      name: target.roleName,
      description: `guardia backup jobs of ${target.namespace}: objects under s3://${target.bucket}/${target.keyPrefix}`,
      assumeRolePolicy: JSON.stringify(irsaTrustPolicy(target)),
      tags: target.tags,
    },
    { parent },
  );
  new aws.iam.RolePolicy(
    `${name}-policy`,
    {
      name: "guardia-backup-objects",
      role: role.name,
      policy: JSON.stringify(backupAccessPolicy(target)),
    },
    { parent },
  );
  return role;
}
