import { serviceCommand } from "../../checks/diagnostics.js";
import type { Command } from "../../command.js";
import type { RoutineDependency } from "../../model/index.js";
import type { RunContext, Step } from "../../runbook/types.js";
import { SOURCES } from "../checklist.js";
import { checkStep, type Finding, type RoutineRun } from "../check-step.js";
import { t } from "../../i18n/index.js";

/**
 * Outdated and vulnerable dependencies through each service's own tools, in its pod (kubectl
 * exec) or its local directory: `pip list --outdated` (logistics support plan, Mantenimiento
 * preventivo, weekly) and `npm audit --json` (MIRA operations guide, Mensual), as counts and the
 * top items.
 */

const TOP = 5;
const SEVERITIES = ["critical", "high", "moderate", "low", "info"] as const;

export function dependencyCommand(ctx: RunContext, dep: RoutineDependency): Command {
  const service = ctx.service(dep.service);
  const argv =
    dep.tool === "pip"
      ? [
          dep.python,
          "-m",
          "pip",
          "list",
          "--outdated",
          "--format",
          "json",
          "--disable-pip-version-check",
        ]
      : ["npm", "audit", "--json", ...(dep.directory ? ["--prefix", dep.directory] : [])];
  return serviceCommand(ctx.platform, ctx.kubectl, service, service.workload, argv);
}

export function dependencySteps(run: RoutineRun): Step[] {
  const deps = run.platform.routine?.dependencies ?? [];
  return deps.filter((d) => d.period === run.period).map((dep) => dependencyStep(run, dep));
}

function dependencyStep(run: RoutineRun, dep: RoutineDependency): Step {
  const command = dependencyCommand(run.ctx, dep);
  const pip = dep.tool === "pip";
  return checkStep(
    run,
    {
      title: pip ? t`pip list --outdated in ${dep.service}` : t`npm audit in ${dep.service}`,
      item: {
        id: `dependencies/${dep.service}-${dep.tool}`,
        title: pip
          ? t`Outdated Python packages of ${dep.service}`
          : t`Vulnerable npm packages of ${dep.service}`,
        source: dep.tool === "pip" ? SOURCES.pip : SOURCES.npm,
      },
      action: () => ({ command }),
      timeoutMs: 10 * 60_000,
    },
    async (step) => {
      // npm audit exits 1 when it finds vulnerabilities: its JSON says what it found.
      const result = await step.exec(command, {
        allowFailure: dep.tool === "npm",
        timeoutMs: 5 * 60_000,
      });
      return dep.tool === "pip"
        ? pipFinding(result.stdout)
        : npmFinding(result.stdout, result.stderr);
    },
  );
}

interface PipOutdated {
  name: string;
  version: string;
  latest_version: string;
}

export function pipFinding(stdout: string): Finding {
  const packages = JSON.parse(stdout.trim() || "[]") as PipOutdated[];
  const top = packages.slice(0, TOP).map((p) => `${p.name} ${p.version} → ${p.latest_version}`);
  const data = { outdated: packages.length, top };
  if (packages.length === 0)
    return { verdict: "ok", summary: t`every package is up to date`, data };
  return {
    verdict: "attention",
    summary: t`${packages.length} outdated package(s): ${top.slice(0, 3).join(", ")}${packages.length > 3 ? ", …" : ""}`,
    evidence: packages.map((p) => `${p.name} ${p.version} → ${p.latest_version}`).join("\n"),
    data,
  };
}

interface NpmAudit {
  error?: { summary?: string; detail?: string };
  message?: string;
  metadata?: { vulnerabilities?: Partial<Record<(typeof SEVERITIES)[number] | "total", number>> };
  vulnerabilities?: Record<
    string,
    { severity: string; via: ({ title?: string } | string)[]; range?: string }
  >;
}

export function npmFinding(stdout: string, stderr: string): Finding {
  let audit: NpmAudit;
  try {
    audit = JSON.parse(stdout) as NpmAudit;
  } catch {
    throw new Error(t`npm audit gave no JSON: ${(stderr || stdout).trim().split("\n")[0]}`);
  }
  const counts = audit.metadata?.vulnerabilities;
  if (!counts)
    throw new Error(t`npm audit failed: ${audit.error?.summary || audit.message || "no report"}`);
  const vulns = Object.entries(audit.vulnerabilities ?? {}).sort(
    ([, a], [, b]) =>
      SEVERITIES.indexOf(a.severity as never) - SEVERITIES.indexOf(b.severity as never),
  );
  const top = vulns.slice(0, TOP).map(([name, v]) => {
    const title = v.via.find(
      (x): x is { title: string } => typeof x === "object" && Boolean(x.title),
    )?.title;
    return `${name} (${v.severity})${title ? `: ${title}` : ""}`;
  });
  const total = counts.total ?? vulns.length;
  const byLevel = SEVERITIES.filter((s) => (counts[s] ?? 0) > 0).map((s) => `${counts[s]} ${s}`);
  const data = { vulnerabilities: counts, top };
  if (total === 0) return { verdict: "ok", summary: t`no known vulnerabilities`, data };
  const serious = (counts.critical ?? 0) + (counts.high ?? 0) > 0;
  return {
    verdict: serious ? "failed" : "attention",
    summary: t`${total} vulnerable package(s): ${byLevel.join(", ")}`,
    evidence: top.join("\n"),
    data,
  };
}
