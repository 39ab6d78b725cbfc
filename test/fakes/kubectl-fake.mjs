#!/usr/bin/env node
// A recording fake of kubectl for tests: no Kubernetes API server can run on these machines.
// Every invocation is appended to $FAKE_KUBECTL_DIR/calls.jsonl; Leases are kept as files so
// locks behave like the real API (create fails with AlreadyExists); other answers come from
// $FAKE_KUBECTL_DIR/responses.json ({ match: [...args], stdout, stderr, code, delayMs, occurrence },
// first match wins; with `occurrence: n` a response answers only the n-th call it matches, so a
// test can fail the second of several identical patches). Leases carry a resourceVersion and
// `replace` refuses a stale one with a Conflict, as the API server's optimistic concurrency does.
// Workloads a test planted (workloads/<kind>-<name>.json) keep their replicas and annotations:
// get, scale, annotate and rollout status act on them.
import {
  appendFileSync,
  existsSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
  mkdirSync,
} from "node:fs";
import path from "node:path";
import { secretAnswer } from "./kubectl-fake-secrets.mjs";

const dir = process.env.FAKE_KUBECTL_DIR;
if (!dir) {
  process.stderr.write("kubectl-fake: FAKE_KUBECTL_DIR is not set\n");
  process.exit(2);
}
const argv = process.argv.slice(2);
const stdin =
  argv.includes("-") || argv.includes("--patch-file=/dev/stdin")
    ? readFileSync(0, "utf8")
    : undefined;
appendFileSync(
  path.join(dir, "calls.jsonl"),
  `${JSON.stringify({ argv, stdin, time: Date.now() })}\n`,
);

// Drop the --namespace flag the adapter always passes.
const args = [...argv];
const ns = args.indexOf("--namespace");
if (ns >= 0) args.splice(ns, 2);

function answer({ stdout = "", stderr = "", code = 0, delayMs = 0 }) {
  setTimeout(() => {
    process.stdout.write(stdout);
    process.stderr.write(stderr);
    process.exit(code);
  }, delayMs);
}

const leases = path.join(dir, "leases");
mkdirSync(leases, { recursive: true });

const leaseFile = (name) => path.join(leases, `${name}.json`);
const store = (lease, version) => {
  lease.metadata = { ...lease.metadata, resourceVersion: String(version) };
  // Written whole and renamed into place: a concurrent reader never sees half a lease.
  const file = leaseFile(lease.metadata.name);
  writeFileSync(`${file}.${process.pid}.tmp`, JSON.stringify(lease));
  renameSync(`${file}.${process.pid}.tmp`, file);
};

/** The API server applies one write at a time: so does the fake, with a mkdir mutex. */
function serialized(work) {
  const mutex = path.join(dir, "leases.mutex");
  const wait = new Int32Array(new SharedArrayBuffer(4));
  for (let tries = 0; ; tries++) {
    try {
      mkdirSync(mutex);
      break;
    } catch {
      if (tries > 2000) throw new Error("kubectl-fake: lease mutex held too long");
      Atomics.wait(wait, 0, 0, 5);
    }
  }
  try {
    return work();
  } finally {
    rmSync(mutex, { recursive: true, force: true });
  }
}

