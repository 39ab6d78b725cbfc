import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { EXIT } from "../../lib/errors.js";
import { loadStack } from "../../lib/model/index.js";
import type { ConfirmIO } from "../../lib/runbook/confirm.js";
import { defineRunbook, type Step } from "../../lib/runbook/define.js";
import { executeRunbook } from "../../lib/runbook/executor.js";
import { createProgress } from "../../lib/runbook/progress.js";
import { freePort } from "../harness/ports.js";

/** Executor semantics on small synthetic runbooks: what runs when, and what a failure leaves. */

const stack = loadStack("mira-dev");
/** A state directory of its own for the lock files these runs take. */
const state = mkdtempSync(path.join(tmpdir(), "guardia-executor-"));
const env = { XDG_STATE_HOME: state };
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
    expect(record.error).toContain(
      [
        "State after the failure:",
        "  rolled back: third",
        "  left as is: second (to undo: restore it by hand)",
        "  rolled back: first",
      ].join("\n"),
    );
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
    // No lock: nothing to re-check under, so the reads run once.
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
    expect(refused.error).toBe(
      'not confirmed ("y" is not "the-target")\nState after the failure: nothing was changed.',
    );
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

describe("the confirmation, the lock and the re-check", () => {
  /** A read step that reads `world.value`, and a change whose action names what it read. */
  function readThenChange(world: { value: string }, log: string[]) {
    return defineRunbook({
      name: "reads-then-changes",
      summary: "",
      description: "",
      outline: [],
      params: z.object({}),
      plan: () => {
        const facts: { seen?: string } = {};
        return {
          steps: [
            {
              title: "read the value",
              kind: "read",
              run: async () => {
                facts.seen = world.value;
                log.push(`read ${world.value}`);
              },
            },
            {
              title: "change what was read",
              kind: "change",
              action: () => ({ command: { argv: ["change", facts.seen ?? "?"] } }),
              run: async () => void log.push(`change ${facts.seen}`),
            },
          ],
          lock: { kind: "file", name: `executor-test-${process.pid}` },
          confirmTarget: "the-target",
        };
      },
    });
  }

  it("asks before taking the lock, then reads again under it and runs what was confirmed", async () => {
    const log: string[] = [];
    const world = { value: "a" };
    const lockFile = path.join(state, "guardia", "locks", `executor-test-${process.pid}.lock`);
    const io: ConfirmIO = {
      interactive: true,
      ask: async (question) => {
        log.push(`asked: lock ${existsSync(lockFile) ? "held" : "free"}`);
        expect(question).toContain("$ change a");
        return "y";
      },
    };
    const record = await run(readThenChange(world, log), { yes: false, confirmIO: io, env });
    expect(record.exitCode).toBe(EXIT.ok);
    expect(log).toEqual(["read a", "asked: lock free", "read a", "change a"]);
    expect(record.lock).toMatch(/executor-test/);
  });

  it("refuses when what the plan read changed while the question waited", async () => {
    const log: string[] = [];
    const world = { value: "a" };
    const io: ConfirmIO = {
      interactive: true,
      ask: async () => {
        world.value = "b"; // another operator acts while this one reads the plan
        return "y";
      },
    };
    const record = await run(readThenChange(world, log), { yes: false, confirmIO: io, env });
    expect(log).toEqual(["read a", "read b"]);
    expect(record).toMatchObject({ outcome: "refused", exitCode: EXIT.refused });
    expect(record.error).toBe(
      [
        "what the plan read changed while the confirmation waited; the changes are no longer the ones confirmed:",
        "  change what was read",
        "    confirmed: $ change a",
        "    now:       $ change b",
        "Run it again to see the new plan.",
        "State after the failure: nothing was changed.",
      ].join("\n"),
    );
  });

  it("with --yes takes the lock before the first step and reads once", async () => {
    const log: string[] = [];
    const record = await run(readThenChange({ value: "a" }, log), { env });
    expect(log).toEqual(["read a", "change a"]);
    expect(record.exitCode).toBe(EXIT.ok);
  });

  it("a question nobody answers is a refusal after its timeout, and says so", async () => {
    const log: string[] = [];
    const asked: string[] = [];
    const record = await run(readThenChange({ value: "a" }, log), {
      yes: false,
      env,
      confirmTimeoutMs: 200,
      confirmIO: {
        interactive: true,
        ask: (question, signal) => {
          asked.push(question);
          return new Promise((_, reject) =>
            signal.addEventListener("abort", () => reject(signal.reason as Error)),
          );
        },
      },
    });
    expect(asked[0]).toMatch(/\nNo answer within 0\.2 s means no\.\nProceed\? \[y\/N\] $/);
    expect(log).toEqual(["read a"]);
    expect(record).toMatchObject({ outcome: "refused", exitCode: EXIT.refused });
    expect(record.error).toBe(
      "no answer within 0.2 s: not confirmed\nState after the failure: nothing was changed.",
    );
  });

  it("an interruption at the prompt is a refusal: nothing was changed", async () => {
    const log: string[] = [];
    const interrupt = new AbortController();
    const record = await run(readThenChange({ value: "a" }, log), {
      yes: false,
      env,
      interrupt: interrupt.signal,
      confirmIO: {
        interactive: true,
        ask: async (_question, signal) => {
          interrupt.abort("SIGINT"); // Ctrl-C while the question waits
          expect(signal.aborted).toBe(true);
          throw signal.reason;
        },
      },
    });
    expect(log).toEqual(["read a"]);
    expect(record).toMatchObject({ outcome: "refused", exitCode: EXIT.refused });
    expect(record.error).toBe(
      "interrupted at the confirmation prompt (SIGINT): not confirmed\nState after the failure: nothing was changed.",
    );
  });

  it("a lock that cannot be taken names the stack, the database and what to check", async () => {
    const port = await freePort();
    const definition = defineRunbook({
      name: "locked-change",
      summary: "",
      description: "",
      outline: [],
      params: z.object({}),
      plan: () => ({
        steps: [step("change", "change", [])],
        lock: {
          kind: "postgres",
          name: "db-shop-dev-shop",
          // No Secret reference: the password comes from PGPASSWORD, as on a laptop.
          database: {
            ...stack.platform.databases[0]!,
            host: "127.0.0.1",
            port,
            passwordSecret: undefined,
          },
        },
      }),
    });
    const record = await run(definition as unknown as ReturnType<typeof runbookOf>, {
      env: { ...env, PGPASSWORD: "not-used" },
    });
    expect(record.exitCode).toBe(EXIT.failed);
    const db = stack.platform.databases[0]!;
    expect(record.error).toBe(
      `could not take the lock db-shop-dev-shop on database ${db.name} of stack mira-dev (${stack.file}): ` +
        `${db.database} on 127.0.0.1:${port} as ${db.user}: connect ECONNREFUSED 127.0.0.1:${port}. ` +
        "Check that the server is running and reachable from here, and the database's host, port, user and password in the stack file.\n" +
        "State after the failure: nothing was changed.",
    );
  });
});

