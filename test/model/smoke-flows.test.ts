import { describe, expect, it } from "vitest";
import { platformOf, problemsOf, stackText } from "./builders.js";

/**
 * The rules of `smokeFlows`, as an operator meets them: every problem with its YAML path and
 * line, all at once; and the older `smokeChecks` still running, as flows of one GET.
 */

const P = "guardia:platform";

const FLOW = `
services: [{ name: api }]
smokeFlows:
  flows:
    - name: orders
      service: api
      secrets: { password: { name: smoke, key: password } }
      steps:
        - name: login
          request:
            method: POST
            url: https://api.example.org/token
            json: { password: "\${password}" }
          capture: { token: { json: token } }
        - name: create
          request:
            method: POST
            url: https://api.example.org/orders?t=\${password}
            headers: { Authorization: "Token \${token}" }
          writes: true
        - name: list
          request: { url: "https://api.example.org/orders/\${orderId}" }
`;

const smokeProblems = (environment: string) =>
  problemsOf(stackText(FLOW, environment)).filter((p) => p.path.startsWith(`${P}.smokeFlows`));

describe("smokeFlows rules", () => {
  it("names a secret in a URL and a value no step captured, each with its path and line", () => {
    expect(smokeProblems("staging")).toEqual([
      {
        path: `${P}.smokeFlows.flows[0].steps[1].request.url`,
        line: 22,
        message:
          "${password} is secret and may not be part of a URL (access logs keep URLs); send it in a header or the body",
      },
      {
        path: `${P}.smokeFlows.flows[0].steps[2].request.url`,
        line: 26,
        message:
          "unknown ${orderId}: use a name from the flow's `secrets`, a `capture` of an earlier step, or ${runId} (known here: password, runId, token)",
      },
    ]);
  });

  it("in prod, also wants a cleanup for the writing step", () => {
    const cleanup = smokeProblems("prod").find((p) => p.path.endsWith("steps[1].cleanup"));
    expect(cleanup?.message).toBe(
      "required in prod for a writing step: what a smoke flow writes in production must be undone by the flow itself",
    );
  });

  it("runs smokeChecks as flows of one GET", () => {
    const platform = platformOf(`
smokeChecks:
  - { name: home, url: "https://shop.example.org/", contains: Welcome }
`);
    const [flow] = platform.smoke.flows;
    expect(flow?.name).toBe("home");
    expect(flow?.steps).toMatchObject([
      { kind: "request", request: { method: "GET", url: "https://shop.example.org/" } },
    ]);
    expect(flow?.steps[0]).toMatchObject({ expect: { status: 200, contains: "Welcome" } });
  });
});
