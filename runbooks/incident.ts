import {
  createReadStream,
  existsSync,
  mkdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { z } from "zod";
import { UsageError } from "../lib/errors.js";
import { t } from "../lib/i18n/index.js";
import { openIncidentStore } from "../lib/incidents/index.js";
import { incidentAlert, notifyCall, NOTIFIED, postIncidentAlert } from "../lib/incidents/notify.js";
import { postmortemMarkdown } from "../lib/incidents/postmortem.js";
import {
  incidentId,
  isPastResponse,
  lastActivity,
  LOG_EXCERPT_MAX,
  responseDue,
  responseTimeText,
  statusText,
  tokenFingerprint,
  type Incident,
  type IncidentEntry,
} from "../lib/incidents/record.js";
import type { IncidentStore } from "../lib/incidents/store.js";
import {
  alertmanagerAlertSpans,
  assembleTimeline,
  incidentTimelineEntry,
  overlappingWindows,
  prometheusAlertSpans,
  readAuditRuns,
  timelineLines,
  type TimelineEntry,
} from "../lib/incidents/timeline.js";
import type { AlertmanagerApi } from "../lib/monitoring/silences.js";
import { auditFile } from "../lib/runbook/audit.js";
import { defineRunbook, type RunContext, type Step } from "../lib/runbook/define.js";
import type { RunbookPlan } from "../lib/runbook/types.js";
import { maskSecrets } from "../lib/secret.js";
import { textTable } from "../lib/table.js";

const ACTIONS = ["open", "note", "update", "close", "list", "postmortem"] as const;
const PRIORITY = z.enum(["P1", "P2", "P3", "P4"]);

const text = (what: string) => z.string().trim().min(1).optional().describe(what);

const params = z.object({
  action: z
    .enum(ACTIONS)
    .describe("what to do; may be given first, without the flag: guardia incident open ..."),
  id: text("the incident (note, update, close, postmortem)"),
  priority: PRIORITY.optional().describe(
    "open, update: P1 15 min, P2 1 h, P3 4 h, P4 24 h to respond",
  ),
  title: text("open: one line"),
  service: text("open: the affected service"),
  reporter: text("open: who reported it (default: the operator)"),
  owner: text("open, update: who handles it (default: the operator)"),
  affected: text("open: user and area affected"),
  endpoint: text("open: the endpoint affected"),
  tokenEnv: text(
    "open: an environment variable holding the affected token (never a flag: flags reach the audit log); only its fingerprint is stored",
  ),
  description: text("open: what happens"),
  reproduce: text("open: steps to reproduce"),
  logExcerpt: text(
    "open: a file with the relevant log lines (the last 4000 characters, secrets masked)",
  ),
  stepsTaken: text("open: steps already taken"),
  text: text("note: the entry; update: why"),
  status: z
    .enum(["open", "investigating", "mitigated"])
    .optional()
    .describe("update: the new status"),
  rootCause: text("close: the root cause"),
  fix: text("close: what fixed it"),
  evidence: text("close: files attached as evidence, comma-separated (logs, screenshots)"),
  postmortem: z
    .boolean()
    .default(false)
    .describe("close, postmortem: write one for a P2-P4 too (a P1 always gets one)"),
  out: text(
    "where the post-mortem is written locally (default: incidents/<stack>-<id>-postmortem.md)",
  ),
  open: z.boolean().default(false).describe("list: only the incidents not closed"),
  alertmanagerUrl: z
    .string()
    .url()
    .optional()
    .describe("Alertmanager API (default: the stack's monitoring.alertmanagerUrl)"),
  prometheusUrl: z
    .string()
    .url()
    .optional()
    .describe("Prometheus API, for the alerts that fired and resolved in the incident's window"),
});

type Params = z.infer<typeof params>;
type Ctx = RunContext<Params>;

export default defineRunbook({
  name: "incident",
  summary: "Open, note, update, close and list incidents; timeline, notifications, post-mortem",
  description: `
The MIRA operations guide, Gestión de Incidentes (Clasificación de Severidad: P1-P4 with 15 min,
1 h, 4 h and 24 h to respond; notify stakeholders for P1 and P2; a post-mortem for every P1 in
its template), the INATrace operations manual, 5.2 Flujo de Atención and 5.3 Información Útil
para Escalamiento (the minimum record), and the logistics support plan, Flujos de atencion
(endpoint and token affected; evidence attached on closing). Records live at the stack's backup
destination under incidents/<platform>/<env>/, one JSON object each, changed under a lock per
incident. P1/P2 incidents notify the priority's receivers through the stack's Alertmanager, in the
alerts' own formats, until they close. Closing assembles the timeline: the incident's entries,
every guardia run on the stack in its window (audit log), the alerts that fired and resolved
(Prometheus' ALERTS with --prometheus-url, else what Alertmanager still holds) and overlapping
maintenance windows; a P1 gets its post-mortem prefilled.`,
  outline: [
    "open: build the record (response deadline from the priority); store it; notify P1/P2 receivers",
    "note / update: add an entry (update: priority, owner, status) under the incident's lock",
    "close: check the evidence files; assemble the timeline; store the evidence; close the record",
    "close: resolve the notification; write the post-mortem (P1, or --postmortem)",
    "list: every incident (--open: not closed), flagging P1/P2 past their response time",
  ],
  manual: [
    "MIRA operations guide, Gestión de Incidentes (Clasificación de Severidad, Procedimiento de Incidente, Template de Post-Mortem (P1))",
    "INATrace operations manual, 5.2 Flujo de Atención and 5.3 Información Útil para Escalamiento",
    "logistics support plan, Flujos de atencion and Comunicaciones",
  ],
  onFailure:
    "Every change to a record is one write of the whole object under the incident's lock: a failed run leaves the record as it was before that write. When the notification fails after the record was stored, the record stands and says nothing was notified; tell the stakeholders by hand. A lock left by a process that died expires after a minute.",
  params,
  subcommand: "action",
  plan: (ctx) => PLANS[ctx.params.action](ctx),
});

const PLANS: Record<Params["action"], (ctx: Ctx) => RunbookPlan> = {
  open: (ctx) => openPlan(ctx),
  note: (ctx) => changePlan(ctx, noteChange(ctx)),
  update: (ctx) => changePlan(ctx, updateChange(ctx)),
  close: (ctx) => closePlan(ctx),
  list: (ctx) => listPlan(ctx),
  postmortem: (ctx) => closePlan(ctx, true),
};

function am(ctx: Ctx): AlertmanagerApi {
  return { url: ctx.params.alertmanagerUrl ?? ctx.platform.monitoring.alertmanagerUrl };
}

async function withStore<T>(ctx: Ctx, use: (store: IncidentStore) => Promise<T>): Promise<T> {
  const store = await openIncidentStore(ctx.platform);
  try {
    return await use(store);
  } finally {
    store.store.close();
  }
}

function where(ctx: Ctx, id: string): string {
  const destination = ctx.platform.backups?.destination.url ?? "<backups.destination>";
  return `${destination}/incidents/${ctx.platform.name}/${ctx.platform.environment}/${id}.json`;
}

function requireId(ctx: Ctx): string {
  if (!ctx.params.id) throw new UsageError(t`--id: required to ${ctx.params.action} an incident`);
  return ctx.params.id;
}

function entry(ctx: Ctx, kind: IncidentEntry["kind"], text: string): IncidentEntry {
  return { time: new Date().toISOString(), author: ctx.operator, kind, text };
}

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

function openPlan(ctx: Ctx) {
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
        t`Incident ${incident.id} open: ${incident.priority} (respond within ${responseTimeText(incident.priority)}, by ${incident.responseDue}), owner ${incident.owner}.`,
        t`Record: ${where(ctx, incident.id)}`,
      ].join("\n"),
  };
}

