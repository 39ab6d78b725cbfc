import { existsSync, readFileSync, statSync } from "node:fs";
import { UsageError } from "../errors.js";
import { currentLanguage, t } from "../i18n/index.js";
import { responseTime } from "../monitoring/contract.js";
import { maskSecrets } from "../secret.js";
import type { Step } from "../runbook/types.js";
import { NOTIFIED } from "./notify.js";
import {
  incidentId,
  LOG_EXCERPT_MAX,
  responseDue,
  tokenFingerprint,
  type Incident,
} from "./record.js";
import { notifyStep, where, withStore, type Ctx } from "./run-context.js";

/** `incident open`: the record with the manuals' minimum fields, stored, and for P1/P2 notified. */

function readExcerpt(file: string | undefined): string | undefined {
  if (file === undefined) return undefined;
  if (!existsSync(file) || !statSync(file).isFile())
    throw new UsageError(t`--log-excerpt: ${file} is not a readable file`);
  return maskSecrets(readFileSync(file, "utf8").slice(-LOG_EXCERPT_MAX));
}

function affectedToken(variable: string | undefined): string | undefined {
  if (variable === undefined) return undefined;
  const token = process.env[variable];
  if (!token) throw new UsageError(t`--token-env: the environment variable ${variable} is not set`);
  return tokenFingerprint(token);
}

function newIncident(ctx: Ctx): Incident {
  const p = ctx.params;
  const problems = [
    !p.priority && t`--priority: required to open an incident (P1..P4)`,
    !p.title && t`--title: required to open an incident`,
  ].filter(Boolean);
  if (problems.length) throw new UsageError(problems.join("\n"));
  if (p.service) ctx.service(p.service);
  const opened = new Date();
  const openedAt = opened.toISOString();
  const priority = p.priority!;
  return {
    type: "guardia.incident.v1",
    id: incidentId(opened),
    stack: ctx.stack.name,
    platform: ctx.platform.name,
    environment: ctx.platform.environment,
    title: p.title!,
    priority,
    status: "open",
    owner: p.owner ?? ctx.operator,
    reporter: p.reporter ?? ctx.operator,
    service: p.service,
    affected: p.affected,
    endpoint: p.endpoint,
    tokenFingerprint: affectedToken(p.tokenEnv),
    description: p.description,
    reproduce: p.reproduce,
    logExcerpt: readExcerpt(p.logExcerpt),
    stepsTaken: p.stepsTaken,
    openedAt,
    responseDue: responseDue(openedAt, priority),
    acknowledgedAt: undefined,
    closedAt: undefined,
    rootCause: undefined,
    fix: undefined,
    evidence: [],
    entries: [
      { time: openedAt, author: ctx.operator, kind: "opened", text: `${priority}: ${p.title}` },
    ],
    timeline: undefined,
    postmortem: undefined,
  };
}

export function openPlan(ctx: Ctx) {
  const incident = newIncident(ctx);
  const notify = NOTIFIED.includes(incident.priority);
  const steps: Step[] = [
    {
      title: t`Store incident ${incident.id} (${incident.priority}, respond by ${incident.responseDue})`,
      kind: "change",
      action: () => ({ target: { record: where(ctx, incident.id) } }),
      run: async () => {
        await withStore(ctx, (store) => store.create(incident));
        return { summary: where(ctx, incident.id) };
      },
    },
    ...(notify ? [notifyStep(ctx, () => incident)] : []),
  ];
  return {
    steps,
    confirmTarget: ctx.stack.name,
    result: () => ({ incident }),
    output: () =>
      [
        t`Incident ${incident.id} open: ${incident.priority} (respond within ${responseTime(incident.priority, currentLanguage())}, by ${incident.responseDue}), owner ${incident.owner}.`,
        t`Record: ${where(ctx, incident.id)}`,
      ].join("\n"),
  };
}
