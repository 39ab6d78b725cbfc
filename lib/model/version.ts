import { isMap, parseDocument, type Document, type YAMLMap } from "yaml";
import { PLATFORM_KEY } from "./load.js";
import type { ModelIssue } from "./resolve.js";

/**
 * The stack file's model version (`version` under `guardia:platform`). A file written for an
 * older model is refused with every field that changed since, and `guardia migrate-stack`
 * rewrites it in place, comments kept (yaml's Document API edits the tree the comments hang on).
 * A file written for a newer model than this guardia knows is refused too: upgrade guardia.
 */

/** The model this guardia reads. A file without `version` was written for version 1. */
export const MODEL_VERSION = 1;

export interface FieldChange {
  /** The field under guardia:platform, e.g. "backups.schedules[].keep". */
  readonly path: string;
  /** What changed and what to write instead, for the refusal. */
  readonly change: string;
  /** Rewrites the field in the `guardia:platform` map; absent: it needs a person. */
  readonly migrate?: (platform: YAMLMap) => void;
}

/** What changed from model version `from` to `from + 1`. */
export interface Migration {
  readonly from: number;
  readonly changes: readonly FieldChange[];
}

/** Every model change, oldest first. Version 1 is the first versioned model: none yet. */
export const MIGRATIONS: readonly Migration[] = [];

export interface Versioning {
  readonly current: number;
  readonly migrations: readonly Migration[];
}

const VERSIONING: Versioning = { current: MODEL_VERSION, migrations: MIGRATIONS };

/** The version a `guardia:platform` object says it was written for (1 when it says none). */
export function versionOf(raw: unknown): unknown {
  const version = (raw as { version?: unknown } | null | undefined)?.version;
  return version ?? 1;
}

/** The refusal of a file written for another model version, naming each change; [] when current. */
export function versionIssues(raw: unknown, versioning = VERSIONING): ModelIssue[] {
  const version = versionOf(raw);
  const { current } = versioning;
  if (typeof version !== "number" || !Number.isInteger(version) || version < 1)
    return [{ path: ["version"], message: `expected a model version (1 to ${current})` }];
  if (version > current)
    return [
      {
        path: ["version"],
        message: `written for model version ${version}; this guardia reads versions up to ${current}: upgrade guardia`,
      },
    ];
  const changes = changesSince(version, versioning);
  return changes.map((c) => ({
    path: ["version"],
    message: `written for model version ${version} (now ${current}): ${c.path}: ${c.change}${c.migrate ? "; `guardia migrate-stack` rewrites it" : ""}`,
  }));
}

function changesSince(version: number, versioning: Versioning): FieldChange[] {
  return versioning.migrations.filter((m) => m.from >= version).flatMap((m) => m.changes);
}

export interface MigratedText {
  readonly text: string;
  /** Each change applied, and the version stamp; empty when the file was current. */
  readonly applied: readonly string[];
  /** Changes a person has to make (no `migrate`). */
  readonly manual: readonly FieldChange[];
}

/** A stack file's text rewritten for the current model, its comments and layout kept. */
export function migrateStackText(text: string, versioning = VERSIONING): MigratedText {
  const doc = parseDocument(text);
  const platform = platformMap(doc);
  const version = versionOf(platform.toJSON());
  if (typeof version !== "number" || version > versioning.current)
    throw new Error(`cannot migrate from model version ${String(version)}`);
  const changes = changesSince(version, versioning);
  const manual = changes.filter((c) => !c.migrate);
  for (const change of changes) change.migrate?.(platform);
  const applied = changes.filter((c) => c.migrate).map((c) => `${c.path}: ${c.change}`);
  if (platform.get("version") === versioning.current) return { text, applied, manual };
  applied.push(`version: ${versioning.current}`);
  // Only the stamp to add: one line inserted, every other byte as it was.
  if (applied.length === 1 && !platform.has("version"))
    return { text: withVersionLine(text, platform, versioning.current), applied, manual };
  stampVersion(doc, platform, versioning.current);
  return { text: doc.toString(), applied, manual };
}

/** `version: <n>` as a line of its own before the map's first key, at that key's indentation. */
function withVersionLine(text: string, platform: YAMLMap, version: number): string {
  const first = platform.items[0]?.key as { range?: [number, number, number] } | undefined;
  const offset = first?.range?.[0];
  if (offset === undefined) throw new Error("guardia:platform is empty");
  const lineStart = text.lastIndexOf("\n", offset - 1) + 1;
  const indent = text.slice(lineStart, offset);
  if (indent.trim() !== "") throw new Error("guardia:platform is not a block map");
  return `${text.slice(0, lineStart)}${indent}version: ${version}\n${text.slice(lineStart)}`;
}

function platformMap(doc: Document): YAMLMap {
  const platform = doc.getIn(["config", PLATFORM_KEY]);
  if (!isMap(platform)) throw new Error(`no ${PLATFORM_KEY} map under config`);
  return platform;
}

/** `version` as the map's first key, where a reader looks for it. */
function stampVersion(doc: Document, platform: YAMLMap, version: number): void {
  if (platform.has("version")) {
    platform.set("version", version);
    return;
  }
  platform.items.unshift(doc.createPair("version", version));
}
