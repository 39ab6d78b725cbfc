import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect } from "vitest";
import type { FakeKubectl } from "../fakes/fake-kubectl.js";
import { runCli } from "./cli.js";
import {
  matchesPlanned,
  matchesPlannedLine,
  parseShellLine,
  planCommands,
  reportCommands,
  type Printed,
  type Stage,
} from "./command-lines.js";
import { SYSTEM_PATH, type PathShims, type ShimCall } from "./path-shims.js";
import { repoRoot } from "./tools.js";

/**
 * A runbook run for real prints exactly the commands that started: the tools are recording
 * wrappers first on PATH (path-shims.ts: they log their argv, directory and PG* environment, then
 * exec the real tool; kubectl is the recording fake, as no API server runs here), the rest of
 * PATH is the system's (path-shims.ts's SYSTEM_PATH, whoever runs the tests), and what they
 * logged must be, command for command, what the run's audit record and evidence report say ran,
 * which must be what its plan and its dry run printed (a `<placeholder>` of the plan standing for
 * a value made while it runs). test/runbook/commands-as-run.test.ts checks the runbooks that need
 * only PostgreSQL and friends; those that need a server of their own (NocoBase) are checked where
 * that server runs. Every registered runbook must be checked somewhere: `runbooksChecked` finds
 * where, from the calls to `dryThenRun` in the tests.
 */

export interface AuditStep {
  title: string;
  commands: { command: string; notes?: string[]; code: number }[];
}

/** One `guardia` run as it was seen from outside and as guardia recorded it. */
export interface Observed {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly steps: readonly AuditStep[];
  readonly report: string | undefined;
  /** What started: the shims' records, and the kubectl fake's (as argv from "kubectl"). */
  readonly started: readonly ShimCall[];
}

export interface ObservedRuns {
  /** One run: `--dry-run`, or for real with `--yes --report <file>`. */
  guardia(args: readonly string[], mode: "dry-run" | "run"): Promise<Observed>;
  /**
   * `args` (the runbook's name first) as a dry run and for real: both print and record exactly
   * what ran, the dry run plans what the run printed, and no secret shows anywhere.
   */
  dryThenRun(args: readonly string[]): Promise<[Observed, Observed]>;
}

export interface ObservedRunsOptions {
  readonly shims: PathShims;
  /** The kubectl fake, when the runbooks run against a cluster. */
  readonly kubectl?: FakeKubectl;
  /** The runs' directory: their working directory, audit log, reports and local state. */
  readonly work: string;
  /** The environment the runs need on top of the shims' (passwords, API keys, endpoints). */
  readonly env: Readonly<Record<string, string>>;
  /** Values that must never show in output, the plan, the report or the audit record. */
  readonly secrets: readonly string[];
}

export function observedRuns(opts: ObservedRunsOptions): ObservedRuns {
  const guardia = (args: readonly string[], mode: "dry-run" | "run") => observe(opts, args, mode);
  return {
    guardia,
    dryThenRun: async (args) => {
      const dry = await guardia(args, "dry-run");
      expectRanAsPrinted(dry);
      const real = await guardia(args, "run");
      expectRanAsPrinted(real);
      expectSamePlan(args[0]!, dry, real);
      for (const text of [dry.stdout, real.stdout, real.report, JSON.stringify(real.steps)])
        for (const secret of opts.secrets) expect(text).not.toContain(secret);
      return [dry, real];
    },
  };
}

async function observe(
  opts: ObservedRunsOptions,
  args: readonly string[],
  mode: "dry-run" | "run",
): Promise<Observed> {
  const { shims, kubectl, work } = opts;
  shims.clear();
  const before = kubectl?.calls().length ?? 0;
  const audit = path.join(work, "audit.jsonl");
  const report = path.join(work, `report-${Date.now()}.md`);
  const flags = mode === "dry-run" ? ["--dry-run"] : ["--yes", "--report", report];
  const result = await runCli([...args, ...flags], {
    cwd: work,
    timeoutMs: 120_000,
    env: {
      ...opts.env,
      ...kubectl?.env(),
      ...shims.env(),
      PATH: [shims.dir, ...(kubectl ? [kubectl.dir] : []), SYSTEM_PATH].join(":"),
      GUARDIA_AUDIT_FILE: audit,
      XDG_STATE_HOME: path.join(work, "state"),
    },
  });
  const last = readFileSync(audit, "utf8").trim().split("\n").at(-1)!;
  const lockCommand = /^(create -f -|replace -f -|get lease )/;
  const kubectlCalls = (kubectl?.calls() ?? [])
    .slice(before)
    // The Lease is the run's lock, taken before the first step and released after the last.
    .filter((c) => !lockCommand.test(c.argv.slice(2).join(" ")))
    .map((c) => ({ argv: ["kubectl", ...c.argv], cwd: "", env: {} }));
  return {
    code: result.code,
    stdout: result.stdout,
    stderr: result.stderr,
    steps: (JSON.parse(last) as { steps: AuditStep[] }).steps,
    report: existsSync(report) ? readFileSync(report, "utf8") : undefined,
    started: [...shims.calls(), ...kubectlCalls],
  };
}

/** The stages of every command the audit record says each step ran, by step number. */
function ranStages(o: Observed): Map<number, Stage[]> {
  return new Map(
    o.steps.map((step, i) => [i + 1, step.commands.flatMap((c) => parseShellLine(c.command))]),
  );
}

