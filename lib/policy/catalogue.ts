/**
 * guardia's policy: every rule with its id, severity, what it asks and how to fix a violation.
 * Pure data, so the model can check a waiver's rule id without loading the rules themselves.
 * `guardia render`, `guardia policy`, `guardia diff` and the CrossGuard pack in policy-pack/ all
 * read this one list.
 */

/** Pulumi CrossGuard's severities, so the pack reports the same level the CLI prints. */
export type Severity = "critical" | "high" | "medium" | "low";

export interface RuleInfo {
  readonly severity: Severity;
  /** What the rule asks, in one line. */
  readonly title: string;
  /** How to fix a violation. */
  readonly fix: string;
}

export const RULES = {
  "pod-restricted": {
    severity: "high",
    title: 'Every pod meets the Kubernetes "restricted" Pod Security Standard',
    fix: "use the contexts of infra/pod-security.ts: runAsNonRoot, allowPrivilegeEscalation false, capabilities drop ALL, seccomp RuntimeDefault, no host namespaces, ports or paths",
  },
  "pod-resources": {
    severity: "medium",
    title: "Every container has CPU and memory requests and limits",
    fix: "set resources.requests and resources.limits (cpu and memory) on the container",
  },
  "image-pinned": {
    severity: "high",
    title: "Every image is pinned by tag or digest, never `latest`",
    fix: "name a version tag (…:1.4.2) or a digest (…@sha256:…); for guardia's jobs set `jobs.image` in the stack",
  },
  "bucket-public-access-blocked": {
    severity: "critical",
    title: "The backup bucket blocks every kind of public access",
    fix: "give the bucket a BucketPublicAccessBlock with blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets all true",
  },
  "bucket-encrypted": {
    severity: "high",
    title: "The backup bucket encrypts objects at rest",
    fix: "give the bucket a BucketServerSideEncryptionConfiguration (AES256 or aws:kms)",
  },
  "bucket-tls-only": {
    severity: "high",
    title: "The backup bucket refuses requests that do not use TLS",
    fix: 'give the bucket a policy that denies s3:* when aws:SecureTransport is "false", on the bucket and its objects',
  },
  "bucket-versioning": {
    severity: "high",
    title: "The backup bucket keeps versions, so an overwritten backup can be recovered",
    fix: "give the bucket a BucketVersioning with status Enabled",
  },
  "bucket-object-lock-prod": {
    severity: "high",
    title: "A prod backup bucket has Object Lock, so nobody deletes a backup before it expires",
    fix: "set `backups.destination.objectLock.days` (at most the shortest keepDays) in the stack; Object Lock can only be enabled when the bucket is created",
  },
  "iam-backup-role-scope": {
    severity: "critical",
    title:
      "The backup job's role puts, gets and lists under its stack's prefix only, and never deletes",
    fix: "allow only s3:PutObject, s3:PutObjectTagging, s3:GetObject, s3:AbortMultipartUpload and s3:ListMultipartUploadParts on <bucket>/<prefix>*, s3:ListBucket with an s3:prefix condition, and s3:ListBucketMultipartUploads on the bucket",
  },
  "iam-no-wildcard": {
    severity: "critical",
    title: "No IAM statement allows a `*` action or a `*` resource",
    fix: "name each action (s3:GetObject) and each resource ARN the statement needs",
  },
  "no-plaintext-secret": {
    severity: "critical",
    title:
      "No secret value in a ConfigMap, an env value, an annotation or an argument (known token shapes, high-entropy strings)",
    fix: "keep the value in a Kubernetes Secret and reference it (env valueFrom.secretKeyRef, a mounted Secret, a Secret reference in the stack)",
  },
  "receiver-secret-by-reference": {
    severity: "critical",
    title: "Alertmanager receivers read URLs, keys and passwords from files, never inline",
    fix: "use the `*_file` field (webhook_url_file, url_file, auth_password_file…) pointing at a mounted Secret; in the stack, a Secret reference",
  },
  "prod-backup-retention": {
    severity: "critical",
    title:
      "Every prod database has a daily backup kept at least 30 days and a weekly one kept at least 90 days (INATrace operations manual, 4.1 Política General; MIRA operations guide, Backup y Recovery, Política de Backup)",
    fix: "add schedules to `backups.schedules`, e.g. { name: daily, cron: 0 2 * * *, keepDays: 30 } and { name: weekly, cron: 0 3 * * 0, keepDays: 90 }",
  },
  "prod-restore-drill": {
    severity: "high",
    title:
      "Every prod database has a scheduled restore drill (INATrace operations manual, 4.3 Pruebas de Restauración)",
    fix: "set `backups.restoreDrill` (e.g. { cron: 0 5 * * 1 }); prod may not set it to null",
  },
  "prod-service-probe": {
    severity: "high",
    title: "Every prod service has a health probe",
    fix: "give the service a `health` URL; the blackbox exporter then probes it",
  },
  "prod-service-slo": {
    severity: "medium",
    title: "Every prod service has SLO alerts (error budget burn)",
    fix: "give the service a `health` URL (and an `slo` when the defaults do not fit): the burn-rate alerts are computed from its probes",
  },
  "alert-contract": {
    severity: "high",
    title:
      "Every alert carries the contract labels (priority, severity, platform, environment, namespace) and annotations (summary, description, runbook_url, guardia_command)",
    fix: "build the alert through lib/monitoring/catalogue.ts, which adds the contract's labels and annotations",
  },
  "alert-runbook-url": {
    severity: "medium",
    title: "Every alert's runbook_url names a guardia runbook whose page exists",
    fix: "point runbook_url at docs/runbooks/<runbook>.md of a runbook guardia has (the default `monitoring.runbookBaseUrl`), or publish that page under your own base URL",
  },
  "waiver-expired": {
    severity: "high",
    title: "Every waiver in a stack file is within its expiry date",
    fix: "fix what the waiver covers and delete the waiver, or renew it with a new `expires` after review",
  },
} as const satisfies Record<string, RuleInfo>;

export type RuleId = keyof typeof RULES;

export const RULE_IDS = Object.keys(RULES) as RuleId[];

/** Rules a waiver may not cover: waiving them would hide the waivers themselves. */
export const UNWAIVABLE: readonly RuleId[] = ["waiver-expired"];

export function isRuleId(id: string): id is RuleId {
  return Object.hasOwn(RULES, id);
}
