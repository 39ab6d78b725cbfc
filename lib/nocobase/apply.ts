import { callLine, WRITE, type ApiCall, type NocoBase } from "./api.js";
import type { Created, Write } from "./recreate-plan.js";
import { t } from "../i18n/index.js";

/**
 * Sends a recreate's writes in order, remembering what each created, so a failure half way can
 * be undone exactly: the fields it added to collections that were already there, then the
 * collections it created (which takes their fields and tables with them), newest first.
 */

/** A write failed: what the earlier ones had created by then. */
export class WriteFailure extends Error {
  override name = "WriteFailure";
  constructor(
    message: string,
    readonly done: readonly Created[],
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export async function applyWrites(
  api: NocoBase,
  writes: readonly Write[],
  signal?: AbortSignal,
  log: (line: string) => void = () => undefined,
): Promise<Created[]> {
  const done: Created[] = [];
  for (const [i, write] of writes.entries()) {
    log(`${i + 1}/${writes.length} ${callLine(api.apiUrl, write.call)}`);
    try {
      await api.send(write.call, signal);
    } catch (err) {
      throw new WriteFailure((err as Error).message, done, { cause: err });
    }
    done.push(...write.creates);
  }
  return done;
}

/** The calls that take `done` away again: fields on collections that stayed, then collections. */
export function undoCalls(done: readonly Created[]): ApiCall[] {
  const collections = done.filter((c) => !c.field).map((c) => c.collection);
  const fields = done.filter((c) => c.field && !collections.includes(c.collection));
  return [
    ...fields.reverse().map((f) => WRITE.destroyField(f.collection, f.field!)),
    ...collections.reverse().map((c) => WRITE.destroyCollection(c)),
  ];
}

export interface UndoResult {
  readonly undone: readonly string[];
  /** Each call that failed, with NocoBase's answer: what is left for a person to undo. */
  readonly failed: readonly string[];
}

/** Sends every undo call, on through failures, and says what each did. */
export async function undoWrites(api: NocoBase, done: readonly Created[]): Promise<UndoResult> {
  const result = { undone: [] as string[], failed: [] as string[] };
  for (const call of undoCalls(done)) {
    try {
      await api.send(call);
      result.undone.push(callLine(api.apiUrl, call));
    } catch (err) {
      result.failed.push(`${callLine(api.apiUrl, call)} (${(err as Error).message})`);
    }
  }
  return result;
}

/** "collection pacientes, field informes.paciente": what a list of creations amounts to. */
export function describeCreated(done: readonly Created[]): string {
  return (
    done
      .map((c) => (c.field ? t`field ${c.collection}.${c.field}` : t`collection ${c.collection}`))
      .join(", ") || "nothing"
  );
}
