import type { Kubectl } from "../adapters/kubectl.js";
import { t } from "../i18n/index.js";
import { MANAGED_BY } from "../naming.js";
import { holderIdentity, LockHeldError, type HeldLock, type LockHolder } from "./locks.js";

/**
 * A coordination.k8s.io Lease per target. Every change after the first create is a `kubectl
 * replace` at the resourceVersion just read, so the API server lets exactly one of two racing
 * operators win: taking over a free or lapsed Lease, and releasing one (which clears the holder
 * instead of deleting the object, and only while the holder is still us). The Lease is not
 * renewed; it lapses after LEASE_SECONDS so a crashed laptop cannot block the target for ever.
 */
const LEASE_SECONDS = 2 * 3600;

interface Lease {
  metadata?: { name?: string; resourceVersion?: string; labels?: Record<string, string> };
  spec?: {
    holderIdentity?: string | null;
    acquireTime?: string | null;
    renewTime?: string | null;
    leaseDurationSeconds?: number;
  };
}

export async function acquireLease(
  name: string,
  kubectl: Kubectl,
  holder: LockHolder,
): Promise<HeldLock> {
  const leaseName = `guardia-lock-${name}`.slice(0, 63).replace(/-+$/, "");
  const identity = holderIdentity(holder);
  const created = await kubectl.run(["create", "-f", "-"], {
    input: JSON.stringify(leaseManifest(leaseName, identity)),
    allowFailure: true,
  });
  if (created.code !== 0) {
    if (!/AlreadyExists|already exists/i.test(created.stderr)) {
      throw new Error(t`could not create Lease ${leaseName}: ${created.stderr.trim()}`);
    }
    await takeOver(leaseName, identity, name, kubectl);
  }
  return {
    description: t`Lease ${leaseName}`,
    lost: () => undefined,
    release: () => release(leaseName, identity, kubectl),
  };
}

/** Takes a free or lapsed Lease at the version just read; anyone else's live Lease refuses the run. */
async function takeOver(leaseName: string, identity: string, lockName: string, kubectl: Kubectl) {
  const existing = await kubectl.json<Lease>(["get", "lease", leaseName]);
  if (!isFree(existing)) {
    throw new LockHeldError(
      lockName,
      existing.spec?.holderIdentity ?? "unknown",
      existing.spec?.acquireTime ?? undefined,
    );
  }
  const replaced = await replace(kubectl, existing, leaseManifest(leaseName, identity));
  if (!replaced) {
    // Someone else took it between our read and our write: say who.
    const winner = await kubectl.json<Lease>(["get", "lease", leaseName]);
    throw new LockHeldError(
      lockName,
      winner.spec?.holderIdentity ?? "unknown",
      winner.spec?.acquireTime ?? undefined,
    );
  }
}

/** Clears the holder if it is still us; a Lease taken over after it lapsed is left to its new holder. */
async function release(leaseName: string, identity: string, kubectl: Kubectl): Promise<void> {
  const current = await kubectl
    .json<Lease>(["get", "lease", leaseName], { allowFailure: true })
    .catch(() => undefined);
  if (current?.spec?.holderIdentity !== identity) return;
  const cleared: Lease = {
    ...leaseManifest(leaseName, identity),
    spec: {
      holderIdentity: null,
      acquireTime: null,
      renewTime: null,
      leaseDurationSeconds: LEASE_SECONDS,
    },
  };
  await replace(kubectl, current, cleared);
}

/** `kubectl replace` at `observed`'s resourceVersion; false when the Lease changed meanwhile. */
async function replace(kubectl: Kubectl, observed: Lease, next: Lease): Promise<boolean> {
  const body = {
    ...next,
    metadata: { ...next.metadata, resourceVersion: observed.metadata?.resourceVersion },
  };
  const result = await kubectl.run(["replace", "-f", "-"], {
    input: JSON.stringify(body),
    allowFailure: true,
  });
  if (result.code === 0) return true;
  if (/Conflict|the object has been modified/i.test(result.stderr)) return false;
  throw new Error(t`could not update Lease ${next.metadata?.name}: ${result.stderr.trim()}`);
}

function leaseManifest(
  name: string,
  identity: string,
): Lease & { apiVersion: string; kind: string } {
  const now = new Date().toISOString().replace("Z", "000Z");
  return {
    apiVersion: "coordination.k8s.io/v1",
    kind: "Lease",
    metadata: { name, labels: { "app.kubernetes.io/managed-by": MANAGED_BY } },
    spec: {
      holderIdentity: identity,
      acquireTime: now,
      renewTime: now,
      leaseDurationSeconds: LEASE_SECONDS,
    },
  };
}

/** Released (no holder) or lapsed (not renewed within its duration). */
function isFree(lease: Lease): boolean {
  if (!lease.spec?.holderIdentity) return true;
  const renewed = Date.parse(lease.spec.renewTime ?? lease.spec.acquireTime ?? "");
  const seconds = lease.spec.leaseDurationSeconds ?? LEASE_SECONDS;
  return Number.isFinite(renewed) && renewed + seconds * 1000 < Date.now();
}