/** The P1/P2 notification (an alert through the stack's Alertmanager); `ends` resolves it. */
function notifyStep(ctx: Ctx, incident: () => Incident | undefined, ends?: boolean): Step {
  return {
    title: ends
      ? t`Resolve the notification to the priority's receivers through Alertmanager`
      : t`Notify the priority's receivers through Alertmanager`,
    kind: "change",
    action: () => ({ call: notifyCall(am(ctx)) }),
    run: async () => {
      const current = incident();
      if (!current || !NOTIFIED.includes(current.priority))
        return { summary: t`not notified: ${current?.priority ?? "?"} is not P1 or P2` };
      await postIncidentAlert(
        am(ctx),
        incidentAlert(ctx.platform, current, ends ? new Date() : undefined),
      );
      const to = ctx.platform.alerting.routes[current.priority].join(", ") || t`nobody (no route)`;
      return {
        summary: ends
          ? t`${current.priority} resolved to ${to}`
          : t`${current.priority} sent to ${to}`,
      };
    },
    manualUndo: ends
      ? t`the notification stays firing until its end (7 days after opening): tell the stakeholders the incident is closed`
      : t`tell the stakeholders by hand (the notification did not go out, or went out by mistake)`,
  };
}

interface RecordChange {
  /** The step's title, for the incident `id`. */
  readonly title: (id: string) => string;
  readonly apply: (incident: Incident) => void;
  /** A priority change notifies again (a P3 raised to P1 reaches the P1 receivers). */
  readonly notifies?: boolean;
}

