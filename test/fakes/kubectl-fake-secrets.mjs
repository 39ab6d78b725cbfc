// Secrets for the recording kubectl fake (kubectl-fake.mjs), kept as files so a runbook that
// reads a Secret sees what an earlier call patched into it, as with the real API server. Only
// Secrets planted in $FAKE_KUBECTL_DIR/secrets/<name>.json exist; other calls fall through to the
// scripted answers. Handles `get secret <name> [-o json | -o jsonpath={.data.<key>}]` and
// `patch secret <name> --type=merge --patch-file=/dev/stdin` (a JSON merge patch: null removes).
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";

export function secretAnswer(dir, args, stdin) {
  if (args[1] !== "secret" || !["get", "patch"].includes(args[0])) return undefined;
  const file = path.join(dir, "secrets", `${args[2]}.json`);
  if (!existsSync(file))
    return { stderr: `Error from server (NotFound): secrets "${args[2]}" not found\n`, code: 1 };
  const secret = JSON.parse(readFileSync(file, "utf8"));
  if (args[0] === "patch") {
    if (!args.includes("--type=merge") || stdin === undefined)
      return { stderr: "kubectl-fake: only merge patches from stdin\n", code: 1 };
    for (const [key, value] of Object.entries(JSON.parse(stdin).data ?? {})) {
      if (value === null) delete secret.data[key];
      else secret.data[key] = value;
    }
    writeFileSync(`${file}.${process.pid}.tmp`, JSON.stringify(secret));
    renameSync(`${file}.${process.pid}.tmp`, file);
    return { stdout: `secret/${args[2]} patched\n` };
  }
  const output = args[args.indexOf("-o") + 1];
  const key = /^jsonpath=\{\.data\.(.+)\}$/.exec(output ?? "")?.[1]?.replace(/\\\./g, ".");
  if (key !== undefined) return { stdout: secret.data[key] ?? "" };
  return { stdout: JSON.stringify(secret) };
}
