import { stackKeyPrefix } from "../../backup/job-names.js";
import { asArray, isRecord, type Finding, type PolicyFile, type PolicyInput } from "../input.js";

/**
 * The AWS side of backups: what the bucket must have (public access blocked, encryption, a
 * TLS-only policy, versioning, Object Lock in prod) and what the job role may do (objects under
 * its stack's prefix, never a delete), plus no `*` in any IAM statement that allows something.
 */

type Record_ = Record<string, unknown>;

function inputsOf(file: PolicyFile): Record_ {
  return isRecord(file.content.inputs) ? file.content.inputs : {};
}

const isBucket = (f: PolicyFile) => /^aws:s3\/bucket(V2)?:Bucket(V2)?$/.test(f.type);

interface BucketRef {
  readonly file: PolicyFile;
  readonly name: string;
  /** The bucket's settings resources (aws:s3/bucketVersioning:..., ...), matched by bucket name. */
  readonly settings: readonly PolicyFile[];
}

function buckets(input: PolicyInput): BucketRef[] {
  return input.files.filter(isBucket).map((file) => {
    const name = String(inputsOf(file).bucket ?? file.content.name);
    const settings = input.files.filter(
      (f) => f !== file && f.type.startsWith("aws:s3/") && inputsOf(f).bucket === name,
    );
    return { file, name, settings };
  });
}

function setting(bucket: BucketRef, kind: string): Record_ | undefined {
  const file = bucket.settings.find((f) => f.type.split(":")[1]?.startsWith(`s3/${kind}`));
  return file && inputsOf(file);
}

function bucketFinding(rule: Finding["rule"], bucket: BucketRef, message: string): Finding {
  return {
    rule,
    resource: bucket.file.resource,
    field: "inputs",
    message: `bucket ${bucket.name} ${message}`,
  };
}

export function bucketPublicAccessBlocked(input: PolicyInput): Finding[] {
  const flags = [
    "blockPublicAcls",
    "blockPublicPolicy",
    "ignorePublicAcls",
    "restrictPublicBuckets",
  ];
  return buckets(input).flatMap((bucket) => {
    const block = setting(bucket, "bucketPublicAccessBlock");
    const open = flags.filter((flag) => block?.[flag] !== true);
    if (open.length === 0) return [];
    const what = block ? `leaves ${open.join(", ")} off` : "has no public access block";
    return [bucketFinding("bucket-public-access-blocked", bucket, what)];
  });
}

export function bucketEncrypted(input: PolicyInput): Finding[] {
  return buckets(input).flatMap((bucket) => {
    const config = setting(bucket, "bucketServerSideEncryptionConfiguration");
    const algorithms = asArray(config?.rules)
      .filter(isRecord)
      .map((r) => (r.applyServerSideEncryptionByDefault as Record_ | undefined)?.sseAlgorithm);
    const encrypted = algorithms.some((a) => a === "AES256" || String(a).startsWith("aws:kms"));
    return encrypted
      ? []
      : [bucketFinding("bucket-encrypted", bucket, "has no default encryption")];
  });
}

export function bucketVersioning(input: PolicyInput): Finding[] {
  return buckets(input).flatMap((bucket) => {
    const config = setting(bucket, "bucketVersioning")?.versioningConfiguration as
      Record_ | undefined;
    return config?.status === "Enabled"
      ? []
      : [bucketFinding("bucket-versioning", bucket, "does not have versioning enabled")];
  });
}

export function bucketTlsOnly(input: PolicyInput): Finding[] {
  return buckets(input).flatMap((bucket) => {
    const arn = `arn:aws:s3:::${bucket.name}`;
    const denies = statementsOf(setting(bucket, "bucketPolicy")?.policy).some(
      (s) =>
        s.Effect === "Deny" &&
        asArray(s.Action).some((a) => a === "s3:*" || a === "*") &&
        [arn, `${arn}/*`].every((r) => asArray(s.Resource).includes(r)) &&
        String((s.Condition as { Bool?: Record_ } | undefined)?.Bool?.["aws:SecureTransport"]) ===
          "false",
    );
    return denies
      ? []
      : [bucketFinding("bucket-tls-only", bucket, "has no policy denying requests without TLS")];
  });
}

export function bucketObjectLockProd(input: PolicyInput): Finding[] {
  if (input.stack?.platform.environment !== "prod") return [];
  return buckets(input).flatMap((bucket) => {
    const retention = (
      setting(bucket, "bucketObjectLockConfiguration")?.rule as Record_ | undefined
    )?.defaultRetention as Record_ | undefined;
    const locked =
      inputsOf(bucket.file).objectLockEnabled === true &&
      (retention?.days !== undefined || retention?.years !== undefined);
    return locked
      ? []
      : [
          bucketFinding(
            "bucket-object-lock-prod",
            bucket,
            "is a prod backup bucket without Object Lock",
          ),
        ];
  });
}

export interface Statement extends Record_ {
  readonly Effect?: string;
}

function statementsOf(document: unknown): Statement[] {
  return isRecord(document) ? (asArray(document.Statement).filter(isRecord) as Statement[]) : [];
}

