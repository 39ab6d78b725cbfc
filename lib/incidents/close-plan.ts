import { createReadStream, existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { UsageError } from "../errors.js";
import { t } from "../i18n/index.js";
import { auditFile } from "../runbook/audit.js";
import type { Step } from "../runbook/types.js";
import { postmortemMarkdown } from "./postmortem.js";
import { statusText, type Incident } from "./record.js";
import { am, entry, notifyStep, requireId, where, withStore, type Ctx } from "./run-context.js";
import {
  alertmanagerAlertSpans,
  assembleTimeline,
  incidentTimelineEntry,
  overlappingWindows,
  prometheusAlertSpans,
  readAuditRuns,
  timelineLines,
  type TimelineEntry,
} from "./timeline.js";

/**
 * `incident close` (and `incident postmortem`): the timeline assembled, the record closed with its
 * root cause, fix and evidence, the post-mortem written, the notification resolved.
 */

interface CloseFacts {
  incident?: Incident;
  timeline: TimelineEntry[];
  postmortemFile?: string;
}

function evidenceFiles(ctx: Ctx): string[] {
  const files = (ctx.params.evidence ?? "")
    .split(",")
    .map((f) => f.trim())
    .filter(Boolean);
  const missing = files.filter((f) => !existsSync(f) || !statSync(f).isFile());
  if (missing.length)
    throw new UsageError(t`--evidence: not a readable file: ${missing.join(", ")}`);
  return files;
}

/** close (and postmortem: only the timeline and the post-mortem of an incident as it is). */
export function closePlan(ctx: Ctx, postmortemOnly = false) {
  const id = requireId(ctx);
  if (!postmortemOnly && (!ctx.params.rootCause || !ctx.params.fix))
    throw new UsageError(
      t`close: --root-cause and --fix are required (the logistics support plan closes with them)`,
    );
  const evidence = postmortemOnly ? [] : evidenceFiles(ctx);
  const facts: CloseFacts = { timeline: [] };
  const steps: Step[] = [
    {
      title: t`Read incident ${id}`,
      kind: "read",
      action: () => ({ target: { record: where(ctx, id) } }),
      run: async () => {
        facts.incident = await withStore(ctx, (store) => store.read(id));
        if (!postmortemOnly && facts.incident.status === "closed")
          throw new UsageError(t`${id} is already closed (${facts.incident.closedAt})`);
        const { priority, status, title } = facts.incident;
        return { summary: `${priority} ${statusText(status)}: ${title}` };
      },
    },
    timelineStep(ctx, facts),
    ...(postmortemOnly ? [] : [closeStep(ctx, id, evidence, facts)]),
    postmortemStep(ctx, facts, postmortemOnly),
    ...(postmortemOnly ? [] : [notifyStep(ctx, () => facts.incident, true)]),
  ];
  return {
    steps,
    confirmTarget: id,
    result: () => ({
      incident: facts.incident,
      timeline: facts.timeline,
      postmortem: facts.postmortemFile,
    }),
    output: () =>
      [
        t`Incident ${id} ${facts.incident ? statusText(facts.incident.status) : ""}.`,
        ...timelineLines(facts.timeline),
        ...(facts.postmortemFile ? [t`Post-mortem: ${facts.postmortemFile}`] : []),
      ].join("\n"),
  };
}

function timelineStep(ctx: Ctx, facts: CloseFacts): Step {
  const audit = auditFile();
  return {
    title: t`Assemble the timeline: entries, guardia runs, alerts, maintenance windows`,
    kind: "read",
    action: () => ({
      call: [
        `read ${audit}`,
        ctx.params.prometheusUrl
          ? `GET ${ctx.params.prometheusUrl}/api/v1/query_range (ALERTS)`
          : undefined,
        `GET ${am(ctx).url}/api/v2/alerts`,
        `GET ${am(ctx).url}/api/v2/silences`,
      ]
        .filter(Boolean)
        .join("\n"),
    }),
    run: async () => {
      const incident = facts.incident!;
      const from = incident.openedAt;
      const to = new Date().toISOString();
      const gaps: string[] = [];
      // Closing must work while monitoring is down: a source that fails is a gap, said in it.
      const read = async <T>(notRead: (why: string) => string, source: () => Promise<T[]>) =>
        source().catch((err: unknown): T[] => {
          gaps.push(notRead((err as Error).message));
          return [];
        });
      const { prometheusUrl } = ctx.params;
      const alerts = await read(
        (why) => t`alerts not read: ${why}`,
        () =>
          prometheusUrl
            ? prometheusAlertSpans(prometheusUrl, ctx.platform, from, to)
            : alertmanagerAlertSpans(am(ctx), ctx.platform, from),
      );
      if (!prometheusUrl)
        gaps.push(t`alerts that already resolved are not shown (no --prometheus-url)`);
      facts.timeline = assembleTimeline(incident, {
        audit: readAuditRuns(audit, ctx.stack.name, from, to),
        alerts,
        windows: await read(
          (why) => t`maintenance windows not read: ${why}`,
          () => overlappingWindows(am(ctx), ctx.platform, from, to),
        ),
        gaps,
        readAt: to,
      });
      return {
        summary: [t`${facts.timeline.length} entries`, ...gaps].join("; "),
        evidence: timelineLines(facts.timeline).join("\n"),
      };
    },
  };
}

function closeStep(ctx: Ctx, id: string, files: readonly string[], facts: CloseFacts): Step {
  return {
    title: t`Close the record with root cause, fix, evidence and timeline`,
    kind: "change",
    action: () => ({ target: { record: where(ctx, id), evidence: files.join(", ") || t`none` } }),
    run: async () => {
      facts.incident = await withStore(ctx, async (store) => {
        const stored: Incident["evidence"] = [];
        for (const file of files) {
          const key = store.key(id, `/evidence/${path.basename(file)}`);
          const { bytes, sha256 } = await store.store.putStream(key, createReadStream(file));
          stored.push({ name: path.basename(file), key, bytes, sha256 });
        }
        return store.change(id, ctx.operator, (incident) =>
          closeRecord(ctx, incident, stored, facts.timeline),
        );
      });
      return { summary: t`closed; ${files.length} evidence file(s)` };
    },
  };
}

function closeRecord(
  ctx: Ctx,
  incident: Incident,
  evidence: Incident["evidence"],
  timeline: TimelineEntry[],
): void {
  if (incident.status === "closed") throw new UsageError(t`${incident.id} is already closed`);
  const closed = entry(
    ctx,
    "closed",
    t`root cause: ${ctx.params.rootCause}; fix: ${ctx.params.fix}`,
  );
  incident.status = "closed";
  incident.closedAt = closed.time;
  incident.rootCause = ctx.params.rootCause;
  incident.fix = ctx.params.fix;
  incident.evidence.push(...evidence);
  incident.entries.push(closed);
  incident.acknowledgedAt ??= closed.time;
  // The entries added since the timeline was read, and the closing itself, belong in it too.
  const known = new Set(timeline.filter((e) => e.source === "incident").map((e) => e.time));
  const added = incident.entries.filter((e) => !known.has(e.time));
  incident.timeline = [...timeline, ...added.map(incidentTimelineEntry)].sort((a, b) =>
    a.time.localeCompare(b.time),
  );
}

function postmortemStep(ctx: Ctx, facts: CloseFacts, requested: boolean): Step {
  return {
    title: t`Write the post-mortem (MIRA template) for a P1, or when asked`,
    kind: "change",
    action: () => ({
      target: { file: ctx.params.out ?? `incidents/${ctx.stack.name}-<id>-postmortem.md` },
    }),
    run: async () => {
      const incident = facts.incident!;
      if (incident.priority !== "P1" && !ctx.params.postmortem && !requested)
        return { summary: t`none: ${incident.priority} (pass --postmortem for one)` };
      const markdown = postmortemMarkdown(incident, incident.timeline ?? facts.timeline);
      const file = path.resolve(
        ctx.params.out ?? path.join("incidents", `${ctx.stack.name}-${incident.id}-postmortem.md`),
      );
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, markdown);
      facts.postmortemFile = file;
      await withStore(ctx, async (store) => {
        const key = store.key(incident.id, "-postmortem.md");
        await store.store.putSmall(key, markdown);
        facts.incident = await store.change(incident.id, ctx.operator, (i) => {
          i.postmortem = key;
        });
      });
      return { summary: file };
    },
  };
}
