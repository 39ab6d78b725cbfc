import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { installFakeKubectl, type FakeKubectl } from "../fakes/fake-kubectl.js";
import { runCli, type CliOptions, type CliResult } from "../harness/cli.js";
import { startHttpServer, type HttpServer } from "../harness/http.js";
import { startPostgres, type PgServer } from "../harness/postgres.js";
import { waitUntil } from "../harness/process.js";
import { createShopRoles, DB, OLD, OWNER, rollout, shopStack } from "./shop-db.js";

/**
 * rotate-db-password with a failure injected at each step of its own plan (read from a dry run,
 * so a new step is covered, or this test fails for want of a fault to inject there): kubectl
 * steps get a scripted failure of exactly their command from the recording fake; PostgreSQL
 * steps a real fault (a role that may not ALTER ROLE, a role that may not log in, a session
 * still open with the old password); the health check a real endpoint answering 500. After
 * each, against the real server: the old password logs in, the new one does not; the Secret
 * holds exactly what it held; the run says what state it left. Then a run killed with SIGKILL
 * mid-rollout, and the next run that repairs what it left.
 */

let server: PgServer;
let web: HttpServer;
let healthy = true;
let kubectl: FakeKubectl;
let work: string;
beforeAll(async () => {
  server = await startPostgres();
  web = await startHttpServer((_req, res) => void res.writeHead(healthy ? 200 : 500).end());
  await createShopRoles(server);
  work = mkdtempSync(path.join(tmpdir(), "guardia-rotate-db-faults-"));
}, 120_000);

afterAll(async () => {
  kubectl?.cleanup();
  await web?.stop();
  await server?.stop();
});

beforeEach(() => {
  kubectl?.cleanup();
  kubectl = installFakeKubectl();
  kubectl.respond(rollout());
  healthy = true;
});

interface Mode {
  readonly name: string;
  readonly database: object;
  /** The Secret before every run, and the login it names. */
  readonly secret: Readonly<Record<string, string>>;
  readonly login: string;
  /** The role that gets the new password. */
  readonly target: string;
}

const MODES: readonly Mode[] = [
  { name: "one login role", database: {}, secret: { password: OLD }, login: "app", target: "app" },
  {
    name: "two login roles",
    database: { user: OWNER, users: ["app_a", "app_b"] },
    secret: { username: "app_a", password: `${OLD}-app_a` },
    login: "app_a",
    target: "app_b",
  },
];

const stacks = new Map<Mode, string>();

function stack(mode: Mode): string {
  if (!stacks.has(mode)) stacks.set(mode, stackFile(mode));
  return stacks.get(mode)!;
}

function stackFile(mode: Mode): string {
  return shopStack(server, mode.database, { health: [{ url: `${web.url}/health` }] });
}

const canLogIn = (user: string, password: string) => server.canLogIn(user, password, DB);

let runs = 0;

function rotate(
  mode: Mode,
  args: readonly string[],
  onSpawn?: CliOptions["onSpawn"],
): Promise<CliResult> {
  const audit = path.join(work, `${runs++}.audit.jsonl`);
  return runCli(["rotate-db-password", "--stack", stack(mode), "--database", "shop", ...args], {
    env: { ...kubectl.env(), GUARDIA_AUDIT_FILE: audit, XDG_STATE_HOME: work },
    timeoutMs: 300_000,
    ...(onSpawn && { onSpawn }),
  });
}

interface PlannedStep {
  readonly title: string;
  readonly kind: "read" | "change" | "verify";
  readonly action?: { command?: { argv: string[] }; call?: string };
}

/** The plan as the runbook makes it: the steps of a dry run's record. */
async function plannedSteps(mode: Mode): Promise<PlannedStep[]> {
  kubectl.plantSecret("shop-db", mode.secret);
  const dry = await rotate(mode, ["--dry-run", "--json"]);
  expect(dry.code, dry.stderr).toBe(0);
  return (JSON.parse(dry.stdout) as { steps: PlannedStep[] }).steps;
}

