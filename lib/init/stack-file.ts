import { DEFAULT_SLO, DEFAULTS, ENVIRONMENT_DEFAULTS } from "../model/defaults.js";
import type { Environment } from "../model/schema.js";
import { MODEL_VERSION } from "../model/version.js";

/**
 * The stack file `guardia init` writes for one environment: the fields it asked about, and as
 * comments what the environment gets when a field is left out (from defaults.ts, so the comments
 * cannot drift from what resolve.ts fills in). Uncommenting a line is how a team changes one.
 */

export interface InitAnswers {
  readonly platform: string;
  readonly environments: readonly Environment[];
  readonly runtime: "kubernetes" | "local";
  /** The database's logical name; undefined: the platform has none. */
  readonly database: string | undefined;
  /** Host of the database server; undefined: derived from the runtime and namespace. */
  readonly databaseHost: string | undefined;
  readonly databasePort: number | undefined;
  readonly services: readonly string[];
  /** Where alerts go by email (prod and staging need a receiver). */
  readonly alertEmail: string;
}

export function namespaceOf(answers: InitAnswers, env: Environment): string {
  return env === "prod" ? answers.platform : `${answers.platform}-${env}`;
}

export function stackName(answers: InitAnswers, env: Environment): string {
  return `${answers.platform}-${env}`;
}

export function stackFileText(answers: InitAnswers, env: Environment): string {
  const namespace = namespaceOf(answers, env);
  return [
    `# ${answers.platform} in ${env}, written by \`guardia init\`. Every field is described in`,
    "# guardia's docs/stack-model.md; a commented line is what this environment gets when the",
    "# field is left out: uncomment it to change it. `guardia validate` checks the file.",
    "config:",
    "  guardia:platform:",
    `    version: ${MODEL_VERSION} # the model version this file is written for (guardia migrate-stack)`,
    `    name: ${answers.platform}`,
    `    environment: ${env}`,
    `    namespace: ${namespace}`,
    answers.runtime === "local" ? "    runtime: local" : `    # runtime: ${DEFAULTS.runtime}`,
    ...servicesText(answers, namespace),
    ...databaseText(answers, env, namespace),
    ...alertingText(answers, env),
    "    # jobs:",
    "    #   # The image the CronJobs run: guardia's, or the team's own built from it with the",
    "    #   # team's runbooks/ folder inside (a scheduled team runbook needs that).",
    "    #   image: ghcr.io/guardia-ops/guardia:<version>",
    `    #   timeZone: ${DEFAULTS.timeZone}`,
    "",
  ].join("\n");
}

function servicesText(answers: InitAnswers, namespace: string): string[] {
  if (answers.services.length === 0) return [];
  const slo = DEFAULT_SLO;
  return [
    "    services:",
    ...answers.services.flatMap((service) => [
      `      - name: ${service}`,
      ...(answers.runtime === "kubernetes"
        ? [`        workload: deployment/${answers.platform}-${service}`]
        : []),
      "        health:",
      `          - url: ${healthUrl(answers, service, namespace)} # change to the service's health endpoint`,
      `            # expectStatus: ${DEFAULTS.healthEndpoint.expectStatus}`,
      `        # priority: ${DEFAULTS.servicePriority}`,
      `        # slo: { availability: ${slo.availability}, latencyAvgMs: ${slo.latencyAvgMs}, latencyP95Ms: ${slo.latencyP95Ms} }`,
    ]),
  ];
}

function healthUrl(answers: InitAnswers, service: string, namespace: string): string {
  return answers.runtime === "kubernetes"
    ? `http://${answers.platform}-${service}.${namespace}.svc/health`
    : `http://127.0.0.1:8000/health`;
}

function databaseText(answers: InitAnswers, env: Environment, namespace: string): string[] {
  if (!answers.database) return [];
  const host =
    answers.databaseHost ??
    (answers.runtime === "kubernetes" ? `${answers.platform}-pg.${namespace}.svc` : "127.0.0.1");
  const port = answers.databasePort ?? DEFAULTS.databasePort;
  const defaults = ENVIRONMENT_DEFAULTS[env];
  const secret = `${answers.platform}-db`;
  return [
    "    databases:",
    `      - name: ${answers.database}`,
    "        engine: postgres",
    `        host: ${host}`,
    answers.databasePort === undefined ? `        # port: ${port}` : `        port: ${port}`,
    `        database: ${answers.database}`,
    `        user: ${answers.database}`,
    "        # The password: the Secret in the cluster, PGPASSWORD on an engineer's machine.",
    `        passwordSecret: { name: ${secret}, key: password, env: PGPASSWORD }`,
    ...(answers.services.length > 0 ? [`        usedBy: [${answers.services.join(", ")}]`] : []),
    "    backups:",
    "      # A volume in the cluster; for S3 use s3://<bucket> with an aws: section (region,",
    "      # oidcProviderArn), or `endpoint` for an S3-compatible store.",
    `      destination: { url: "file:///backups" }`,
    "      # schedules:",
    ...defaults.schedules.map(
      (s) => `      #   - { name: ${s.name}, cron: "${s.cron}", keepDays: ${s.keepDays} }`,
    ),
    defaults.restoreDrillCron
      ? `      # restoreDrill: { cron: "${defaults.restoreDrillCron}" }`
      : "      # restoreDrill: none in this environment by default",
  ];
}

function alertingText(answers: InitAnswers, env: Environment): string[] {
  const pages = ENVIRONMENT_DEFAULTS[env].pages;
  const domain = answers.alertEmail.split("@")[1] ?? "example.com";
  return [
    "    alerting:",
    `      # P1 and P2 alerts ${pages ? "page" : "do not page"} in ${env} by default.`,
    "      receivers:",
    "        - name: ops-email",
    "          type: email",
    `          to: [${answers.alertEmail}]`,
    `          from: guardia@${domain}`,
    `          smarthost: smtp.${domain}:587 # change to your mail relay`,
  ];
}