describe("the state after a failure", () => {
  it("says a change that failed part-way did not complete, with what it may have done", async () => {
    const definition = runbookOf((l) => [
      step("first", "change", l),
      step("second", "change", l, {
        manualUndo: "remove the half-written file",
        run: async () => {
          throw new Error("disk full");
        },
      }),
    ]);
    const record = await run(definition);
    expect(record.error).toBe(
      [
        'step 2 "second" failed: disk full',
        "State after the failure:",
        "  did not complete: second (to undo what it did: remove the half-written file)",
        "  rolled back: first",
      ].join("\n"),
    );
  });

  it("says nothing was changed when a read step fails or the run is interrupted before any change", async () => {
    const failing = runbookOf(() => [
      {
        title: "read",
        kind: "read",
        run: async () => {
          throw new Error("unreachable");
        },
      },
    ]);
    expect((await run(failing)).error).toBe(
      'step 1 "read" failed: unreachable\nState after the failure: nothing was changed.',
    );
    const interrupt = new AbortController();
    const log: string[] = [];
    const interrupted = runbookOf(
      (l) => [
        { title: "read", kind: "read", run: async () => void interrupt.abort("SIGINT") },
        step("change", "change", l),
      ],
      log,
    );
    const record = await run(interrupted, { interrupt: interrupt.signal });
    expect(log).toEqual([]);
    expect(record.error).toBe(
      'interrupted (SIGINT) before "change"\nState after the failure: nothing was changed.',
    );
  });
});
