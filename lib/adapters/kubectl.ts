import type { Command } from "../command.js";
import { t } from "../i18n/index.js";
import type { Exec, ExecOptions, ExecResult } from "../runbook/exec.js";

/**
 * kubectl, scoped to the stack's namespace. Runbooks build their kubectl commands here, once, as
 * `Command` values that the plan prints and the step runs. `KUBECTL` overrides the binary (tests
 * put a recording fake on PATH instead, since no Kubernetes API server runs on these machines).
 */
export interface Kubectl {
  /** The command, for plans and `exec`: ["kubectl", "--namespace", "mira", ...args]. */
  command(args: readonly string[]): Command;
  run(args: readonly string[], options?: ExecOptions): Promise<ExecResult>;
  /** Runs `args` with `-o json` and parses the output. */
  json<T>(args: readonly string[], options?: ExecOptions): Promise<T>;
  /** One key of a Secret, decoded; its output never reaches a record. */
  readSecret(name: string, key: string): Promise<string>;
}

export function createKubectl(
  exec: Exec,
  namespace: string,
  binary = process.env.KUBECTL ?? "kubectl",
): Kubectl {
  const command = (args: readonly string[]): Command => ({
    argv: [binary, "--namespace", namespace, ...args],
  });
  return {
    command,
    run: (args, options) => exec(command(args), options),
    json: async <T>(args: readonly string[], options?: ExecOptions) =>
      parseJson<T>(await exec(command([...args, "-o", "json"]), options)),
    readSecret: async (name, key) => {
      const jsonPath = `{.data.${key.replace(/\./g, "\\.")}}`;
      const { stdout } = await exec(
        command(["get", "secret", name, "-o", `jsonpath=${jsonPath}`]),
        { sensitiveOutput: true },
      );
      if (!stdout.trim()) throw new Error(t`Secret ${namespace}/${name} has no key "${key}"`);
      return Buffer.from(stdout.trim(), "base64").toString("utf8");
    },
  };
}

/** The output of a `-o json` command. */
export function parseJson<T>(result: ExecResult): T {
  return JSON.parse(result.stdout) as T;
}
