import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadStack } from "../../lib/model/index.js";
import { DEFAULT_RUNBOOK_BASE_URL } from "../../lib/model/defaults.js";
import { isRunbook } from "../../runbooks/index.js";
import { renderInline } from "../harness/stacks.js";
import { repoRoot } from "../harness/tools.js";

/**
 * Every alert links a runbook page and names a first command. With the default base URL the link
 * must lead to a page of this repository (docs/runbooks/), and the command to a runbook that
 * exists: an on-call engineer follows both in the middle of an incident.
 */

const KUBERNETES_STACKS = readdirSync(path.join(repoRoot, "stacks"))
  .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
  .filter((name): name is string => name !== undefined)
  .filter((name) => loadStack(name, repoRoot).platform.runtime === "kubernetes")
  .sort();

interface Rule {
  alert: string;
  annotations: { runbook_url: string; guardia_command: string };
}

/** A stack's alerting rules as rendered, with `monitoring.runbookBaseUrl` left to its default. */
async function renderedRules(name: string): Promise<Rule[]> {
  const { input } = loadStack(name, repoRoot);
  const monitoring = { ...input.monitoring };
  delete monitoring.runbookBaseUrl;
  const render = await renderInline({ ...input, monitoring }, name);
  return render.files
    .filter((f) => f.resource.type === "kubernetes:monitoring.coreos.com/v1:PrometheusRule")
    .flatMap((f) => (f.content.spec as { groups: { rules: Rule[] }[] }).groups)
    .flatMap((group) => group.rules);
}

describe("the default runbook_url of every alert", () => {
  it("is this repository's docs/runbooks", () => {
    expect(DEFAULT_RUNBOOK_BASE_URL).toMatch(/^https:\/\/\S+\/docs\/runbooks$/);
  });

  it.each(KUBERNETES_STACKS)("resolves to a page in docs/runbooks/ for %s", async (name) => {
    const rules = await renderedRules(name);
    expect(rules.length).toBeGreaterThan(0);
    for (const { alert, annotations } of rules) {
      const url = annotations.runbook_url;
      expect(url.startsWith(`${DEFAULT_RUNBOOK_BASE_URL}/`), `${alert}: ${url}`).toBe(true);
      const page = path.join(
        repoRoot,
        "docs",
        "runbooks",
        url.slice(DEFAULT_RUNBOOK_BASE_URL.length),
      );
      expect(existsSync(page), `${alert}: ${url} has no page ${page}`).toBe(true);
      const [guardia, runbook] = annotations.guardia_command.split(" ");
      expect(guardia).toBe("guardia");
      expect(isRunbook(runbook!), `${alert}: ${annotations.guardia_command}`).toBe(true);
      expect(url.endsWith(`/${runbook}.md`), `${alert}: ${url} is not ${runbook}'s page`).toBe(
        true,
      );
    }
  });
});
