import path from "node:path";
import type { ClientBase } from "pg";
import type { Kubectl } from "../adapters/kubectl.js";
import { serviceCommand } from "../checks/diagnostics.js";
import type { Command } from "../command.js";
import type { MediaReference, Platform, Service } from "../model/index.js";

/**
 * Which media files are referenced, from the database and never from their names: the columns
 * the stack names, and every FileField and ImageField Django itself knows (asked through
 * manage.py, so a model added later is not missed). A referenced path is kept as Django stores
 * it, relative to MEDIA_ROOT, normalized; one that would lead outside the root protects nothing
 * inside it and is only counted.
 */

/** Prints one JSON line per FileField (ImageField is one) of every installed model. */
const DJANGO_FILE_FIELDS = [
  "import json",
  "from django.apps import apps",
  "from django.db import models",
  "for m in apps.get_models():",
  "    for f in m._meta.concrete_fields:",
  "        if isinstance(f, models.FileField):",
  '            print(json.dumps({"model": m._meta.label, "table": m._meta.db_table, "column": f.column}))',
].join("\n");

export function djangoFileFieldsCommand(
  platform: Platform,
  kubectl: Kubectl,
  service: Service,
): Command {
  const django = service.diagnostics.django!;
  const argv = [django.python, django.manage, "shell", "-c", DJANGO_FILE_FIELDS];
  return serviceCommand(platform, kubectl, service, service.workload, argv);
}

export interface DjangoFileField extends MediaReference {
  /** "forms.Answer". */
  readonly model: string;
}

/** The fields from the command's output (warnings and other lines ignored). */
export function parseFileFields(stdout: string): DjangoFileField[] {
  return stdout
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as DjangoFileField);
}

/** "forms_answer.file": how messages name a reference. */
export function referenceName(ref: MediaReference): string {
  return `${ref.table}.${ref.column}`;
}

/** The stack's references and Django's fields, each column once, stack first. */
export function mergeReferences(
  stack: readonly MediaReference[],
  django: readonly MediaReference[],
): MediaReference[] {
  const seen = new Set(stack.map(referenceName));
  return [...stack, ...django.filter((f) => !seen.has(referenceName(f)))];
}

export interface References {
  /** Referenced paths relative to the root, normalized. */
  readonly paths: ReadonlySet<string>;
  /** Values that lead outside the root (`..`, another absolute directory): they protect nothing. */
  readonly outside: number;
  /** Paths found per column. */
  readonly perColumn: Readonly<Record<string, number>>;
}

/** Every non-empty value of every column, read in one snapshot. */
export async function readReferences(
  client: ClientBase,
  references: readonly MediaReference[],
  root: string,
): Promise<References> {
  const paths = new Set<string>();
  const perColumn: Record<string, number> = {};
  let outside = 0;
  await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  try {
    for (const ref of references) {
      const table = ref.table
        .split(".")
        .map((part) => client.escapeIdentifier(part))
        .join(".");
      const column = client.escapeIdentifier(ref.column);
      const { rows } = await client.query<{ value: string }>(
        `SELECT DISTINCT ${column}::text AS value FROM ${table} WHERE ${column} IS NOT NULL AND ${column}::text <> ''`,
      );
      perColumn[referenceName(ref)] = rows.length;
      for (const { value } of rows) {
        const relative = relativeToRoot(value, root);
        if (relative === undefined) outside++;
        else paths.add(relative);
      }
    }
  } finally {
    await client.query("ROLLBACK").catch(() => {});
  }
  return { paths, outside, perColumn };
}

/**
 * A stored name as a path relative to `root` ("answers/a.pdf"), or undefined when it leads
 * outside it. Django stores names relative to MEDIA_ROOT; an absolute path inside the root is
 * accepted too.
 */
export function relativeToRoot(value: string, root: string): string | undefined {
  const absolute = path.posix.resolve(root, value);
  const relative = path.posix.relative(root, absolute);
  if (
    relative === "" ||
    relative.startsWith("../") ||
    relative === ".." ||
    path.posix.isAbsolute(relative)
  )
    return undefined;
  return relative;
}
