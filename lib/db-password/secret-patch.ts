import type { Kubectl } from "../adapters/kubectl.js";
import type { Command } from "../command.js";
import type { Exec } from "../runbook/exec.js";
import { Secret } from "../secret.js";
import { t } from "../i18n/index.js";

/**
 * A database's Kubernetes Secret as rotate-db-password reads and changes it: read whole (its
 * output is never recorded), changed with a JSON merge patch that kubectl reads from stdin, so
 * no value is ever in a process's arguments, a plan or a record; the plan names the keys only.
 */

/** Key → value to set (a Secret; a plain string for a role name), or null to remove the key. */
export type SecretChange = Readonly<Record<string, Secret | string | null>>;

/** `kubectl patch secret <name> --type=merge --patch-file=/dev/stdin`: the values on stdin. */
export function patchCommand(kubectl: Kubectl, name: string): Command {
  return kubectl.command(["patch", "secret", name, "--type=merge", "--patch-file=/dev/stdin"]);
}

/** What the plan shows of a change: "password (set), password-previous (removed)". */
export function changeText(change: SecretChange): string {
  return Object.entries(change)
    .map(([key, value]) => (value === null ? t`${key} (removed)` : t`${key} (set)`))
    .join(", ");
}

export async function patchSecret(
  exec: Exec,
  command: Command,
  change: SecretChange,
): Promise<void> {
  const data = Object.fromEntries(
    Object.entries(change).map(([key, value]) => [
      key,
      value === null
        ? null
        : Buffer.from(typeof value === "string" ? value : value.reveal()).toString("base64"),
    ]),
  );
  await exec(command, { input: JSON.stringify({ data }), sensitiveOutput: true });
}

export interface SecretData {
  readonly secrets: Readonly<Record<string, Secret>>;
  /** The keys in `plainKeys` (a role name is no secret, and masking it would hide it everywhere). */
  readonly plain: Readonly<Record<string, string>>;
}

/** `kubectl get secret <name> -o json`: its output is never recorded. */
export function getSecretCommand(kubectl: Kubectl, name: string): Command {
  return kubectl.command(["get", "secret", name, "-o", "json"]);
}

/**
 * Every key of Secret `name`, decoded by running `command` (its `getSecretCommand`); each value
 * but `plainKeys`' wrapped as a Secret at once.
 */
export async function readSecretData(
  exec: Exec,
  command: Command,
  name: string,
  plainKeys: readonly string[],
): Promise<SecretData> {
  const { stdout } = await exec(command, { sensitiveOutput: true });
  const data = (JSON.parse(stdout) as { data?: Record<string, string> }).data ?? {};
  const decoded = Object.entries(data).map(
    ([k, b64]) => [k, Buffer.from(b64, "base64").toString("utf8")] as const,
  );
  return {
    secrets: Object.fromEntries(
      decoded
        .filter(([k]) => !plainKeys.includes(k))
        .map(([k, v]) => [k, new Secret(v, `${k} of Secret ${name}`)]),
    ),
    plain: Object.fromEntries(decoded.filter(([k]) => plainKeys.includes(k))),
  };
}
