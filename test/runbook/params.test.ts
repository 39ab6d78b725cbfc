import { describe, expect, it } from "vitest";
import { z } from "zod";
import { UsageError } from "../../lib/errors.js";
import { describeParams, describeRange, parseParams } from "../../lib/runbook/params.js";

/** Flags typed by a person: numbers that mean what they say, and errors that are safe to print. */

const schema = z.object({
  timeout: z.number().int().positive().default(300).describe("seconds"),
  ratio: z.number().min(0).max(1).optional(),
  count: z.number().int().nonnegative().optional(),
  level: z.number().gt(0.5).lt(100).optional(),
  name: z.enum(["a", "b"]).optional(),
});
const specs = describeParams(schema);

function problems(values: Record<string, string>): string {
  try {
    parseParams(schema, specs, values);
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error("expected a UsageError");
}

describe("number flags", () => {
  it("say what they accept, from the schema's checks", () => {
    expect(specs.map((s) => s.range && describeRange(s.range))).toEqual([
      "a whole number greater than 0",
      "a number from 0 to 1",
      "a whole number of at least 0",
      "a number greater than 0.5 and less than 100",
      undefined,
    ]);
  });

  it.each([
    ["timeout", "1.5", '--timeout: expected a whole number greater than 0, got "1.5"'],
    ["timeout", "Infinity", '--timeout: expected a whole number greater than 0, got "Infinity"'],
    ["timeout", "NaN", '--timeout: expected a whole number greater than 0, got "NaN"'],
    ["timeout", "-1", '--timeout: expected a whole number greater than 0, got "-1"'],
    ["timeout", "0", '--timeout: expected a whole number greater than 0, got "0"'],
    ["timeout", "0x10", '--timeout: expected a whole number greater than 0, got "0x10"'],
    ["timeout", "1e3", '--timeout: expected a whole number greater than 0, got "1e3"'],
    ["timeout", " 5", '--timeout: expected a whole number greater than 0, got " 5"'],
    ["timeout", "", '--timeout: expected a whole number greater than 0, got ""'],
    [
      "timeout",
      "99999999999999999999",
      '--timeout: expected a whole number greater than 0, got "99999999999999999999"',
    ],
    ["ratio", "1.5", '--ratio: expected a number from 0 to 1, got "1.5"'],
    ["count", "-1", '--count: expected a whole number of at least 0, got "-1"'],
    ["level", "0.5", '--level: expected a number greater than 0.5 and less than 100, got "0.5"'],
  ])("--%s %j is refused", (flag, value, message) => {
    expect(problems({ [flag]: value })).toBe(message);
  });

  it.each([
    ["timeout", "1", 1],
    ["timeout", "+42", 42],
    ["ratio", "0.25", 0.25],
    ["ratio", ".5", 0.5],
    ["count", "0", 0],
  ])("--%s %j is %d", (flag, value, expected) => {
    expect(parseParams(schema, specs, { [flag]: value })[flag as "timeout"]).toBe(expected);
  });
});

describe("flag errors", () => {
  it("escape control characters and cut long values", () => {
    const message = problems({ timeout: `\u001b[2J\u001b]0;pwned\u0007${"9".repeat(500)}` });
    expect(message).not.toMatch(/\p{Cc}/u);
    expect(message).toMatch(
      /^--timeout: expected a whole number greater than 0, got "\\u001b\[2J\\u001b\]0;pwned\\u00079+…"$/,
    );
    expect(message.length).toBeLessThan(200);
  });

  it("name every bad flag at once", () => {
    expect(problems({ timeout: "x", name: "c" }).split("\n")).toEqual([
      '--timeout: expected a whole number greater than 0, got "x"',
      "--name: expected one of a, b",
    ]);
  });
});
