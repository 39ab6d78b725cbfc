import { lstat } from "node:fs/promises";
import path from "node:path";
import type { MediaCleanup } from "../model/index.js";
import type { Step } from "../runbook/types.js";
import { printable } from "../user-text.js";
import { readQuarantine, restoreEntries, type Batch } from "./quarantine.js";
import { QUARANTINE_DIR, resolveRoot } from "./scan.js";
import { t } from "../i18n/index.js";

/**
 * cleanup-media --restore-quarantine: every quarantined file (or one batch's) back at the path
 * its manifest names, unless something else is there now, then each checked against the
 * manifest: same size, same modification time.
 */

export interface RestoreFacts {
  root?: string;
  batches: Batch[];
  restored: string[];
  conflicts: string[];
}

export function restoreSteps(
  media: MediaCleanup,
  only: string | undefined,
  facts: RestoreFacts,
): Step[] {
  return [
    readQuarantineStep(media, only, facts),
    putBackStep(media, facts),
    checkRestoredStep(facts),
  ];
}

function readQuarantineStep(
  media: MediaCleanup,
  only: string | undefined,
  facts: RestoreFacts,
): Step {
  return {
    title: only
      ? t`Read the quarantine of ${media.root} (batch ${only})`
      : t`Read the quarantine of ${media.root}`,
    kind: "read",
    run: async () => {
      facts.root = await resolveRoot(media.root);
      const { batches, unreadable } = await readQuarantine(facts.root);
      facts.batches = batches.filter((b) => !only || b.manifest.batch === only);
      if (only && facts.batches.length === 0)
        throw new Error(t`no quarantine batch ${only} in ${media.root}/${QUARANTINE_DIR}`);
      const files = facts.batches.reduce((n, b) => n + b.present.length, 0);
      const left = unreadable.length ? t`; left alone: ${unreadable.join("; ")}` : "";
      return { summary: t`${files} file(s) in ${facts.batches.length} batch(es)${left}` };
    },
  };
}

function putBackStep(media: MediaCleanup, facts: RestoreFacts): Step {
  return {
    title: t`Put the quarantined files back`,
    kind: "change",
    action: () => ({
      call:
        facts.batches
          .flatMap((b) =>
            b.present.map((e) => `put back ${printable(e.path)} (batch ${b.manifest.batch})`),
          )
          .join("\n") || "nothing in the quarantine",
      target: { root: media.root },
    }),
    run: async () => {
      for (const batch of facts.batches) {
        const done = await restoreEntries(facts.root!, batch.manifest.batch, batch.present);
        facts.restored.push(...done.restored);
        facts.conflicts.push(...done.conflicts);
      }
      if (facts.conflicts.length > 0)
        throw new Error(
          t`left in the quarantine, another file is at their path now: ${facts.conflicts.map((p) => printable(p)).join(", ")}`,
        );
      return { summary: t`put back ${facts.restored.length} file(s)` };
    },
    manualUndo: t`run cleanup-media again: whatever is still unreferenced goes back to the quarantine`,
  };
}

function checkRestoredStep(facts: RestoreFacts): Step {
  return {
    title: t`Check the restored files against the manifests (size, modification time)`,
    kind: "verify",
    run: async () => {
      const problems: string[] = [];
      for (const entry of facts.batches.flatMap((b) => b.present)) {
        if (!facts.restored.includes(entry.path)) continue;
        const stat = await lstat(path.join(facts.root!, entry.path)).catch(() => undefined);
        if (!stat?.isFile() || stat.size !== entry.size || stat.mtimeMs !== entry.mtimeMs)
          problems.push(printable(entry.path));
      }
      if (problems.length) throw new Error(t`not as the manifest says: ${problems.join(", ")}`);
      return { summary: t`${facts.restored.length} file(s) as the manifests say` };
    },
  };
}
