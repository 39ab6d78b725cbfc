import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { stringify } from "yaml";
import program from "../../infra/index.js";
import { UsageError } from "../errors.js";
import { loadStack, PLATFORM_KEY, StackError, type LoadedStack } from "../model/index.js";
import { evaluatePolicy, type Verdict } from "../policy/evaluate.js";
import { verdictMarkdown } from "../policy/report.js";
import { runWithFakePulumiEngine, type RecordedResource } from "./fake-pulumi-engine.js";
import { isProviderResource, policyFiles, toFile, type RenderedFile } from "./files.js";
import { SECRET_DIGEST_KEY_ENV, SECRET_DIGESTS_FILE, secretDigests } from "./secret-digests.js";
import { summarize } from "./summary.js";
import { validateManifest } from "./validate-k8s.js";

export { SECRET_PLACEHOLDER, toFile, type RenderedFile } from "./files.js";

/** Written into every render directory, so a later render knows it may replace the directory. */
const MARKER = ".guardia-render";

export interface Render {
  readonly stack: LoadedStack;
  readonly files: readonly RenderedFile[];
  /** Component resources (guardia:*), listed in the summary but not written. */
  readonly components: readonly RecordedResource[];
  /** The policy pack's verdict on the files (also in the summary). */
  readonly verdict: Verdict;
  readonly summary: string;
}

/** Thrown when rendered objects would not pass the Kubernetes schemas; lists each object's problems. */
export class InvalidManifestError extends Error {
  constructor(readonly problems: readonly { file: string; problems: readonly string[] }[]) {
    const lines = problems.flatMap((p) => p.problems.map((problem) => `  ${p.file}: ${problem}`));
    super(`render produced ${problems.length} invalid Kubernetes object(s):\n${lines.join("\n")}`);
    this.name = "InvalidManifestError";
  }
}

/** Runs the stack's Pulumi program under the fake engine and returns what it would create. */
export async function renderStack(ref: string, cwd = process.cwd()): Promise<Render> {
  return renderLoadedStack(loadStack(ref, cwd));
}

/**
 * Renders several stacks in this one process, one after the other (the fake engine's runtime is
 * global), so the Pulumi and AWS SDKs load once. Every stack file is loaded first: one bad file
 * stops the whole run before anything renders, with every problem of every file.
 */
export async function renderStacks(
  stacks: readonly (string | LoadedStack)[],
  cwd = process.cwd(),
): Promise<Render[]> {
  const loaded = loadStacks(stacks, cwd);
  const renders: Render[] = [];
  for (const stack of loaded) renders.push(await renderLoadedStack(stack));
  return renders;
}

/** Loads every stack file, or fails with every problem of every file (bad input, exit 2). */
export function loadStacks(
  stacks: readonly (string | LoadedStack)[],
  cwd = process.cwd(),
): LoadedStack[] {
  const loaded: LoadedStack[] = [];
  const problems: string[] = [];
  for (const stack of stacks) {
    try {
      loaded.push(typeof stack === "string" ? loadStack(stack, cwd) : stack);
    } catch (err) {
      if (!(err instanceof StackError)) throw err;
      problems.push(err.message);
    }
  }
  if (problems.length > 0) throw new UsageError(problems.join("\n"));
  return loaded;
}

async function renderLoadedStack(stack: LoadedStack): Promise<Render> {
  const run = await runWithFakePulumiEngine({
    project: "guardia",
    stack: stack.name,
    config: { [PLATFORM_KEY]: JSON.stringify(stack.input) },
    program,
  });
  const components = run.resources.filter((r) => !isProviderResource(r));
  const files = run.resources.filter(isProviderResource).map(toFile);
  files.sort((a, b) => a.path.localeCompare(b.path));
  assertUniquePaths(files);
  await assertValidManifests(files);
  const verdict = evaluatePolicy(policyFiles(files), { stackName: stack.name });
  const summary = [summarize(stack, files, components), ...verdictMarkdown(verdict)].join("\n");
  return { stack, files, components, verdict, summary };
}

function assertUniquePaths(files: readonly RenderedFile[]): void {
  const seen = new Set<string>();
  for (const file of files) {
    if (seen.has(file.path))
      throw new Error(`two resources render to ${file.path}: object names must be unique`);
    seen.add(file.path);
  }
}

async function assertValidManifests(files: readonly RenderedFile[]): Promise<void> {
  const checked = await Promise.all(
    files
      .filter((f) => f.path.startsWith("kubernetes/"))
      .map(async (f) => ({ file: f.path, problems: await validateManifest(f.content) })),
  );
  const invalid = checked.filter((c) => c.problems.length > 0);
  if (invalid.length > 0) throw new InvalidManifestError(invalid);
}

/**
 * Writes the render to `out`, replacing an earlier render there but refusing to touch a
 * directory guardia did not write. The new tree is built beside it and swapped in at the end.
 */
export function writeRender(render: Omit<Render, "verdict">, out: string): void {
  // Without a trailing "/": `out/.tmp-<pid>` would be staged inside the directory it replaces.
  const outDir = path.resolve(out);
  if (
    existsSync(outDir) &&
    readdirSync(outDir).length > 0 &&
    !existsSync(path.join(outDir, MARKER))
  ) {
    throw new Error(`${outDir} exists and was not written by guardia render; choose another --out`);
  }
  const staging = `${outDir}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  for (const file of render.files) {
    const target = path.join(staging, file.path);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, stringify(file.content, { lineWidth: 0, sortMapEntries: false }));
  }
  mkdirSync(staging, { recursive: true });
  writeFileSync(path.join(staging, "SUMMARY.md"), render.summary);
  const digestKey = process.env[SECRET_DIGEST_KEY_ENV];
  if (digestKey) {
    const digests = JSON.stringify(secretDigests(render.files, digestKey));
    writeFileSync(path.join(staging, SECRET_DIGESTS_FILE), `${digests}\n`);
  }
  writeFileSync(path.join(staging, MARKER), `${render.stack.name}\n`);
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(path.dirname(outDir), { recursive: true });
  renameSync(staging, outDir);
}