function noteChange(ctx: Ctx): RecordChange {
  if (!ctx.params.text) throw new UsageError(t`--text: required for a note`);
  const text = ctx.params.text;
  return {
    title: (id) => t`Add a note to ${id}`,
    apply: (incident) => {
      incident.entries.push(entry(ctx, "note", text));
    },
  };
}

function updateChange(ctx: Ctx): RecordChange {
  const { priority, owner, status, text } = ctx.params;
  if (!priority && !owner && !status)
    throw new UsageError(t`update: give --priority, --owner or --status (and --text for why)`);
  const changes = [
    priority && t`priority → ${priority}`,
    owner && t`owner → ${owner}`,
    status && t`status → ${statusText(status)}`,
  ]
    .filter(Boolean)
    .join(", ");
  return {
    title: (id) => t`Update: ${changes} to ${id}`,
    notifies: priority !== undefined,
    apply: (incident) => {
      if (incident.status === "closed") throw new UsageError(t`${incident.id} is closed`);
      if (priority) {
        incident.priority = priority;
        incident.responseDue = responseDue(incident.openedAt, priority);
      }
      if (owner) incident.owner = owner;
      if (status) incident.status = status;
      incident.entries.push(entry(ctx, "update", `${changes}${text ? `: ${text}` : ""}`));
    },
  };
}

/** note and update: one change of the record under its lock (and a notification if it needs). */
function changePlan(ctx: Ctx, change: RecordChange) {
  const id = requireId(ctx);
  let changed: Incident | undefined;
  const steps: Step[] = [
    {
      title: change.title(id),
      kind: "change",
      action: () => ({ target: { record: where(ctx, id) } }),
      run: async () => {
        changed = await withStore(ctx, (store) =>
          store.change(id, ctx.operator, (incident) => {
            change.apply(incident);
            // The first change after opening is the acknowledgement: the same instant as its entry.
            incident.acknowledgedAt ??= incident.entries.at(-1)!.time;
          }),
        );
        return { summary: t`${changed.entries.length} entries` };
      },
    },
    ...(change.notifies ? [notifyStep(ctx, () => changed)] : []),
  ];
  return { steps, confirmTarget: id, result: () => ({ incident: changed }) };
}

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
function closePlan(ctx: Ctx, postmortemOnly = false) {
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

function listPlan(ctx: Ctx) {
  let incidents: Incident[] = [];
  const now = new Date();
  const steps: Step[] = [
    {
      title: t`List the stack's incidents`,
      kind: "read",
      action: () => ({ target: { records: where(ctx, "*") } }),
      run: async () => {
        const all = await withStore(ctx, (store) => store.list());
        incidents = ctx.params.open ? all.filter((i) => i.status !== "closed") : all;
        const late = incidents.filter((i) => isPastResponse(i, now)).length;
        return { summary: t`${incidents.length} incident(s), ${late} past their response time` };
      },
    },
  ];
  return {
    steps,
    result: () => ({
      incidents: incidents.map((i) => ({ ...summaryOf(i), pastResponse: isPastResponse(i, now) })),
    }),
    output: () =>
      incidents.length === 0
        ? t`no incidents`
        : textTable([
            [t`ID`, t`PRIORITY`, t`STATUS`, t`OWNER`, t`LAST ENTRY`, t`TITLE`, ""],
            ...incidents.map((i) => [
              i.id,
              i.priority,
              statusText(i.status),
              i.owner,
              lastActivity(i),
              i.title,
              isPastResponse(i, now) ? t`PAST RESPONSE TIME (${responseTimeText(i.priority)})` : "",
            ]),
          ]),
  };
}

function summaryOf(i: Incident) {
  const { id, priority, status, owner, title, openedAt, responseDue, acknowledgedAt, closedAt } = i;
  return {
    id,
    priority,
    status,
    owner,
    title,
    openedAt,
    responseDue,
    acknowledgedAt,
    closedAt,
    lastActivity: lastActivity(i),
  };
}
