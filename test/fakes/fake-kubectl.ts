import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Installs the recording kubectl fake (kubectl-fake.mjs) as `kubectl` in a temp bin dir. Put
 * `env()` into the CLI's environment; read `calls()` to see every kubectl invocation.
 */
export interface FakeKubectlResponse {
  /** Leading arguments to match, after --namespace is dropped (e.g. ["rollout", "status"]). */
  readonly match: readonly string[];
  readonly stdout?: string;
  readonly stderr?: string;
  readonly code?: number;
  /** Answer only after this long (a rollout that takes its time). */
  readonly delayMs?: number;
  /** Answer only the n-th call that `match` fits (1-based), e.g. the second `patch secret`. */
  readonly occurrence?: number;
}

export interface FakeKubectlCall {
  readonly argv: string[];
  readonly stdin?: string;
}

export interface FakeKubectl {
  readonly dir: string;
  env(): Record<string, string>;
  respond(responses: readonly FakeKubectlResponse[]): void;
  calls(): FakeKubectlCall[];
  /** Plants a Lease as if another operator held it. */
  holdLease(name: string, holderIdentity: string, acquireTime?: string): void;
  /** The Lease's current holder; undefined when it is free or does not exist. */
  leaseHolder(name: string): string | undefined;
  /** Creates a Secret (plain values) that `get secret` and `patch secret` then work on. */
  plantSecret(name: string, data: Readonly<Record<string, string>>): void;
  /** A planted Secret's values now, decoded; undefined when there is none. */
  secretData(name: string): Record<string, string> | undefined;
  /** Creates a workload ("deployment/web") that get, scale, annotate and rollout act on. */
  plantWorkload(ref: string, replicas: number): void;
  /** A planted workload's replicas and annotations now. */
  workload(ref: string): { replicas: number; annotations: Record<string, string> };
  cleanup(): void;
}

const FAKE = path.join(path.dirname(fileURLToPath(import.meta.url)), "kubectl-fake.mjs");

const workloadFile = (dir: string, ref: string) =>
  path.join(dir, "workloads", `${ref.replace("/", "-")}.json`);

export function installFakeKubectl(): FakeKubectl {
  const dir = mkdtempSync(path.join(tmpdir(), "guardia-fake-kubectl-"));
  mkdirSync(path.join(dir, "leases"));
  writeFileSync(path.join(dir, "calls.jsonl"), "");
  writeFileSync(path.join(dir, "responses.json"), "[]");
  // The wrapper is named kubectl and sits first on PATH, as the real binary would.
  writeFileSync(path.join(dir, "kubectl"), `#!/bin/sh\nexec node ${JSON.stringify(FAKE)} "$@"\n`);
  chmodSync(path.join(dir, "kubectl"), 0o755);
  return {
    dir,
    env: () => ({
      FAKE_KUBECTL_DIR: dir,
      PATH: `${dir}:${process.env.PATH ?? ""}`,
      KUBECTL: "kubectl",
    }),
    respond: (responses) =>
      writeFileSync(path.join(dir, "responses.json"), JSON.stringify(responses)),
    calls: () =>
      readFileSync(path.join(dir, "calls.jsonl"), "utf8")
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line) as FakeKubectlCall),
    holdLease: (name, holderIdentity, acquireTime = new Date().toISOString()) =>
      writeFileSync(
        path.join(dir, "leases", `${name}.json`),
        JSON.stringify({
          metadata: { name, resourceVersion: "7" },
          spec: { holderIdentity, acquireTime, renewTime: acquireTime, leaseDurationSeconds: 7200 },
        }),
      ),
    leaseHolder: (name) => {
      const file = path.join(dir, "leases", `${name}.json`);
      if (!existsSync(file)) return undefined;
      const lease = JSON.parse(readFileSync(file, "utf8")) as {
        spec?: { holderIdentity?: string | null };
      };
      return lease.spec?.holderIdentity ?? undefined;
    },
    plantSecret: (name, data) => {
      mkdirSync(path.join(dir, "secrets"), { recursive: true });
      const encoded = Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString("base64")]);
      const secret = { kind: "Secret", metadata: { name }, data: Object.fromEntries(encoded) };
      writeFileSync(path.join(dir, "secrets", `${name}.json`), JSON.stringify(secret));
    },
    secretData: (name) => {
      const file = path.join(dir, "secrets", `${name}.json`);
      if (!existsSync(file)) return undefined;
      const { data } = JSON.parse(readFileSync(file, "utf8")) as { data: Record<string, string> };
      const decoded = Object.entries(data).map(([k, v]) => [
        k,
        Buffer.from(v, "base64").toString(),
      ]);
      return Object.fromEntries(decoded);
    },
    plantWorkload: (ref, replicas) => {
      mkdirSync(path.join(dir, "workloads"), { recursive: true });
      const [kind, name] = ref.split("/");
      const object = { kind, metadata: { name, annotations: {} }, spec: { replicas } };
      writeFileSync(workloadFile(dir, ref), JSON.stringify(object));
    },
    workload: (ref) => {
      const object = JSON.parse(readFileSync(workloadFile(dir, ref), "utf8")) as {
        spec: { replicas: number };
        metadata: { annotations?: Record<string, string> };
      };
      return { replicas: object.spec.replicas, annotations: object.metadata.annotations ?? {} };
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