/** A fault for one step: set up before the run, taken away after it. */
interface Fault {
  readonly what: string;
  inject(): Promise<void>;
  remove(): Promise<void>;
}

/**
 * The fault for the step at `index`, from what the step does. A step of a kind this does not
 * know fails the test: a new step needs a fault here.
 */
function faultFor(mode: Mode, steps: readonly PlannedStep[], index: number): Fault {
  const step = steps[index]!;
  const argv = step.action?.command?.argv;
  if (argv?.[0] === "kubectl") return kubectlFault(steps, index);
  const call = step.action?.call ?? "";
  if (call.includes("ALTER ROLE")) return alterFault(mode);
  if (call.startsWith("GET ")) {
    return {
      what: "the health endpoint answers 500",
      inject: async () => void (healthy = false),
      remove: async () => void (healthy = true),
    };
  }
  if (call.includes("pg_stat_activity")) return lingeringSession(mode);
  throw new Error(`no fault to inject at step "${step.title}" (${JSON.stringify(step.action)})`);
}

/** The n-th kubectl call with this step's arguments fails, n counted along the plan. */
function kubectlFault(steps: readonly PlannedStep[], index: number): Fault {
  const args = (step: PlannedStep) => step.action?.command?.argv.slice(3).join(" ");
  const mine = args(steps[index]!)!;
  const occurrence = steps.slice(0, index + 1).filter((s) => args(s) === mine).length;
  return {
    what: `kubectl ${mine} (call ${occurrence}) fails`,
    inject: async () =>
      kubectl.respond([
        {
          match: mine.split(" "),
          occurrence,
          stderr: "Error from server (InternalError)\n",
          code: 1,
        },
        ...rollout(),
      ]),
    remove: async () => kubectl.respond(rollout()),
  };
}

/**
 * One role: it may not run ALTER ROLE (read-only transactions by default), so the change is
 * refused. Two roles: the idle role may not log in, so its new password is set but unusable.
 */
function alterFault(mode: Mode): Fault {
  const [set, reset] =
    mode.target === mode.login
      ? [`ALTER ROLE app SET default_transaction_read_only = on`, `ALTER ROLE app RESET ALL`]
      : [`ALTER ROLE ${mode.target} NOLOGIN`, `ALTER ROLE ${mode.target} LOGIN`];
  return {
    what: set,
    inject: async () => void (await server.query(set)),
    remove: async () => void (await server.query(reset)),
  };
}

/** A client nobody declared, logged in with the old credentials before the run and still there. */
function lingeringSession(mode: Mode): Fault {
  const client = new pg.Client({
    ...{ host: "127.0.0.1", port: server.port, database: DB, user: mode.login },
    ...{ password: mode.secret.password, application_name: "cron-report" },
  });
  client.on("error", () => {});
  return {
    what: "a session of the old login stays open",
    inject: async () => void (await client.connect()),
    remove: () => client.end(),
  };
}

/** Every password a patch of this run put in the Secret: the new ones, as the fake recorded. */
function patchedPasswords(): string[] {
  return kubectl
    .calls()
    .filter((c) => c.argv.includes("patch"))
    .flatMap((c) => Object.entries(JSON.parse(c.stdin!).data as Record<string, string | null>))
    .filter(([key, value]) => key === "password" && value !== null)
    .map(([, b64]) => Buffer.from(b64!, "base64").toString());
}

