import { t } from "../i18n/index.js";
import type { RoutinePeriod } from "../model/index.js";

/**
 * The routine checklists as data: what each period covers (by the manuals' titles and sections),
 * the verdicts an item can get, and the items only a person can do. Every automated item is a
 * check in lib/routine/checks/; every manual item is listed here, once.
 */

/**
 * - ok: checked, nothing to do;
 * - attention: someone should look (a trend, a target missed by a little, something unmeasured);
 * - failed: a problem now (a stale backup, a target missed, a check that could not run);
 * - manual: only a person can do it, and nobody recorded doing it (`--ack`).
 */
export type Verdict = "ok" | "attention" | "failed" | "manual";

/** The order of a report: problems first, then what is left to do by hand, then the rest. */
export const VERDICT_ORDER: readonly Verdict[] = ["failed", "attention", "manual", "ok"];

/** One checklist item as a run found it. */
export interface ItemResult {
  /** Stable across runs, so a report can say what changed: "error-logs/nocobase". */
  readonly id: string;
  readonly title: string;
  /** The manual's item it implements: "MIRA operations guide, Mantenimiento Rutinario, Diario: …". */
  readonly source: string;
  readonly verdict: Verdict;
  /** One line: the figure and the target. */
  readonly summary: string;
  /** Details a person reads: the top error messages, the slow queries... */
  readonly evidence?: string;
  /** Figures for the JSON report and for the next run's comparison. */
  readonly data?: Readonly<Record<string, unknown>>;
}

/** Where results go as the steps find them. */
export type ItemSink = (result: ItemResult) => void;

const MIRA = "MIRA operations guide, Mantenimiento Rutinario";

export interface PeriodInfo {
  /** How far back "recent" reaches: the error lines, the SLO figures, the backups of the week. */
  readonly windowSeconds: number;
  /** The manuals' checklists this period runs. */
  readonly manuals: readonly string[];
}

const DAY = 86400;

export const PERIODS: Readonly<Record<RoutinePeriod, PeriodInfo>> = {
  daily: {
    windowSeconds: DAY,
    manuals: [
      `${MIRA}, Diario`,
      "INATrace operations manual, 2.1 Verificación de Salud de Servicios",
      "INATrace operations manual, 2.2 Revisión de Logs y Alertas",
    ],
  },
  weekly: {
    windowSeconds: 7 * DAY,
    manuals: [`${MIRA}, Semanal`, "logistics support plan, Mantenimiento preventivo"],
  },
  monthly: {
    windowSeconds: 31 * DAY,
    manuals: [`${MIRA}, Mensual`, `${MIRA}, Trimestral`],
  },
};

/** The items of each period's checklist, as the manuals word them (for the check's `source`). */
export const SOURCES = {
  errorLogs: `${MIRA}, Diario: Revisar logs de errores; INATrace operations manual, 2.2 Revisión de Logs y Alertas: logs de nivel ERROR`,
  slo: `${MIRA}, Diario: Verificar métricas de performance (Monitoreo, Métricas Clave)`,
  smoke:
    "INATrace operations manual, 2.1 Verificación de Salud de Servicios: Frontend es accesible y rinde el dashboard principal; Mobile puede sincronizar con la API sin errores recurrentes",
  jobQueue: `${MIRA}, Diario: Revisar queue de jobs; logistics support plan, Niveles de soporte: nivel 2 revisa tareas en cola`,
  backups: `${MIRA}, Semanal: Revisar backups exitosos; INATrace operations manual, 4.1 Política General`,
  disk: `${MIRA}, Semanal: Revisar espacio en disco; INATrace operations manual, 2.2: logs no crecen sin control`,
  slowQueries: `${MIRA}, Semanal: Analizar queries lentos (Monitoreo: Database Query Time < 1 s)`,
  incidents: `${MIRA}, Gestión de Incidentes: tiempo de respuesta por prioridad`,
  logRetention: `${MIRA}, Mensual: Revisar y limpiar logs antiguos; INATrace operations manual, 2.2: logs se rotan adecuadamente`,
  userAccess: `${MIRA}, Mensual: Auditar accesos de usuarios`,
  pip: "logistics support plan, Mantenimiento preventivo: Revisar semanalmente dependencias críticas con pip list --outdated",
  npm: `${MIRA}, Mensual: Revisar dependencias de npm (vulnerabilidades)`,
} as const;

/** Something only a person can do; `--ack <id>` records who did it and when. */
export interface ManualItem {
  readonly id: string;
  readonly period: RoutinePeriod;
  readonly title: string;
  readonly source: string;
  /** An acknowledgement holds this long: a quarterly item asked in every monthly run. */
  readonly everyDays: number;
}

/** Built on each call: the titles are in the run's language. */
function allManualItems(): readonly ManualItem[] {
  return [
    {
      id: "update-docs",
      period: "weekly",
      title: t`Update the operations documentation`,
      source: `${MIRA}, Semanal: Actualizar documentación operacional`,
      everyDays: 7,
    },
    {
      id: "usage-metrics",
      period: "monthly",
      title: t`Review the usage metrics (cases per day, active users, requests, database growth)`,
      source: `${MIRA}, Mensual: Revisar métricas de uso (Performance y Optimización)`,
      everyDays: 31,
    },
    {
      id: "plan-optimizations",
      period: "monthly",
      title: t`Plan optimizations`,
      source: `${MIRA}, Mensual: Planificar optimizaciones`,
      everyDays: 31,
    },
    {
      id: "review-architecture",
      period: "monthly",
      title: t`Review the architecture and scalability; evaluate the need for more hardware`,
      source: `${MIRA}, Trimestral: Revisar arquitectura y escalabilidad; Evaluar necesidad de hardware adicional`,
      everyDays: 92,
    },
    {
      id: "update-runbooks",
      period: "monthly",
      title: t`Update the runbooks`,
      source: `${MIRA}, Trimestral: Actualizar runbooks`,
      everyDays: 92,
    },
    {
      id: "train-support",
      period: "monthly",
      title: t`Train the support team`,
      source: `${MIRA}, Trimestral: Capacitación del equipo de soporte`,
      everyDays: 92,
    },
  ];
}

export function manualItems(period: RoutinePeriod): ManualItem[] {
  return allManualItems().filter((item) => item.period === period);
}