const leaseAnswer = serialized(() => {
  if (args[0] === "create" && stdin) {
    const lease = JSON.parse(stdin);
    if (existsSync(leaseFile(lease.metadata.name))) {
      return {
        stderr: `Error from server (AlreadyExists): leases.coordination.k8s.io "${lease.metadata.name}" already exists\n`,
        code: 1,
      };
    } else {
      store(lease, 1);
      return { stdout: `lease.coordination.k8s.io/${lease.metadata.name} created\n` };
    }
  } else if (args[0] === "replace" && stdin) {
    const lease = JSON.parse(stdin);
    const file = leaseFile(lease.metadata.name);
    const current = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : undefined;
    if (!current) {
      return {
        stderr: `Error from server (NotFound): leases "${lease.metadata.name}" not found\n`,
        code: 1,
      };
    } else if (current.metadata.resourceVersion !== lease.metadata.resourceVersion) {
      return {
        stderr: `Error from server (Conflict): Operation cannot be fulfilled on leases.coordination.k8s.io "${lease.metadata.name}": the object has been modified; please apply your changes to the latest version and try again\n`,
        code: 1,
      };
    } else {
      store(lease, Number(current.metadata.resourceVersion) + 1);
      return { stdout: `lease.coordination.k8s.io/${lease.metadata.name} replaced\n` };
    }
  } else if (args[0] === "get" && args[1] === "lease") {
    if (!existsSync(leaseFile(args[2]))) {
      return { stderr: `Error from server (NotFound): leases "${args[2]}" not found\n`, code: 1 };
    } else {
      return { stdout: readFileSync(leaseFile(args[2]), "utf8") };
    }
  } else if (args[0] === "delete" && args[1] === "lease") {
    rmSync(leaseFile(args[2]), { force: true });
    return { stdout: `lease.coordination.k8s.io "${args[2]}" deleted\n` };
  } else {
    return undefined;
  }
});
// A test's scripted answer wins over the stored Secrets and workloads: a test that scripts
// `get secret` says exactly what the cluster answers.
const scriptedAnswer = leaseAnswer ? undefined : scripted();
const stored = leaseAnswer || scriptedAnswer ? undefined : workloadAnswer();
const secret = leaseAnswer || scriptedAnswer || stored ? undefined : secretAnswer(dir, args, stdin);
answer(
  leaseAnswer ??
    scriptedAnswer ??
    stored ??
    secret ?? {
      stderr: `kubectl-fake: no scripted answer for: kubectl ${args.join(" ")}\n`,
      code: 1,
    },
);

function scripted() {
  const responsesFile = path.join(dir, "responses.json");
  const responses = existsSync(responsesFile)
    ? JSON.parse(readFileSync(responsesFile, "utf8"))
    : [];
  return responses.find(
    (r) => matches(r, args) && (r.occurrence === undefined || matchingCalls(r) === r.occurrence),
  );
}

function matches(response, callArgs) {
  return response.match.every((word, i) => callArgs[i] === word);
}

/** How many calls so far (this one included: it is recorded first) a response's `match` fits. */
function matchingCalls(response) {
  return readFileSync(path.join(dir, "calls.jsonl"), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line).argv)
    .map((callArgv) => {
      const callArgs = [...callArgv];
      const at = callArgs.indexOf("--namespace");
      if (at >= 0) callArgs.splice(at, 2);
      return callArgs;
    })
    .filter((callArgs) => matches(response, callArgs)).length;
}

/** get / scale / annotate / rollout status of a planted Deployment or StatefulSet. */
function workloadAnswer() {
  const ref = args[0] === "rollout" ? args[2] : args[1];
  const file = /^(deployment|statefulset)\/[\w.-]+$/.test(ref ?? "")
    ? path.join(dir, "workloads", `${ref.replace("/", "-")}.json`)
    : undefined;
  if (!file || !existsSync(file)) return undefined;
  const object = JSON.parse(readFileSync(file, "utf8"));
  const save = () => {
    writeFileSync(`${file}.${process.pid}.tmp`, JSON.stringify(object));
    renameSync(`${file}.${process.pid}.tmp`, file);
  };
  const annotations = (object.metadata.annotations ??= {});
  if (args[0] === "get") return { stdout: JSON.stringify(object) };
  if (args[0] === "rollout") return { stdout: `${ref} successfully rolled out\n` };
  if (args[0] === "scale") {
    object.spec.replicas = Number(args.find((a) => a.startsWith("--replicas=")).split("=")[1]);
    save();
    return { stdout: `${ref} scaled\n` };
  }
  if (args[0] === "annotate") {
    for (const a of args.slice(2).filter((a) => !a.startsWith("--"))) {
      if (a.endsWith("-")) delete annotations[a.slice(0, -1)];
      else annotations[a.slice(0, a.indexOf("="))] = a.slice(a.indexOf("=") + 1);
    }
    save();
    return { stdout: `${ref} annotated\n` };
  }
  return undefined;
}
