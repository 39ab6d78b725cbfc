import { createInterface } from "node:readline/promises";
import { UsageError } from "../errors.js";
import { ENVIRONMENTS, type Environment } from "../model/schema.js";
import { printable } from "../user-text.js";
import type { FlagValues } from "../cli/flags.js";
import type { InitAnswers } from "./stack-file.js";

/**
 * `guardia init`'s questions: a flag answers one; on a terminal the others are asked, showing
 * the default; without a terminal (or with --yes) the defaults stand. Every answer is checked
 * here, so a wrong one is bad input (exit 2) before any file is written.
 */

interface Question {
  readonly flag: string;
  readonly ask: string;
  /** The default, from the answers so far; undefined: an answer is required. */
  readonly fallback: (given: Record<string, string>) => string | undefined;
}

const QUESTIONS: readonly Question[] = [
  { flag: "platform", ask: "Platform name", fallback: () => undefined },
  { flag: "environments", ask: "Environments", fallback: () => "dev,prod" },
  { flag: "runtime", ask: "Runtime (kubernetes or local)", fallback: () => "kubernetes" },
  { flag: "database", ask: "PostgreSQL database (none for none)", fallback: (g) => g.platform },
  { flag: "services", ask: "Services (none for none)", fallback: () => "web" },
  { flag: "alert-email", ask: "Alert email", fallback: () => "ops@example.com" },
];

const DNS_LABEL = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

export async function initAnswers(flags: FlagValues, interactive: boolean): Promise<InitAnswers> {
  const given: Record<string, string> = {};
  const prompt = interactive && flags.yes !== true ? terminalPrompt() : undefined;
  try {
    for (const q of QUESTIONS) {
      const flag = flags[q.flag];
      const fallback = q.fallback(given);
      const answer = typeof flag === "string" ? flag : await prompt?.(q.ask, fallback);
      const value = answer?.trim() || fallback;
      if (value === undefined)
        throw new UsageError(`init needs --${q.flag} (or a terminal to ask for it)`);
      given[q.flag] = value;
    }
  } finally {
    prompt?.close();
  }
  return checked(given, flags);
}

type Prompt = ((ask: string, fallback: string | undefined) => Promise<string>) & {
  close(): void;
};

function terminalPrompt(): Prompt {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  const prompt = (ask: string, fallback: string | undefined) =>
    rl.question(`${ask}${fallback ? ` [${fallback}]` : ""}: `);
  return Object.assign(prompt, { close: () => rl.close() });
}

function checked(given: Record<string, string>, flags: FlagValues): InitAnswers {
  const problems: string[] = [];
  const name = (flag: string, value: string) => {
    if (!DNS_LABEL.test(value))
      problems.push(`--${flag}: expected a lowercase DNS label, got "${printable(value, 80)}"`);
    return value;
  };
  const list = (flag: string) =>
    given[flag] === "none" ? [] : given[flag]!.split(",").map((v) => name(flag, v.trim()));
  const answers: InitAnswers = {
    platform: name("platform", given.platform!),
    environments: [...new Set(list("environments"))] as Environment[],
    runtime: given.runtime as InitAnswers["runtime"],
    database: given.database === "none" ? undefined : name("database", given.database!),
    databaseHost: typeof flags["database-host"] === "string" ? flags["database-host"] : undefined,
    databasePort: flags["database-port"] === undefined ? undefined : Number(flags["database-port"]),
    services: list("services"),
    alertEmail: given["alert-email"]!,
  };
  problems.push(...otherProblems(answers, flags));
  if (problems.length > 0) throw new UsageError(problems.join("\n"));
  return answers;
}

function otherProblems(answers: InitAnswers, flags: FlagValues): string[] {
  const problems: string[] = [];
  const known = ENVIRONMENTS as readonly string[];
  if (answers.environments.length === 0 || answers.environments.some((e) => !known.includes(e)))
    problems.push(`--environments: expected some of ${ENVIRONMENTS.join(", ")}`);
  if (answers.runtime !== "kubernetes" && answers.runtime !== "local")
    problems.push("--runtime: expected kubernetes or local");
  const port = flags["database-port"];
  if (port !== undefined && !/^\d{1,5}$/.test(String(port)))
    problems.push("--database-port: expected a port number");
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(answers.alertEmail))
    problems.push("--alert-email: expected an email address");
  return problems;
}
