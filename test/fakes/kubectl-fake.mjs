#!/usr/bin/env node
// A recording fake of kubectl for tests: no Kubernetes API server can run on these machines.
// Every invocation is appended to $FAKE_KUBECTL_DIR/calls.jsonl; Leases are kept as files so
// locks behave like the real API (create fails with AlreadyExists); other answers come from
// $FAKE_KUBECTL_DIR/responses.json ({ match: [...args], stdout, stderr, code }, first match wins).
import {
  appendFileSync,
  existsSync,
  readFileSync,
  rmSync,
  writeFileSync,
  mkdirSync,
} from "node:fs";
import path from "node:path";

const dir = process.env.FAKE_KUBECTL_DIR;
if (!dir) {
  process.stderr.write("kubectl-fake: FAKE_KUBECTL_DIR is not set\n");
  process.exit(2);
}
const argv = process.argv.slice(2);
const stdin = argv.includes("-") ? readFileSync(0, "utf8") : undefined;
appendFileSync(
  path.join(dir, "calls.jsonl"),
  `${JSON.stringify({ argv, stdin, time: Date.now() })}\n`,
);

// Drop the --namespace flag the adapter always passes.
const args = [...argv];
const ns = args.indexOf("--namespace");
if (ns >= 0) args.splice(ns, 2);

function answer({ stdout = "", stderr = "", code = 0 }) {
  process.stdout.write(stdout);
  process.stderr.write(stderr);
  process.exit(code);
}

const leases = path.join(dir, "leases");
mkdirSync(leases, { recursive: true });

if (args[0] === "create" && stdin) {
  const lease = JSON.parse(stdin);
  const file = path.join(leases, `${lease.metadata.name}.json`);
  if (existsSync(file)) {
    answer({
      stderr: `Error from server (AlreadyExists): leases.coordination.k8s.io "${lease.metadata.name}" already exists\n`,
      code: 1,
    });
  }
  writeFileSync(file, stdin);
  answer({ stdout: `lease.coordination.k8s.io/${lease.metadata.name} created\n` });
}
if (args[0] === "get" && args[1] === "lease") {
  const file = path.join(leases, `${args[2]}.json`);
  if (!existsSync(file))
    answer({ stderr: `Error from server (NotFound): leases "${args[2]}" not found\n`, code: 1 });
  answer({ stdout: readFileSync(file, "utf8") });
}
if (args[0] === "delete" && args[1] === "lease") {
  rmSync(path.join(leases, `${args[2]}.json`), { force: true });
  answer({ stdout: `lease.coordination.k8s.io "${args[2]}" deleted\n` });
}

const responsesFile = path.join(dir, "responses.json");
const responses = existsSync(responsesFile) ? JSON.parse(readFileSync(responsesFile, "utf8")) : [];
const found = responses.find((r) => r.match.every((word, i) => args[i] === word));
if (found) answer(found);
answer({ stderr: `kubectl-fake: no scripted answer for: kubectl ${args.join(" ")}\n`, code: 1 });