/** What the state statement must say of each change made before the failing step. */
function expectStateStatement(output: string, steps: readonly PlannedStep[], index: number): void {
  const changed = steps.slice(0, index).filter((s) => s.kind === "change");
  const state = output.slice(output.indexOf("State after the failure"));
  expect(state, output).toMatch(/^State after the failure/);
  expect(state).not.toContain("ROLLBACK FAILED");
  if (changed.length === 0 && steps[index]!.kind !== "change")
    expect(state).toContain("nothing was changed");
  for (const step of changed)
    expect(state).toMatch(new RegExp(`(rolled back|left as is): ${escape(step.title)}`));
  if (steps[index]!.kind === "change")
    expect(state).toContain(`did not complete: ${steps[index]!.title}`);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

describe.each(MODES)("rotate-db-password, $name: a failure at each step", (mode) => {
  it(
    "leaves the old password working, the new one refused, the Secret as it was, and says so",
    async () => {
      const steps = await plannedSteps(mode);
      expect(steps.length).toBeGreaterThanOrEqual(10);
      for (const [index, step] of steps.entries()) {
        kubectl.cleanup();
        kubectl = installFakeKubectl();
        kubectl.respond(rollout());
        kubectl.plantSecret("shop-db", mode.secret);
        const fault = faultFor(mode, steps, index);
        await fault.inject();
        const run = await rotate(mode, ["--yes"]).finally(() => fault.remove());
        const at = `step ${index + 1} "${step.title}", ${fault.what}`;
        const output = run.stdout + run.stderr;
        expect(run.code, `${at}\n${output}`).toBe(1);
        expect(output, at).toContain(`step ${index + 1} "${step.title}" failed`);
        expect(await canLogIn(mode.login, mode.secret.password!), at).toBe(true);
        expect(kubectl.secretData("shop-db"), at).toEqual(mode.secret);
        // With two roles the idle one may keep its new password: it is in no Secret any more.
        if (mode.target === mode.login)
          for (const fresh of patchedPasswords().filter((p) => p !== mode.secret.password))
            expect(await canLogIn(mode.target, fresh), at).toBe(false);
        expectStateStatement(output, steps, index);
      }
    },
    // Each step's case is a whole rotation with its own CLI timeout (300 s): as many as steps.
    12 * 300_000,
  );
});

describe("rotate-db-password killed mid-run", () => {
  const mode = MODES[0]!;

  it("leaves <key>-previous; the next run starts from the value PostgreSQL accepts and repairs the Secret", async () => {
    kubectl.plantSecret("shop-db", mode.secret);
    kubectl.respond([
      { match: ["rollout", "status", "deployment/worker"], stdout: "never\n", delayMs: 20_000 },
      ...rollout(),
    ]);
    const waiting = () =>
      kubectl.calls().some((c) => c.argv.join(" ").includes("rollout status deployment/worker"));
    const killed = await rotate(mode, ["--yes"], (child) => {
      void waitUntil(
        async () => waiting(),
        120_000,
        () => "the run never reached the worker's rollout",
      )
        .then(() => child.kill("SIGKILL"))
        .catch(() => child.kill("SIGKILL"));
    });
    expect(killed.code).toBe(-1);
    const left = kubectl.secretData("shop-db")!;
    expect(Object.keys(left).sort()).toEqual(["password", "password-previous"]);
    expect(left["password-previous"]).toBe(OLD);
    const interrupted = left.password!;
    expect(await canLogIn("app", interrupted)).toBe(true);
    expect(await canLogIn("app", OLD)).toBe(false);

    kubectl.respond(rollout());
    const next = await rotate(mode, ["--yes"]);
    expect(next.code, next.stdout + next.stderr).toBe(0);
    expect(next.stdout + next.stderr).toContain(
      "password-previous left by a rotation that did not finish: this run starts from password and removes them",
    );
    const repaired = kubectl.secretData("shop-db")!;
    expect(Object.keys(repaired)).toEqual(["password"]);
    expect(await canLogIn("app", repaired.password!)).toBe(true);
    for (const stale of [OLD, interrupted]) expect(await canLogIn("app", stale)).toBe(false);
    await server.query(`ALTER ROLE app PASSWORD '${OLD}'`);
  }, 300_000);
});
