import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHttpServer, type HttpServer } from "../harness/http.js";
import {
  databaseNames,
  databaseSettings,
  LIVE,
  startWorld,
  tableChecksums,
  type World,
} from "./helpers.js";

/**
 * restore-db runs the smoke flows of the services that use the database after the swap, on real
 * PostgreSQL: the service is a real HTTP server on loopback that reads the case it is asked for
 * from the live database (a new connection per request, as an application reconnects after the
 * swap ended its sessions), so the flow sees whatever the swap made live. A flow that fails on
 * the restored data undoes the swap: the live database holds exactly what it held before. The
 * same holds for --rollback: a flow that fails on the kept copy leaves the restored one live.
 */

let world: World;
let app: HttpServer;
let atBackup: Record<string, string>;
let changed: Record<string, string>;

/** GET /api/casos/<id> → {"id", "estado"} read from the live database; /health → 200. */
async function startCaseService(): Promise<HttpServer> {
  const { pg: server } = world;
  return startHttpServer((req, res) => {
    const id = /^\/api\/casos\/(\d+)$/.exec(req.url ?? "")?.[1];
    if (req.url === "/health") return void res.writeHead(200).end("ok");
    if (!id) return void res.writeHead(404).end();
    const client = new pg.Client({
      host: server.host,
      port: server.port,
      user: server.user,
      password: server.password,
      database: LIVE,
    });
    client
      .connect()
      .then(() => client.query("SELECT id, estado FROM onco_casos WHERE id = $1", [id]))
      .then((result) => {
        const row = result.rows[0] as { id: string; estado: string } | undefined;
        if (!row) return void res.writeHead(404).end();
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ id: Number(row.id), estado: row.estado }));
      })
      .catch((err: Error) => void res.writeHead(503).end(err.message))
      .finally(() => void client.end().catch(() => {}));
  });
}

beforeAll(async () => {
  world = await startWorld();
  app = await startCaseService();
  atBackup = (await world.backup()).checksums;
  // Case 1 is "confirmado" in the backup; live has it discharged since, among other changes.
  changed = await world.change(
    "UPDATE onco_casos SET estado = 'alta' WHERE id = 1 OR id % 7 = 0",
    "DELETE FROM onco_episodios WHERE id % 5 = 0",
  );
}, 240_000);

afterAll(async () => {
  await app?.stop();
  await world?.stop();
});

/** A stack whose service `web` uses the database; its flow opens case 1 and expects `estado`. */
function stackExpecting(estado: string): string {
  return world.localStackWith([{ name: "web", health: [{ url: `${app.url}/health` }] }], {
    flows: [
      {
        name: "open-case",
        service: "web",
        steps: [
          {
            name: "case-1",
            request: { url: `${app.url}/api/casos/1` },
            expect: { json: [{ path: "estado", equals: estado }] },
          },
        ],
      },
    ],
  });
}

const restore = (stack: string, ...extra: string[]) =>
  world.guardia(["restore-db", "--stack", stack, "--database", "mira", "--yes", ...extra]);

describe("restore-db: the smoke flows of the usedBy services after the swap", () => {
  it("a dry run lists the flow after the health check, with its request, and changes nothing", async () => {
    const plan = await restore(stackExpecting("confirmado"), "--dry-run", "--json");
    expect(plan.code, plan.stderr).toBe(0);
    const titles: string[] = plan.json.steps.map((s: { title: string }) => s.title);
    const health = titles.findIndex((t) => t.startsWith("Health-check mira"));
    expect(titles.slice(health + 1)).toEqual([
      "Smoke flow open-case of web",
      "Verdict: every smoke flow passed",
    ]);
    expect(plan.json.steps[health + 1]).toMatchObject({
      kind: "verify",
      status: "planned",
      action: { call: `GET ${app.url}/api/casos/1 → expect 200, estado = "confirmado"` },
    });
    expect(app.requests.filter((r) => r.startsWith("/api/"))).toEqual([]);
    expect(await databaseNames(world.pg)).toEqual([LIVE]);
    expect(await tableChecksums(world.pg, LIVE)).toEqual(changed);
  }, 240_000);

  it("a flow that fails on the restored data undoes the swap: live holds exactly what it held", async () => {
    const settings = await databaseSettings(world.pg, LIVE);
    const before = app.requests.length;
    // The flow insists on the discharge made after the backup: the restored data lacks it.
    const run = await restore(stackExpecting("alta"));
    expect(run.code, run.stdout + run.stderr).toBe(1);
    // The flow ran against the swapped-in copy, and found the backup's value there.
    expect(app.requests.slice(before)).toContain("/api/casos/1");
    expect(run.stderr).toContain(
      'smoke flow(s) failed: open-case: step case-1: estado is "confirmado", expected "alta"',
    );
    expect(run.stderr).toMatch(/State after the failure:\n/);
    expect(run.stderr).toContain(`rolled back: Rename ${LIVE} → ${LIVE}__pre_restore_`);
    expect(run.stderr).toContain("rolled back: Rename the incoming copy");
    expect(run.stderr).toMatch(/rolled back: Restore into mira_production__restore_/);
    expect(run.stdout).toMatch(
      new RegExp(
        `^${LIVE} was NOT restored from backup \\S+: after the swap, smoke flow\\(s\\) failed`,
        "m",
      ),
    );
    expect(await tableChecksums(world.pg, LIVE)).toEqual(changed);
    expect(await databaseSettings(world.pg, LIVE)).toEqual(settings);
    // Neither the restored copy nor a kept one is left: the swap is undone, not half done.
    expect(await databaseNames(world.pg)).toEqual([LIVE]);
  }, 240_000);

  it("a flow that passes on the restored data: the restore is done, the flow in the result", async () => {
    const run = await restore(stackExpecting("confirmado"), "--json");
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(await tableChecksums(world.pg, LIVE)).toEqual(atBackup);
    const [flow] = run.json.result.smoke;
    expect(flow).toMatchObject({ flow: "open-case", service: "web", ok: true });
    expect(flow.steps).toMatchObject([{ step: "case-1", ok: true, status: 200 }]);
    const steps = run.json.steps.slice(-2);
    expect(steps.map((s: { status: string }) => s.status)).toEqual(["ok", "ok"]);
    expect(steps[1].summary).toBe("1 flow(s) passed");
  }, 240_000);

  it("--rollback runs the flows too: one that fails on the kept copy leaves the restored database live", async () => {
    const names = await databaseNames(world.pg);
    const kept = names.find((n) => n.startsWith(`${LIVE}__pre_restore_`));
    expect(kept, names.join(", ")).toBeDefined();
    // The flow wants the restored value; the kept copy still has the discharge.
    const run = await restore(stackExpecting("confirmado"), "--rollback");
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.stderr).toContain(
      'smoke flow(s) failed: open-case: step case-1: estado is "alta", expected "confirmado"',
    );
    expect(run.stdout).toContain(`${LIVE} was NOT swapped for ${kept}`);
    expect(await tableChecksums(world.pg, LIVE)).toEqual(atBackup);
    expect(await databaseNames(world.pg)).toEqual(names);
  }, 240_000);
});
