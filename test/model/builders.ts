import { expect } from "vitest";
import {
  parseStackText,
  StackError,
  type Environment,
  type Platform,
  type StackProblem,
} from "../../lib/model/index.js";

/**
 * Small stack files written inline. `stackText(body)` puts `name`, `environment` and `namespace`
 * on lines 3–5, so the first line of `body` is line 6 of the file: tests can state line numbers.
 */

/** Removes the common indentation of a template literal and its first empty line. */
function dedent(text: string): string {
  const lines = text
    .replace(/^\n/, "")
    .replace(/\n\s*$/, "")
    .split("\n");
  const indents = lines.filter((l) => l.trim()).map((l) => /^ */.exec(l)![0].length);
  const cut = Math.min(...indents, Infinity);
  return lines.map((l) => l.slice(Number.isFinite(cut) ? cut : 0)).join("\n");
}

export function stackText(body = "", environment: Environment | string = "dev"): string {
  const platform = body.trim()
    ? dedent(body)
        .split("\n")
        .map((line) => (line ? `    ${line}` : line))
    : [];
  return [
    "config:",
    "  guardia:platform:",
    "    name: mira",
    `    environment: ${environment}`,
    "    namespace: mira",
    ...platform,
    "",
  ].join("\n");
}

/** A teams receiver, which every prod stack needs. */
export const RECEIVERS = `
alerting:
  receivers:
    - { name: ops, type: teams, webhookSecret: { name: alerting, key: teams } }
`;

/** A database with its password Secret, as runtime kubernetes with backups requires. */
export const DATABASE = `
databases:
  - { name: mira, engine: postgres, host: mira-pg.mira.svc, database: mira, user: mira, passwordSecret: { name: mira-db, key: password } }
`;

/** The problems `parseStackText` reports for `text`; fails the test when the text is valid. */
export function problemsOf(text: string): readonly StackProblem[] {
  try {
    parseStackText(text, "test.yaml");
  } catch (err) {
    expect(err).toBeInstanceOf(StackError);
    return (err as StackError).problems;
  }
  throw new Error(`expected problems, but the stack is valid:\n${text}`);
}

/** The one problem of `text`. */
export function onlyProblem(text: string): StackProblem {
  const problems = problemsOf(text);
  expect(problems).toHaveLength(1);
  return problems[0]!;
}

/** The resolved model of a valid inline stack. */
export function platformOf(body: string, environment: Environment = "dev"): Platform {
  return parseStackText(stackText(body, environment), "test.yaml").platform;
}