/** Which programs each step started, by the audit record: the expectation a test writes down. */
export function programs(o: Observed): Record<number, string[]> {
  const byStep = [...ranStages(o)].filter(([, stages]) => stages.length > 0);
  return Object.fromEntries(
    byStep.map(([step, stages]) => [step, stages.map((s) => path.basename(s.argv[0]!))]),
  );
}

/** argv[0] as printed: a path is the exact program; a bare name is what PATH found. */
function sameArgv(printed: readonly string[], started: readonly string[]): boolean {
  const [program, ...args] = printed;
  const same = program!.includes("/")
    ? program === started[0]
    : program === path.basename(started[0]!);
  return same && JSON.stringify(args) === JSON.stringify(started.slice(1));
}

/**
 * The audit record's commands are, one for one, the processes that started (argv, the plain
 * environment it printed, its directory), and each is what the step's plan printed; the report
 * shows the same commands as the audit record.
 */
export function expectRanAsPrinted(o: Observed): void {
  expect(o.code, o.stderr).toBe(0);
  const left = [...o.started];
  for (const stage of [...ranStages(o).values()].flat()) {
    const at = left.findIndex((call) => sameArgv(stage.argv, call.argv));
    expect(at, `no process started as ${stage.argv.join(" ")}`).toBeGreaterThanOrEqual(0);
    const [call] = left.splice(at, 1);
    expect(call!.env).toMatchObject(stage.env);
    if (stage.cwd) expect(call!.cwd).toBe(stage.cwd);
  }
  expect(left, "processes that no step recorded").toEqual([]);
  const plan = plannedCommands(o);
  const report = o.report === undefined ? undefined : reportCommands(o.report);
  o.steps.forEach((step, i) => {
    const planned = plan.get(i + 1) ?? [];
    for (const ran of step.commands) {
      expect(
        planned.some((p) => printedAs(p, ran)),
        `${step.title}: ${ran.command}`,
      ).toBe(true);
    }
    expect(report?.get(i + 1)?.ran ?? []).toEqual(
      report
        ? step.commands.map((c) => ({ line: c.command, notes: c.notes ?? [], code: c.code }))
        : [],
    );
  });
}

/**
 * What each step's plan printed: the terminal plan of a dry run; after a run, the report's (the
 * terminal then shows the runbook's result instead).
 */
function plannedCommands(o: Observed): Map<number, Printed[]> {
  if (o.report === undefined) return planCommands(o.stdout);
  const steps = [...reportCommands(o.report)].filter(([, step]) => step.planned);
  return new Map(steps.map(([index, step]) => [index, [step.planned!]]));
}

function printedAs(planned: Printed, ran: { command: string; notes?: readonly string[] }): boolean {
  const notes = ran.notes ?? [];
  return (
    matchesPlannedLine(planned.line, ran.command) &&
    planned.notes.length === notes.length &&
    planned.notes.every((note, i) => matchesPlanned(note, notes[i]!))
  );
}

/**
 * Values a runbook makes fresh on each run, so that its dry run and the run after it print
 * different ones: the comparison of the two plans reads each as its placeholder, for the runbook
 * that makes it and no other. Everything else must be printed the same, character for character.
 */
const FRESH: Readonly<Record<string, readonly (readonly [RegExp, string])[]>> = {
  // The configuration logrotate reads is written into a new temporary directory.
  "rotate-logs": [[/guardia-logrotate-\w+/g, "guardia-logrotate-<temp>"]],
  // One stamp per run names its scratch copy, the copy it keeps and its work directory
  // (lib/restore/names.ts): a dry run names the databases of a run that would start then.
  "restore-db": [[/(__restore_|__pre_restore_|guardia-restore-\w+-)\d{8}t\d{6}\b/g, "$1<stamp>"]],
};

/**
 * A dry run prints the commands the run then prints; a `<placeholder>` of the dry run stands for
 * a value that a step it did not run makes (a scratch database, the table it restored), and a
 * value the runbook makes fresh on each run (FRESH) is read as its placeholder on both sides.
 */
function expectSamePlan(runbook: string, dry: Observed, real: Observed): void {
  const fresh = (p: Printed): Printed =>
    (FRESH[runbook] ?? []).reduce(
      (printed, [pattern, placeholder]) => ({
        line: printed.line.replace(pattern, placeholder),
        notes: printed.notes.map((n) => n.replace(pattern, placeholder)),
      }),
      p,
    );
  const [planned, ran] = [plannedCommands(dry), plannedCommands(real)];
  expect([...planned.keys()]).toEqual([...ran.keys()]);
  for (const [step, printed] of planned) {
    const after = ran.get(step)!;
    expect(after, `step ${step}`).toHaveLength(printed.length);
    printed.forEach((p, i) => {
      const { line, notes } = fresh(after[i]!);
      expect(printedAs(fresh(p), { command: line, notes }), `step ${step}: ${p.line}`).toBe(true);
    });
  }
}

/**
 * The runbooks some test runs through `dryThenRun`, by the name its argument array starts with,
 * with the test files that do: a runbook no test checks this way is missing from the result.
 */
export function runbooksChecked(): Map<string, string[]> {
  const checked = new Map<string, string[]>();
  const tests = readdirSync(path.join(repoRoot, "test"), { recursive: true, encoding: "utf8" });
  for (const file of tests.filter((f) => f.endsWith(".test.ts"))) {
    const source = readFileSync(path.join(repoRoot, "test", file), "utf8");
    for (const [, name] of source.matchAll(/\bdryThenRun\(\s*\[\s*"([a-z][a-z0-9-]*)"/g)) {
      checked.set(name!, [...(checked.get(name!) ?? []), `test/${file}`]);
    }
  }
  return checked;
}
