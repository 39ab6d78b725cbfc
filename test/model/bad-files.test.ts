import { describe, expect, it } from "vitest";
import { parseStackText, StackError } from "../../lib/model/index.js";
import { MAX_LISTED_PROBLEMS } from "../../lib/model/stack-error.js";
import { onlyProblem, problemsOf, stackText } from "./builders.js";

/**
 * Stack files that are broken on purpose or by accident: every one is a StackError naming the
 * file, with a line where there is one, and a message that is safe to print.
 */

const P = "guardia:platform";

/** Ten aliases of ten aliases ...: 10^8 nodes if expanded. */
function aliasBomb(): string {
  const lines = ["x0: &a0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]"];
  for (let i = 1; i < 9; i++)
    lines.push(
      `x${i}: &a${i} [${Array(10)
        .fill(`*a${i - 1}`)
        .join(", ")}]`,
    );
  return lines.join("\n");
}

describe("YAML the parser cannot turn into a stack", () => {
  it.each([
    [
      "an undefined alias",
      stackText("services: *web"),
      6,
      "alias *web names no anchor defined before it (&web)",
    ],
    [
      "an alias bomb",
      stackText(aliasBomb()),
      7,
      "its aliases expand to more than 100 nodes (an alias bomb); write the values out",
    ],
    [
      "deep nesting",
      stackText(`services: ${"[".repeat(5000)}${"]".repeat(5000)}`),
      6,
      "nested too deeply to be a stack file",
    ],
    [
      "a second document",
      `${stackText()}---\nconfig: {}\n`,
      6,
      "a stack file holds one YAML document; remove this `---` and what follows it",
    ],
  ])("%s", (_what, text, line, message) => {
    expect(onlyProblem(text)).toEqual({ path: "(yaml)", line, message });
  });

  it("reports a block sequence nested past the parser's stack as a StackError with a line", () => {
    // Where the overflow happens depends on the process's stack: the line is not fixed.
    const text = `config:\n${Array.from({ length: 3000 }, (_, i) => `${" ".repeat(i + 2)}- `).join("\n")}\n`;
    let error: unknown;
    try {
      parseStackText(text, "deep.yaml");
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(StackError);
    expect((error as StackError).file).toBe("deep.yaml");
    expect((error as StackError).problems).toEqual([
      {
        path: "(yaml)",
        line: expect.any(Number) as number,
        message: "nested too deeply to be a stack file",
      },
    ]);
  });

  it("reads an alias that refers to itself without looping", () => {
    const text = stackText("services: &s\n  - name: web\n    health: *s");
    expect(problemsOf(text).map((p) => p.path)).toEqual([
      `${P}.services[0].health[0].url`,
      `${P}.services[0].health[0].name`,
      `${P}.services[0].health[0].health`,
    ]);
  });

  it("reads merge keys as Pulumi does", () => {
    const text = stackText(
      "services:\n  - &web { name: web, priority: P2 }\n  - <<: *web\n    name: api",
    );
    const { services } = parseStackText(text, "test.yaml").platform;
    expect(services.map((s) => [s.name, s.priority])).toEqual([
      ["web", "P2"],
      ["api", "P2"],
    ]);
  });
});

describe("values that must not reach a terminal or a C string", () => {
  it.each([
    [
      "host",
      'databases:\n  - { name: m, engine: postgres, host: "db\\0.evil", database: d, user: u }',
      `${P}.databases[0].host`,
      7,
      'must not contain control characters, got "db\\u0000.evil"',
    ],
    [
      "user",
      'databases:\n  - { name: m, engine: postgres, host: h, database: d, user: "u\\0" }',
      `${P}.databases[0].user`,
      7,
      'must not contain control characters, got "u\\u0000"',
    ],
    [
      "database",
      'databases:\n  - { name: m, engine: postgres, host: h, database: "d\\x1b[2J", user: u }',
      `${P}.databases[0].database`,
      7,
      'must not contain control characters, got "d\\u001b[2J"',
    ],
    [
      "a C1 control in a command",
      'services:\n  - { name: web, local: { cwd: /srv, restart: "systemctl restart web\\x9b2J" } }',
      `${P}.services[0].local.restart`,
      7,
      'must not contain control characters, got "systemctl restart web\\u009b2J"',
    ],
    [
      "a URL",
      'services:\n  - name: web\n    health:\n      - url: "https://web.example.org/\\0"',
      `${P}.services[0].health[0].url`,
      9,
      'must not contain control characters, got "https://web.example.org/\\u0000"',
    ],
    [
      "a log path",
      'logs:\n  - { name: app, paths: ["/var/log/app\\t/*.log"] }',
      `${P}.logs[0].paths[0]`,
      7,
      'must not contain control characters, got "/var/log/app\\t/*.log"',
    ],
  ])("%s", (_what, body, path, line, message) => {
    expect(onlyProblem(stackText(body))).toEqual({ path, line, message });
  });

  it("keeps line breaks in a description", () => {
    const body =
      "externalDependencies:\n  - name: bank\n    url: https://bank.example.org/\n    description: |\n      Two\n      lines";
    expect(
      parseStackText(stackText(body), "t.yaml").platform.externalDependencies[0]!.description,
    ).toBe("Two\nlines\n");
  });

  it("repeats at most 80 characters of a huge value, and no control character", () => {
    const huge = `\u001b]0;title\u0007${"x".repeat(100_000)}`;
    const text = stackText(`monitoring:\n  probeInterval: ${JSON.stringify(huge)}`);
    const problem = onlyProblem(text);
    expect(problem.message).toBe(
      `expected a duration like "30s", "5m", "1h" or "1d", got "\\u001b]0;title\\u0007${"x".repeat(70)}…"`,
    );
  });

  it("cuts a huge unknown key in the path and the message", () => {
    const key = "k".repeat(1000); // YAML takes implicit keys of 1024 characters at most;
    const text = stackText(`"${key}": 1`);
    const { path, message } = onlyProblem(text);
    expect(path).toBe(`${P}."${"k".repeat(40)}…"`);
    expect(message).toBe(
      `unknown key \`${"k".repeat(40)}…\`; allowed here: version, name, environment, namespace, language, runtime, services, databases, backups, logs, externalDependencies, smokeChecks, smokeFlows, alerting, monitoring, collections, tokens, media, routine, maintenance, celery, dataFreshness, jobs, aws, policy`,
    );
  });

  it("lists at most 50 problems, and says how many more there are", () => {
    const services = Array.from({ length: 200 }, (_, i) => `  - name: Bad${i}`).join("\n");
    let error: StackError | undefined;
    try {
      parseStackText(stackText(`services:\n${services}`), "many.yaml");
    } catch (err) {
      error = err as StackError;
    }
    expect(error?.problems).toHaveLength(200);
    const lines = error!.message.split("\n");
    expect(lines[0]).toBe("many.yaml: 200 problems");
    expect(lines).toHaveLength(1 + MAX_LISTED_PROBLEMS + 1);
    expect(lines.at(-1)).toBe("  … and 150 more");
  });

  it("escapes what it prints of the file's name", () => {
    expect(() => parseStackText("", "\u001b[2Jx.yaml")).toThrow(
      "\\u001b[2Jx.yaml: 1 problem\n  (file): expected a Pulumi stack file: a map with a `config:` key",
    );
  });
});

describe("values Pulumi encrypted", () => {
  it.each([
    [
      "a Secret reference",
      "databases:\n  - name: m\n    engine: postgres\n    host: h\n    database: d\n    user: u\n    passwordSecret:\n      secure: v1:AAAB",
      `${P}.databases[0].passwordSecret`,
      12,
      "an encrypted Pulumi value (`secure:`), which guardia cannot read: this field names a Kubernetes Secret in the stack's namespace; write a Secret reference instead, e.g. `passwordSecret: { name: mira-db, key: password }` (and `env: PGPASSWORD` for runs outside the cluster)",
    ],
    [
      "a plain value",
      "databases:\n  - name: m\n    engine: postgres\n    host: { secure: v1:AAAB }\n    database: d\n    user: u",
      `${P}.databases[0].host`,
      9,
      "an encrypted Pulumi value (`secure:`), which guardia cannot read: write the plain value here (this setting is not a secret), or keep the secret in a Kubernetes Secret and reference it from a `…Secret: { name, key }` field",
    ],
    [
      "a password where a Secret reference belongs",
      "databases:\n  - { name: m, engine: postgres, host: h, database: d, user: u, password: { secure: v1:AAAB } }",
      `${P}.databases[0].password`,
      7,
      "an encrypted Pulumi value (`secure:`), which guardia cannot read: unknown key `password`: secrets never go in a stack file; reference a Kubernetes Secret instead (e.g. `passwordSecret: { name, key }`)",
    ],
  ])("%s", (_what, body, path, line, message) => {
    expect(onlyProblem(stackText(body))).toEqual({ path, line, message });
  });

  it("the whole model", () => {
    expect(onlyProblem("config:\n  guardia:platform:\n    secure: v1:AAAB\n")).toEqual({
      path: P,
      line: 2,
      message:
        "an encrypted Pulumi value (`secure:`), which guardia cannot read: write the model in the clear (it holds no secrets: they stay in Kubernetes Secrets, named by `…Secret: { name, key }` fields)",
    });
  });
});
