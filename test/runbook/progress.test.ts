import { describe, expect, it } from "vitest";
import { createProgress } from "../../lib/runbook/progress.js";
import type { StepRecord } from "../../lib/runbook/record.js";
import { Secret } from "../../lib/secret.js";

/** The progress display in its three modes: terminal with colour, terminal without, plain lines. */

function capture(isTTY: boolean) {
  const chunks: string[] = [];
  const stream = {
    isTTY,
    write: (chunk: string) => chunks.push(chunk) > 0,
  } as unknown as NodeJS.WritableStream & { isTTY: boolean };
  return { stream, text: () => chunks.join("") };
}

const done: StepRecord = {
  index: 1,
  title: "Restart web",
  kind: "change",
  status: "ok",
  durationMs: 1234,
  attempts: 1,
  commands: [],
  summary: "restart requested",
};

describe("progress", () => {
  it("on a terminal draws a spinner line and replaces it with a coloured result", () => {
    const out = capture(true);
    const progress = createProgress({ stream: out.stream, env: {} });
    progress.stepStarted("[1/2]", "Restart web");
    progress.stepFinished("[1/2]", done);
    expect(out.text()).toContain("\r\x1b[2K\x1b[36m⠋\x1b[0m [1/2] Restart web 0.0 s");
    expect(out.text()).toContain("\x1b[32m✓\x1b[0m [1/2] Restart web (1.2 s): restart requested\n");
  });

  it("honours NO_COLOR on a terminal", () => {
    const out = capture(true);
    const progress = createProgress({ stream: out.stream, env: { NO_COLOR: "1" } });
    progress.stepStarted("[1/2]", "Restart web");
    progress.stepFinished("[1/2]", done);
    // Cursor control stays (the spinner redraws its line); colour codes go.
    for (const colour of [31, 32, 33, 35, 36, 90])
      expect(out.text()).not.toContain(`\x1b[${colour}m`);
    expect(out.text()).toContain("✓ [1/2] Restart web (1.2 s): restart requested\n");
  });

  it("elsewhere writes plain timestamped lines, masking secrets", () => {
    const out = capture(false);
    const secret = new Secret("tok-9f8e7d6c", "token");
    const progress = createProgress({ stream: out.stream, env: {} });
    progress.stepStarted("[1/2]", "Restart web");
    progress.log(`using ${secret.reveal()}`);
    progress.stepFinished("[1/2]", done);
    expect(out.text().split("\n").filter(Boolean)).toEqual([
      expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \[1\/2\] Restart web …$/),
      expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ {5}using \*{8}$/),
      expect.stringMatching(
        /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ ✓ \[1\/2\] Restart web \(1\.2 s\): restart requested$/,
      ),
    ]);
  });
});

describe("progress on a dumb terminal", () => {
  it("TERM=dumb gets plain lines: no colour, no cursor movement", () => {
    const out = capture(true);
    const progress = createProgress({ stream: out.stream, env: { TERM: "dumb" } });
    progress.stepStarted("[1/2]", "Restart web");
    progress.stepFinished("[1/2]", done);
    expect(out.text()).not.toContain("\x1b");
    expect(out.text()).toMatch(/Z ✓ \[1\/2\] Restart web \(1\.2 s\): restart requested\n$/);
  });
});
