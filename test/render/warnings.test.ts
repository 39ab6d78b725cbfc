import { describe, expect, it } from "vitest";
import { renderStack } from "../../lib/render/render.js";
import { renderInline } from "../harness/stacks.js";

/** SUMMARY.md's warnings: what the render cannot fix but a reviewer must see. */

const prodStack = (alerting: object) => ({
  name: "shop",
  environment: "prod",
  namespace: "shop",
  services: [
    {
      name: "web",
      workload: "deployment/web",
      health: [{ url: "https://shop.example.org/health" }],
    },
  ],
  alerting,
  monitoring: { externalUptimeChecks: true },
  aws: { region: "eu-west-1" },
});

describe("SUMMARY.md warnings", () => {
  it("names a stack whose watchdog has no dead man's switch", async () => {
    const { summary } = await renderStack("inatrace-prod");
    expect(summary).toContain(
      "| no dead man's switch | `alerting.deadMansSwitch` is unset: nothing notices when Prometheus or Alertmanager stops |",
    );
  });

  it("names an outside uptime alarm that would reach nobody, and not one that reaches someone", async () => {
    const chatOnly = await renderInline(
      prodStack({
        receivers: [
          { name: "chat", type: "slack", channel: "#ops", webhookSecret: { name: "a", key: "b" } },
        ],
      }),
      "shop-prod",
    );
    expect(chatOnly.summary).toContain(
      "| outside uptime alarm | no P1 email or us-east-1 SNS receiver: the uptime alarm reaches nobody until someone subscribes to",
    );
    const withEmail = await renderInline(
      prodStack({
        receivers: [
          {
            name: "mail",
            type: "email",
            to: ["ops@example.org"],
            from: "guardia@example.org",
            smarthost: "smtp.example.org:587",
          },
        ],
      }),
      "shop-prod",
    );
    expect(withEmail.summary).not.toContain("outside uptime alarm");
  });

  it("a stack with a heartbeat receiver and a reachable uptime alarm has none", async () => {
    const { summary } = await renderStack("mira-prod");
    expect(summary).toMatch(/## Warnings\n\nNone\./);
  });
});
