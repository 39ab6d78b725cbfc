import { LABEL_NAME, LABEL_VALUE } from "../model/fields.js";
import { CronSchedule } from "../model/index.js";
import { MAX_CRONJOB_NAME, MAX_NAME } from "../naming.js";

/**
 * Checks a rendered Kubernetes object the way the API server would, without one: the OpenAPI
 * schema (types, enums, required fields) through kubernetes-models and the prometheus-operator
 * models, plus the server-side rules the schemas do not carry (name and label formats, CronJob
 * name length and schedule).
 */

interface Manifest {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; labels?: Record<string, string> };
  spec?: { schedule?: string };
}

interface SchemaError {
  instancePath?: string;
  message?: string;
  params?: Record<string, unknown>;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Every problem of one object, each naming the field ("spec.concurrencyPolicy: must be ..."). */
export async function validateManifest(manifest: Manifest): Promise<string[]> {
  const schema = await schemaProblems(manifest);
  return [...schema, ...serverSideProblems(manifest)];
}

async function schemaProblems(manifest: Manifest): Promise<string[]> {
  const { apiVersion, kind } = manifest;
  if (!apiVersion || !kind) return ["apiVersion and kind are required"];
  const Model = await modelClass(apiVersion, kind);
  if (!Model)
    return [
      `no schema known for ${apiVersion} ${kind}: guardia renders only objects it can validate`,
    ];
  try {
    new Model(manifest).validate();
    return [];
  } catch (err) {
    const errors = (err as { errors?: SchemaError[] }).errors;
    if (!errors?.length) return [(err as Error).message];
    return errors.map(describeSchemaError);
  }
}

type ModelConstructor = new (data: unknown) => { validate(): void };

async function modelClass(apiVersion: string, kind: string): Promise<ModelConstructor | undefined> {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  const pkg = group?.endsWith("monitoring.coreos.com")
    ? "@kubernetes-models/prometheus-operator"
    : "kubernetes-models";
  const specifier = `${pkg}/${group ? `${group}/` : ""}${version}/${kind}`;
  try {
    const module = (await import(specifier)) as Record<string, ModelConstructor>;
    return module[kind];
  } catch {
    return undefined;
  }
}

function describeSchemaError(error: SchemaError): string {
  const field = (error.instancePath ?? "").replace(/^\//, "").replace(/\//g, ".") || "(object)";
  const allowed = error.params?.allowedValues as unknown[] | undefined;
  const detail = allowed ? `${error.message}: ${allowed.join(", ")}` : error.message;
  return `${field}: ${detail ?? "invalid"}`;
}

function serverSideProblems(manifest: Manifest): string[] {
  const problems: string[] = [];
  const name = manifest.metadata?.name ?? "";
  const isLabelNamed = manifest.kind === "Service" || manifest.kind === "CronJob";
  if (!(isLabelNamed ? DNS_LABEL : DNS_SUBDOMAIN).test(name) || name.length > MAX_NAME) {
    problems.push(`metadata.name: "${name}" is not a valid Kubernetes name`);
  }
  if (manifest.kind === "CronJob") {
    if (name.length > MAX_CRONJOB_NAME) {
      problems.push(
        `metadata.name: "${name}" is longer than ${MAX_CRONJOB_NAME} characters (CronJob limit)`,
      );
    }
    const problem = CronSchedule.problem(manifest.spec?.schedule ?? "");
    if (problem) problems.push(`spec.schedule: ${problem}`);
  }
  for (const [key, value] of Object.entries(manifest.metadata?.labels ?? {})) {
    if (!LABEL_NAME.test(key)) problems.push(`metadata.labels: invalid label name "${key}"`);
    if (!LABEL_VALUE.test(value)) {
      problems.push(`metadata.labels.${key}: invalid label value "${value}"`);
    }
  }
  return problems;
}