interface DocumentRef {
  readonly file: PolicyFile;
  readonly field: string;
  readonly statements: Statement[];
}

/** Every IAM policy document inside `value` (a resource's inputs), wherever it sits, by field. */
export function documentsIn(
  value: unknown,
  field: string,
): { field: string; statements: Statement[] }[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => documentsIn(v, `${field}[${i}]`));
  if (!isRecord(value)) return [];
  if ("Statement" in value) return [{ field, statements: statementsOf(value) }];
  return Object.entries(value).flatMap(([k, v]) => documentsIn(v, `${field}.${k}`));
}

function policyDocuments(input: PolicyInput): DocumentRef[] {
  return input.files
    .filter((f) => f.type.startsWith("aws:"))
    .flatMap((file) => documentsIn(inputsOf(file), "inputs").map((doc) => ({ file, ...doc })));
}

export function iamNoWildcard(input: PolicyInput): Finding[] {
  return policyDocuments(input).flatMap(({ file, field, statements }) =>
    statements.flatMap((s, i) => {
      if (s.Effect !== "Allow") return [];
      const problems = [
        ...asArray(s.Action)
          .filter((a) => String(a).includes("*"))
          .map((a) => `allows action ${String(a)}`),
        ...asArray(s.Resource)
          .filter((r) => r === "*")
          .map(() => "allows resource *"),
        ...("NotAction" in s ? ["allows every action but its NotAction"] : []),
        ...("NotResource" in s ? ["allows every resource but its NotResource"] : []),
      ];
      return problems.map((problem) => ({
        rule: "iam-no-wildcard" as const,
        resource: file.resource,
        field: `${field}.Statement[${i}]`,
        message: `statement ${String(s.Sid ?? i)} ${problem}`,
      }));
    }),
  );
}

/** What backup-db and verify-backup need on objects (infra/backup/storage-s3.ts grants these). */
const OBJECT_ACTIONS = new Set([
  "s3:PutObject",
  "s3:PutObjectTagging",
  "s3:GetObject",
  "s3:AbortMultipartUpload",
  "s3:ListMultipartUploadParts",
]);
const LIST_ACTION = "s3:ListBucket";
/**
 * backup-db finds and aborts the uploads of runs that died. This action takes no prefix
 * condition: it may name the bucket only, and shows upload keys, never contents.
 */
const UPLOADS_ACTION = "s3:ListBucketMultipartUploads";

const ROLE_POLICY_TYPES = new Set(["aws:iam/rolePolicy:RolePolicy", "aws:iam/policy:Policy"]);

export function iamBackupRoleScope(input: PolicyInput): Finding[] {
  const scope = backupScope(input);
  return policyDocuments(input)
    .filter((doc) => ROLE_POLICY_TYPES.has(doc.file.type))
    .flatMap(({ file, field, statements }) =>
      statements.flatMap((s, i) =>
        s.Effect === "Allow"
          ? statementScopeProblems(s, scope).map((problem) => ({
              rule: "iam-backup-role-scope" as const,
              resource: file.resource,
              field: `${field}.Statement[${i}]`,
              message: `statement ${String(s.Sid ?? i)} ${problem}`,
            }))
          : [],
      ),
    );
}

/** The bucket ARN and the stack's key prefix, when the model says where backups go. */
function backupScope(input: PolicyInput): { bucketArn: string; keyPrefix: string } | undefined {
  const platform = input.stack?.platform;
  const destination = platform?.backups?.destination;
  if (!platform || destination?.kind !== "s3") return undefined;
  return {
    bucketArn: `arn:aws:s3:::${destination.bucket}`,
    keyPrefix: stackKeyPrefix(platform, destination.prefix),
  };
}

function statementScopeProblems(
  s: Statement,
  scope: { bucketArn: string; keyPrefix: string } | undefined,
): string[] {
  const actions = asArray(s.Action).map(String);
  const problems = actions
    .filter((a) => !OBJECT_ACTIONS.has(a) && a !== LIST_ACTION && a !== UPLOADS_ACTION)
    .map((a) =>
      /delete/i.test(a) ? `allows ${a}: the job role must never delete` : `allows ${a}`,
    );
  if (!scope) return problems;
  const objects = `${scope.bucketArn}/${scope.keyPrefix}`;
  const resources = asArray(s.Resource).map(String);
  if (actions.some((a) => OBJECT_ACTIONS.has(a)) && !resources.every((r) => r.startsWith(objects)))
    problems.push(`reaches objects outside ${objects}*`);
  if (actions.includes(UPLOADS_ACTION) && !resources.every((r) => r === scope.bucketArn))
    problems.push(`lists uploads beyond the bucket ${scope.bucketArn}`);
  if (actions.includes(LIST_ACTION)) {
    const prefixes = asArray(
      (s.Condition as { StringLike?: Record_ } | undefined)?.StringLike?.["s3:prefix"],
    ).map(String);
    if (prefixes.length === 0 || !prefixes.every((p) => p.startsWith(scope.keyPrefix)))
      problems.push(`lists keys outside ${scope.keyPrefix} (needs an s3:prefix condition)`);
  }
  return problems;
}
