import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKubectl } from "../../lib/adapters/kubectl.js";
import { createExec } from "../../lib/runbook/exec.js";
import { acquireLease } from "../../lib/runbook/lock-lease.js";
import { LockHeldError } from "../../lib/runbook/locks.js";
import { installFakeKubectl, type FakeKubectl } from "../fakes/fake-kubectl.js";

/**
 * The Lease lock against the recording kubectl fake, which keeps resourceVersions and refuses a
 * stale `replace` as the API server does: the races two laptops can run into.
 */

let fake: FakeKubectl;
const saved = { ...process.env };
const LEASE = "guardia-lock-shop-web";
const holder = (operator: string) => ({ operator, runbook: "restart-service", stack: "shop-prod" });

beforeAll(() => {
  fake = installFakeKubectl();
  Object.assign(process.env, fake.env());
});

afterAll(() => {
  process.env = saved;
  fake.cleanup();
});

const kubectl = () => createKubectl(createExec(), "shop", "kubectl");

/** Makes the Lease look as if it had not been renewed for three hours. */
function lapse(): void {
  const file = path.join(fake.dir, "leases", `${LEASE}.json`);
  const lease = JSON.parse(readFileSync(file, "utf8")) as { spec: Record<string, string> };
  const old = new Date(Date.now() - 3 * 3600_000).toISOString();
  writeFileSync(
    file,
    JSON.stringify({ ...lease, spec: { ...lease.spec, acquireTime: old, renewTime: old } }),
  );
}

describe("Lease lock", () => {
  it("a holder whose Lease lapsed and was taken over cannot release its successor's", async () => {
    const alice = await acquireLease("shop-web", kubectl(), holder("alice"));
    lapse();
    const bob = await acquireLease("shop-web", kubectl(), holder("bob"));
    await alice.release();
    expect(fake.leaseHolder(LEASE)).toBe("bob (restart-service on shop-prod)");
    await expect(acquireLease("shop-web", kubectl(), holder("carol"))).rejects.toThrow(
      /^lock "shop-web" is held by bob \(restart-service on shop-prod\) since /,
    );
    await bob.release();
    expect(fake.leaseHolder(LEASE)).toBeUndefined();
  });

  it("of two operators taking over a lapsed Lease at once, exactly one wins", async () => {
    const first = await acquireLease("shop-web", kubectl(), holder("dave"));
    lapse();
    const results = await Promise.allSettled([
      acquireLease("shop-web", kubectl(), holder("erin")),
      acquireLease("shop-web", kubectl(), holder("frank")),
    ]);
    const won = results.filter((r) => r.status === "fulfilled");
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]!.reason).toBeInstanceOf(LockHeldError);
    const winner = fake.leaseHolder(LEASE);
    expect([
      "erin (restart-service on shop-prod)",
      "frank (restart-service on shop-prod)",
    ]).toContain(winner);
    expect((lost[0]!.reason as Error).message).toContain(`is held by ${winner}`);
    await first.release();
    expect(fake.leaseHolder(LEASE)).toBe(winner);
  });

  it("a released Lease is taken by the next operator", async () => {
    const gina = await acquireLease("shop-web2", kubectl(), holder("gina"));
    await gina.release();
    const hank = await acquireLease("shop-web2", kubectl(), holder("hank"));
    expect(fake.leaseHolder("guardia-lock-shop-web2")).toBe("hank (restart-service on shop-prod)");
    await hank.release();
  });
});
