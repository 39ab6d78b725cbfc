import { describe, expect, it } from "vitest";
import { z } from "zod";
import { EXIT } from "../../lib/errors.js";
import { loadStack } from "../../lib/model/index.js";
import type { ConfirmIO } from "../../lib/runbook/confirm.js";
import { defineRunbook, type Step } from "../../lib/runbook/define.js";
import { executeRunbook } from "../../lib/runbook/executor.js";
import { createProgress } from "../../lib/runbook/progress.js";

/** Executor semantics on small synthetic runbooks: what runs when, and what a failure leaves. */

const stack = loadStack("mira-dev");
const quiet = createProgress({ stream: { write: () => true } as unknown as NodeJS.WritableStream });

function answering(answer: string | undefined, asked: string[] = []): ConfirmIO {
  return {
    interactive: answer !== undefined,
    ask: async (question) => {
      asked.push(question);
      return answer ?? "";
    },
  };
}

function runbookOf(steps: (log: string[]) => Step[], log: string[] = []) {
  return defineRunbook({
    name: "synthetic",
    summary: "test",
    description: "test",
    outline: [],
    params: z.object({}),
    plan: () => ({ steps: steps(log), confirmTarget: "the-target" }),
  });
}

const run = (
  definition: ReturnType<typeof runbookOf>,
  options: Partial<Parameters<typeof executeRunbook>[1]> = {},
) =>
  executeRunbook(definition, {
    stack,
    params: {},
    dryRun: false,
    yes: true,
    operator: "tester",
    progress: quiet,
    confirmIO: answering(undefined),
    ...options,
  });

const step = (
  title: string,
  kind: Step["kind"],
  log: string[],
  extra: Partial<Step> = {},
): Step => ({
  title,
  kind,
  run: async () => void log.push(`run ${title}`),
  rollback: { run: async () => void log.push(`undo ${title}`) },
  ...extra,
});

describe("executeRunbook", () => {
  it("a dry run runs read steps only and plans the rest", async () => {
    const log: string[] = [];
    const definition = runbookOf(
      (l) => [
        step("read", "read", l),
        step("change", "change", l, { action: () => ({ command: { argv: ["do", "it"] } }) }),
        step("verify", "verify", l),
      ],
      log,
    );
    const record = await run(definition, { dryRun: true, yes: false });
    expect(log).toEqual(["run read"]);
    expect(record.steps.map((s) => s.status)).toEqual(["ok", "planned", "planned"]);
    expect(record.steps[1]!.action).toEqual({ command: { argv: ["do", "it"] } });
    expect(record.outcome).toBe("planned");
    expect(record.exitCode).toBe(EXIT.ok);
  });

  it("rolls back completed changes newest first and says what it could not undo", async () => {
    const log: string[] = [];
    const definition = runbookOf(
      (l) => [
        step("first", "change", l),
        step("second", "change", l, { rollback: undefined, manualUndo: "restore it by hand" }),
        step("third", "change", l),
        step("fails", "verify", l, {
          run: async () => {
            throw new Error("boom");
          },
        }),
      ],
      log,
    );
    const record = await run(definition);
    expect(log).toEqual(["run first", "run second", "run third", "undo third", "undo first"]);
    expect(record.exitCode).toBe(EXIT.failed);
    expect(record.rollback.map((r) => [r.step, r.status])).toEqual([
      ["third", "rolled-back"],
      ["second", "manual"],
      ["first", "rolled-back"],
    ]);
    expect(record.error).toContain('step 4 "fails" failed: boom');
    expect(record.error).toContain("left as is: second (to undo: restore it by hand)");
    expect(record.steps.map((s) => s.status)).toEqual([
      "rolled-back",
      "ok",
      "rolled-back",
      "failed",
    ]);
  });

  it("retries a failing step and succeeds on a later attempt", async () => {
    let attempts = 0;
    const definition = runbookOf(() => [
      {
        title: "flaky",
        kind: "read",
        retries: 2,
        retryDelayMs: 1,
        run: async () => {
          if (++attempts < 3) throw new Error(`attempt ${attempts}`);
        },
      },
    ]);
    const record = await run(definition);
    expect(attempts).toBe(3);
    expect(record.steps[0]!.attempts).toBe(3);
    expect(record.exitCode).toBe(EXIT.ok);
  });

  it("times a step out, aborting its signal", async () => {
    let aborted = false;
    const definition = runbookOf(() => [
      {
        title: "slow",
        kind: "read",
        timeoutMs: 50,
        run: (ctx) =>
          new Promise<void>((resolve) =>
            ctx.signal.addEventListener("abort", () => {
              aborted = true;
              resolve();
            }),
          ),
      },
    ]);
    const record = await run(definition);
    expect(aborted).toBe(true);
    expect(record.steps[0]!.error).toBe("timed out after 0.1 s");
    expect(record.exitCode).toBe(EXIT.failed);
  });

  it("fails a step whose check fails, recording the check", async () => {
    const definition = runbookOf(() => [
      {
        title: "checked",
        kind: "read",
        run: async () => ({ summary: "ran" }),
        check: async () => {
          throw new Error("counts differ");
        },
      },
    ]);
    const record = await run(definition);
    expect(record.steps[0]!.check).toEqual({ ok: false, message: "counts differ" });
    expect(record.steps[0]!.error).toBe("check failed: counts differ");
  });

  it("refuses a mutating run with no terminal and no --yes before running anything", async () => {
    const log: string[] = [];
    const definition = runbookOf(
      (l) => [step("read", "read", l), step("change", "change", l)],
      log,
    );
    const record = await run(definition, { yes: false });
    expect(log).toEqual([]);
    expect(record.outcome).toBe("refused");
    expect(record.exitCode).toBe(EXIT.refused);
  });

  it("asks once before the first change, after the read steps", async () => {
    const log: string[] = [];
    const asked: string[] = [];
    const definition = runbookOf(
      (l) => [step("read", "read", l), step("a", "change", l), step("b", "change", l)],
      log,
    );
    const record = await run(definition, { yes: false, confirmIO: answering("y", asked) });
    expect(asked).toHaveLength(1);
    expect(asked[0]).toContain("  - a\n  - b");
    expect(log).toEqual(["run read", "run a", "run b"]);
    expect(record.exitCode).toBe(EXIT.ok);
  });

  it("in prod the operator must type the target's name; anything else changes nothing", async () => {
    const prod = loadStack("mira-prod");
    const log: string[] = [];
    const definition = runbookOf(
      (l) => [step("read", "read", l), step("change", "change", l)],
      log,
    );
    const refused = await run(definition, { stack: prod, yes: false, confirmIO: answering("y") });
    expect(refused.exitCode).toBe(EXIT.refused);
    expect(refused.error).toBe('not confirmed ("y" is not "the-target"); nothing was changed');
    expect(log).toEqual(["run read"]);
    const confirmed = await run(definition, {
      stack: prod,
      yes: false,
      confirmIO: answering("the-target"),
    });
    expect(confirmed.exitCode).toBe(EXIT.ok);
    expect(log).toEqual(["run read", "run read", "run change"]);
  });

  it("an unknown --service is bad input (exit 2)", async () => {
    const definition = defineRunbook({
      name: "lookup",
      summary: "",
      description: "",
      outline: [],
      params: z.object({}),
      plan: (ctx) => ({ steps: [], confirmTarget: ctx.service("nope").name }),
    });
    const record = await run(definition as unknown as ReturnType<typeof runbookOf>);
    expect(record.exitCode).toBe(EXIT.usage);
    expect(record.error).toBe('--service: no service "nope" in this stack (services: nocobase)');
  });
});
