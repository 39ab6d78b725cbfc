import path from "node:path";
import { parseStackText, type LoadedStack } from "../model/index.js";
import { compareText, evaluatePolicy, findingKey, type Verdict } from "../policy/evaluate.js";
import type { Finding } from "../policy/input.js";
import { loadStacks, renderStacks } from "../render/render.js";
import { baseRender, secretDigestKey } from "./base-render.js";
import { filesAt, repositoryRoot, resolveCommit, showFile } from "./git.js";
import { modelMeanings } from "./meaning-model.js";
import { renderMeanings } from "./meaning-render.js";
import { diffResources, type ResourceChange } from "./resources.js";
import { compareRunbookPlans, runbookPlans, type RunbookImpact } from "./runbook-impact.js";
import { fromRender, policyFilesOf, unfingerprinted, type StackRender } from "./snapshot.js";

/**
 * `guardia diff`: the working tree rendered with the current code against a git ref rendered with
 * its own, stack by stack: resources, what the change means, the policy verdict on both sides
 * (the same rules judge both), and the runbook plans that change.
 */

export interface DiffOptions {
  /** The git ref to compare against (`origin/main`, `HEAD~1`). */
  readonly base: string;
  /** The working tree's stack files to compare (names or paths). */
  readonly stacks: readonly string[];
  /** Only this stack (its name) instead of every stack of both sides. */
  readonly only?: string;
  /** The project directory: where stacks/ and node_modules/ are. */
  readonly cwd: string;
  readonly log: (line: string) => void;
  /** For waiver expiry. @default today (UTC) */
  readonly today?: string;
}

export interface StackDiff {
  readonly name: string;
  readonly environment: string | undefined;
  readonly changes: readonly ResourceChange[];
  readonly meaning: readonly string[];
  readonly policy: {
    readonly base: Verdict | undefined;
    readonly head: Verdict | undefined;
    /** Head violations whose rule and resource the base did not violate: they fail the diff. */
    readonly newViolations: readonly Finding[];
    readonly fixed: readonly Finding[];
  };
  readonly runbooks: readonly RunbookImpact[];
  readonly notes: readonly string[];
}

export interface DiffResult {
  readonly base: { readonly ref: string; readonly commit: string };
  readonly stacks: readonly StackDiff[];
}

interface Side {
  readonly renders: ReadonlyMap<string, StackRender>;
  readonly models: ReadonlyMap<string, LoadedStack>;
  readonly notes: ReadonlyMap<string, string>;
}

export async function diffAgainst(options: DiffOptions): Promise<DiffResult> {
  const root = repositoryRoot(options.cwd);
  const commit = resolveCommit(options.base, root);
  // Every stack file first: bad input stops here, before the base's worktree is made.
  const headModels = loadStacks(options.stacks, options.cwd);
  const digestKey = secretDigestKey(root);
  const [headRenders, baseRenders] = await Promise.all([
    renderStacks(headModels),
    baseRender({ root, commit, project: options.cwd, log: options.log }),
  ]);
  const head: Side = {
    renders: new Map(headRenders.map((r) => [r.stack.name, fromRender(r, digestKey)])),
    models: new Map(headModels.map((s) => [s.name, s])),
    notes: new Map(),
  };
  const stacksDir = path.resolve(
    options.cwd,
    headModels[0] ? path.dirname(headModels[0].file) : "stacks",
  );
  const base: Side = {
    ...baseModels(root, commit, stacksDir),
    renders: new Map(baseRenders.map((r) => [r.name, r])),
  };
  const names = [
    ...new Set([...head.renders.keys(), ...(options.only ? [] : base.renders.keys())]),
  ];
  const stacks = await Promise.all(names.map((name) => stackDiff(name, base, head, options.today)));
  return { base: { ref: options.base, commit }, stacks: stacks.sort(byEnvironmentThenName) };
}

/** The base's stack files, read from git and loaded with the current model code. */
function baseModels(root: string, commit: string, stacksDir: string): Omit<Side, "renders"> {
  const models = new Map<string, LoadedStack>();
  const notes = new Map<string, string>();
  for (const file of filesAt(root, commit, path.relative(root, stacksDir))) {
    const name = /(?:^|\/)Pulumi\.(.+)\.ya?ml$/.exec(file)?.[1];
    if (!name) continue;
    try {
      models.set(name, parseStackText(showFile(root, commit, file), file, name));
    } catch (err) {
      notes.set(
        name,
        `the base's stack file does not load with the current model, so its meaning and runbook impact are not compared: ${(err as Error).message.split("\n")[1]?.trim() ?? ""}`,
      );
    }
  }
  return { models, notes };
}

async function stackDiff(name: string, base: Side, head: Side, today?: string): Promise<StackDiff> {
  const before = base.renders.get(name);
  // A base rendered before secret fingerprints existed: compare secrets as the render shows them.
  const fingerprints = before?.fingerprinted !== false;
  const headRender = head.renders.get(name);
  const after = headRender && !fingerprints ? unfingerprinted(headRender) : headRender;
  const [oldModel, newModel] = [base.models.get(name), head.models.get(name)];
  const changes = diffResources(before, after);
  const verdict = (r: StackRender | undefined) =>
    r && evaluatePolicy(policyFilesOf(r), { stackName: name, ...(today && { today }) });
  const [baseVerdict, headVerdict] = [verdict(before), verdict(after)];
  const baseKeys = new Set(baseVerdict?.violations.map(findingKey));
  const headKeys = new Set(headVerdict?.violations.map(findingKey));
  const impact = base.notes.has(name)
    ? []
    : compareRunbookPlans(
        oldModel && (await runbookPlans(oldModel)),
        newModel && (await runbookPlans(newModel)),
      );
  return {
    name,
    environment: (newModel ?? oldModel)?.platform.environment,
    changes,
    meaning: [...modelMeanings(oldModel, newModel), ...renderMeanings(changes, before, after)],
    policy: {
      base: baseVerdict,
      head: headVerdict,
      newViolations: headVerdict?.violations.filter((v) => !baseKeys.has(findingKey(v))) ?? [],
      fixed: baseVerdict?.violations.filter((v) => !headKeys.has(findingKey(v))) ?? [],
    },
    runbooks: impact,
    notes: [
      ...(base.notes.has(name) ? [base.notes.get(name)!] : []),
      ...(fingerprints
        ? []
        : [
            "the base's guardia does not fingerprint secrets: a secret whose value alone changed shows as unchanged",
          ]),
      ...(before ? [] : ["a new stack: the base has no render of it"]),
      ...(after ? [] : ["the stack is gone from the working tree"]),
    ],
  };
}

/** What reviewers read first: prod, then staging, testing, dev; by name within each. */
const ENVIRONMENT_ORDER = ["prod", "staging", "testing", "dev"];

function byEnvironmentThenName(a: StackDiff, b: StackDiff): number {
  const rank = (s: StackDiff) => {
    const i = ENVIRONMENT_ORDER.indexOf(s.environment ?? "");
    return i < 0 ? ENVIRONMENT_ORDER.length : i;
  };
  return rank(a) - rank(b) || compareText(a.name, b.name);
}

/** Whether the head violates a rule the base did not: `guardia diff` then exits 1. */
export function hasNewViolations(result: DiffResult): boolean {
  return result.stacks.some((s) => s.policy.newViolations.length > 0);
}
