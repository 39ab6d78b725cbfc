import type { Kubectl } from "../adapters/kubectl.js";
import { MANAGED_BY } from "../naming.js";
import { holderIdentity, LockHeldError, type HeldLock, type LockHolder } from "./locks.js";

/**
 * A coordination.k8s.io Lease per target: `kubectl create` succeeds for exactly one operator.
 * The lease is not renewed; it lapses after LEASE_SECONDS so a crashed laptop cannot block the
 * target for ever, and a later run takes over a lapsed lease.
 */
const LEASE_SECONDS = 2 * 3600;

interface Lease {
  spec?: {
    holderIdentity?: string;
    acquireTime?: string;
    renewTime?: string;
    leaseDurationSeconds?: number;
  };
}

export async function acquireLease(
  name: string,
  kubectl: Kubectl,
  holder: LockHolder,
): Promise<HeldLock> {
  const leaseName = `guardia-lock-${name}`.slice(0, 63).replace(/-+$/, "");
  for (let attempt = 0; attempt < 2; attempt++) {
    const created = await kubectl.run(["create", "-f", "-"], {
      input: JSON.stringify(leaseManifest(leaseName, holder)),
      allowFailure: true,
    });
    if (created.code === 0) {
      return {
        description: `Lease ${leaseName}`,
        lost: () => undefined,
        release: async () => {
          await kubectl.run(["delete", "lease", leaseName, "--ignore-not-found"], {
            allowFailure: true,
          });
        },
      };
    }
    if (!/AlreadyExists|already exists/i.test(created.stderr)) {
      throw new Error(`could not create Lease ${leaseName}: ${created.stderr.trim()}`);
    }
    const existing = await kubectl.json<Lease>(["get", "lease", leaseName]);
    if (!lapsed(existing)) {
      throw new LockHeldError(
        name,
        existing.spec?.holderIdentity ?? "unknown",
        existing.spec?.acquireTime,
      );
    }
    await kubectl.run(["delete", "lease", leaseName, "--ignore-not-found"]);
  }
  throw new Error(`could not take over the lapsed Lease ${leaseName}`);
}

function leaseManifest(name: string, holder: LockHolder) {
  const now = new Date().toISOString().replace("Z", "000Z");
  return {
    apiVersion: "coordination.k8s.io/v1",
    kind: "Lease",
    metadata: { name, labels: { "app.kubernetes.io/managed-by": MANAGED_BY } },
    spec: {
      holderIdentity: holderIdentity(holder),
      acquireTime: now,
      renewTime: now,
      leaseDurationSeconds: LEASE_SECONDS,
    },
  };
}

function lapsed(lease: Lease): boolean {
  const renewed = Date.parse(lease.spec?.renewTime ?? lease.spec?.acquireTime ?? "");
  const seconds = lease.spec?.leaseDurationSeconds ?? LEASE_SECONDS;
  return Number.isFinite(renewed) && renewed + seconds * 1000 < Date.now();
}
