import type { Exec, ExecOptions, ExecResult } from "../runbook/exec.js";

/**
 * kubectl, scoped to the stack's namespace. Runbooks build commands here so the plan shows the
 * exact command line that will run. `KUBECTL` overrides the binary (tests put a recording fake
 * on PATH instead, since no Kubernetes API server runs on these machines).
 */
export interface Kubectl {
  /** The full argv, for plans: ["kubectl", "--namespace", "mira", ...args]. */
  command(args: readonly string[]): string[];
  run(args: readonly string[], options?: ExecOptions): Promise<ExecResult>;
  /** Runs with `-o json` and parses the output. */
  json<T>(args: readonly string[], options?: ExecOptions): Promise<T>;
  /** One key of a Secret, decoded; its output never reaches a record. */
  readSecret(name: string, key: string): Promise<string>;
}

export function createKubectl(
  exec: Exec,
  namespace: string,
  binary = process.env.KUBECTL ?? "kubectl",
): Kubectl {
  const command = (args: readonly string[]) => [binary, "--namespace", namespace, ...args];
  return {
    command,
    run: (args, options) => exec(command(args), options),
    json: async <T>(args: readonly string[], options?: ExecOptions) => {
      const { stdout } = await exec(command([...args, "-o", "json"]), options);
      return JSON.parse(stdout) as T;
    },
    readSecret: async (name, key) => {
      const jsonPath = `{.data.${key.replace(/\./g, "\\.")}}`;
      const { stdout } = await exec(
        command(["get", "secret", name, "-o", `jsonpath=${jsonPath}`]),
        {
          sensitiveOutput: true,
        },
      );
      if (!stdout.trim()) throw new Error(`Secret ${namespace}/${name} has no key "${key}"`);
      return Buffer.from(stdout.trim(), "base64").toString("utf8");
    },
  };
}
