import { RefusedError, UsageError } from "../errors.js";
import { WRITE, type ApiCall } from "./api.js";
import {
  autoIncrementKey,
  columnOf,
  isRelation,
  tableOf,
  type CollectionDefinition,
  type CollectionsDocument,
  type FieldDefinition,
} from "./definitions.js";
import { quoted } from "../user-text.js";
import { t } from "../i18n/index.js";

/**
 * Which API calls bring one collection back from an export, decided before any write. NocoBase
 * cannot take a collection with relation fields back in one call (the relation fails half way
 * and leaves the collection broken), so: every collection to recreate (the one asked for, and
 * the relation targets and `through` collections it needs that are gone) is created first with
 * its non-relation fields, foreign-key fields included; then each relation field, a pair once,
 * with the other side as `reverseField`, every key explicit so the columns still in the other
 * tables reattach. `collections:destroy` also removes every relation field elsewhere that points
 * at the collection, so those come back too. Fields get their exported position as `sort`.
 */

/** A live collection as the pre-flight saw it: its fields' names and what they point at. */
export type LiveCollections = ReadonlyMap<
  string,
  readonly { readonly name: string; readonly target?: string }[]
>;

export interface RelationToCreate {
  readonly owner: string;
  readonly field: FieldDefinition;
  /** The other side of a pair, created by the same call. */
  readonly reverse?: { readonly owner: string; readonly field: FieldDefinition };
}

/** A column elsewhere that holds ids of a recreated collection. */
export interface Reference {
  readonly table: string;
  readonly column: string;
}

export interface SequenceFloor {
  readonly collection: string;
  readonly table: string;
  /** The autoIncrement primary key whose sequence restarts at 1 on a recreated table. */
  readonly key: string;
  readonly references: readonly Reference[];
}

/** What one write creates: a collection, or a field of one. */
export interface Created {
  readonly collection: string;
  readonly field?: string;
}

export interface Write {
  readonly call: ApiCall;
  readonly creates: readonly Created[];
}

export interface RecreatePlan {
  readonly collection: string;
  /** To create, dependencies first, the one asked for last. */
  readonly collections: readonly CollectionDefinition[];
  readonly relations: readonly RelationToCreate[];
  /** Every write, in order: what the dry run lists and the run sends. */
  readonly writes: readonly Write[];
  readonly sequences: readonly SequenceFloor[];
  /** Relation fields a `--replace` removes that the export does not have. */
  readonly lost: readonly string[];
}

/** Templates whose collections:create adds no fields of its own, so the calls are all there is. */
const SUPPORTED_TEMPLATES = new Set([undefined, "general"]);

export function planRecreate(
  doc: CollectionsDocument,
  name: string,
  live: LiveCollections,
  replace: boolean,
): RecreatePlan {
  const byName = new Map(doc.collections.map((c) => [c.name, c]));
  if (!byName.has(name)) {
    throw new UsageError(
      t`--collection: the export has no collection ${quoted(name)} (it has: ${[...byName.keys()].join(", ")})`,
    );
  }
  const after = replace ? withoutCollection(live, name) : live;
  const lost = replace ? lostFields(live, name, doc) : [];
  const problems: string[] = [];
  if (after.has(name)) {
    problems.push(
      t`collection "${name}" exists in NocoBase; pass --replace to destroy and recreate it`,
    );
  }
  const order = collectionsToCreate(byName, name, after, problems);
  for (const c of order) problems.push(...unsupported(c));
  if (problems.length > 0) throw new RefusedError(problems.join("\n"));
  const created = new Set(order.map((c) => c.name));
  const relations = relationsToCreate(doc, created, after);
  return {
    collection: name,
    collections: order,
    relations,
    writes: [
      ...order.map((c) => ({ call: createCollectionCall(c), creates: [{ collection: c.name }] })),
      ...relations.map((r) => ({
        call: createRelationCall(r, byName, created),
        creates: [r, ...(r.reverse ? [r.reverse] : [])].map((side) => ({
          collection: side.owner,
          field: side.field.name,
        })),
      })),
    ],
    sequences: order.flatMap((c) => sequenceFloor(c, doc, byName)),
    lost,
  };
}

function withoutCollection(live: LiveCollections, name: string): LiveCollections {
  return new Map(
    [...live]
      .filter(([c]) => c !== name)
      .map(([c, fields]) => [c, fields.filter((f) => f.target !== name)]),
  );
}

function lostFields(live: LiveCollections, name: string, doc: CollectionsDocument): string[] {
  const exported = new Set(
    doc.collections.flatMap((c) => c.fields.map((f) => `${c.name}.${f.name}`)),
  );
  return [...live].flatMap(([c, fields]) =>
    fields
      .filter((f) => (c === name || f.target === name) && !exported.has(`${c}.${f.name}`))
      .map((f) => `${c}.${f.name}`),
  );
}

/**
 * The collection and every relation target or `through` collection it needs that NocoBase no
 * longer has (and theirs, in turn), dependencies first. A missing one the export lacks too is a
 * refusal: the relation could not be created.
 */
function collectionsToCreate(
  byName: ReadonlyMap<string, CollectionDefinition>,
  name: string,
  live: LiveCollections,
  problems: string[],
): CollectionDefinition[] {
  const found: string[] = [name];
  for (let i = 0; i < found.length; i++) {
    const owner = byName.get(found[i]!)!;
    for (const f of owner.fields.filter(isRelation)) {
      for (const needed of [f.target, f.through]) {
        if (!needed || live.has(needed) || found.includes(needed)) continue;
        if (byName.has(needed)) found.push(needed);
        else {
          problems.push(
            t`relation ${owner.name}.${f.name} needs collection "${needed}", which is neither in NocoBase nor in the export`,
          );
        }
      }
    }
  }
  return found.reverse().map((n) => byName.get(n)!);
}

function unsupported(c: CollectionDefinition): string[] {
  const problems: string[] = [];
  if (!SUPPORTED_TEMPLATES.has(c.template)) {
    problems.push(
      t`collection "${c.name}" uses template "${c.template}", whose creation adds fields of its own; guardia recreates general collections only`,
    );
  }
  if (c.origin) {
    problems.push(
      t`collection "${c.name}" belongs to the plugin ${c.origin}; reinstall the plugin instead`,
    );
  }
  if (c.inherits && c.inherits.length > 0) {
    problems.push(t`collection "${c.name}" inherits from ${String(c.inherits)}; not supported`);
  }
  return problems;
}

/**
 * Every relation field of a created collection, or pointing at one (or through one), that is
 * not in NocoBase now. The two sides of a pair are one call, made from the side whose
 * collection is created (the collection asked for first): a pair's reverseKey names the other
 * side's key.
 */
function relationsToCreate(
  doc: CollectionsDocument,
  created: ReadonlySet<string>,
  live: LiveCollections,
): RelationToCreate[] {
  const exists = (owner: string, field: string) =>
    live.get(owner)?.some((f) => f.name === field) ?? false;
  const wanted = doc.collections.flatMap((c) =>
    c.fields
      .filter(isRelation)
      .filter((f) => created.has(c.name) || created.has(f.target!) || created.has(f.through!))
      .filter((f) => !exists(c.name, f.name))
      .map((field) => ({ owner: c.name, field })),
  );
  const byKey = new Map(wanted.filter((w) => w.field.key).map((w) => [w.field.key!, w]));
  // Created sides first, so a pair is made from the collection being recreated.
  const ranked = [...wanted].sort(
    (a, b) => Number(created.has(b.owner)) - Number(created.has(a.owner)),
  );
  const done = new Set<FieldDefinition>();
  const relations: RelationToCreate[] = [];
  for (const w of ranked) {
    if (done.has(w.field)) continue;
    done.add(w.field);
    const partner = w.field.reverseKey ? byKey.get(w.field.reverseKey) : undefined;
    if (partner && !done.has(partner.field)) {
      done.add(partner.field);
      relations.push({ ...w, reverse: partner });
    } else {
      relations.push(w);
    }
  }
  return relations;
}

/** A field as NocoBase takes it on create: reverseKey is set by NocoBase from reverseField. */
function createBody(f: FieldDefinition, sort: number | undefined): Record<string, unknown> {
  const body = Object.fromEntries(Object.entries(f).filter(([k]) => k !== "reverseKey"));
  return sort === undefined ? body : { ...body, sort };
}

function position(c: CollectionDefinition | undefined, f: FieldDefinition, created: boolean) {
  // Fields of a collection that stays keep their order; the field comes after them.
  return created && c ? c.fields.indexOf(f) + 1 : undefined;
}

function createCollectionCall(c: CollectionDefinition): ApiCall {
  const plain = c.fields.filter((f) => !isRelation(f));
  const body = {
    ...c,
    fields: plain.map((f) => createBody(f, c.fields.indexOf(f) + 1)),
  };
  return WRITE.createCollection(body, `${c.name}: ${plain.map((f) => f.name).join(", ")}`);
}

function createRelationCall(
  r: RelationToCreate,
  byName: ReadonlyMap<string, CollectionDefinition>,
  created: ReadonlySet<string>,
): ApiCall {
  const side = (owner: string, f: FieldDefinition) =>
    createBody(f, position(byName.get(owner), f, created.has(owner)));
  const body = {
    ...side(r.owner, r.field),
    ...(r.reverse && { reverseField: side(r.reverse.owner, r.reverse.field) }),
  };
  const keys = [r.field.foreignKey, r.field.otherKey].filter(Boolean).join("/");
  const summary = `${r.owner}.${r.field.name}: ${r.field.type} → ${r.field.target}${r.field.through ? ` through ${r.field.through}` : ""} (${keys})${r.reverse ? `, reverse ${r.reverse.owner}.${r.reverse.field.name}` : ""}`;
  return WRITE.createField(r.owner, body, summary);
}

/**
 * The columns that still hold a recreated collection's ids (the notes of a destroyed collection:
 * NocoBase leaves foreign-key values in other tables and there is no constraint): belongsTo
 * fields pointing at it, its own hasOne/hasMany targets, and both kinds of `through` columns.
 */
function sequenceFloor(
  c: CollectionDefinition,
  doc: CollectionsDocument,
  byName: ReadonlyMap<string, CollectionDefinition>,
): SequenceFloor[] {
  const key = autoIncrementKey(c);
  if (!key) return [];
  const refs = new Map<string, Reference>();
  const add = (collection: string | undefined, attribute: string | undefined) => {
    const other = collection ? byName.get(collection) : undefined;
    if (!collection || !attribute) return;
    const ref = { table: other ? tableOf(other) : collection, column: columnOf(other, attribute) };
    refs.set(`${ref.table}.${ref.column}`, ref);
  };
  for (const owner of doc.collections) {
    for (const f of owner.fields.filter(isRelation)) {
      const outgoing = owner.name === c.name && (f.sourceKey ?? "id") === key;
      const incoming = f.target === c.name && (f.targetKey ?? "id") === key;
      if (f.type === "belongsTo" && incoming) add(owner.name, f.foreignKey);
      if ((f.type === "hasMany" || f.type === "hasOne") && outgoing) add(f.target, f.foreignKey);
      if (f.type === "belongsToMany" && outgoing) add(f.through, f.foreignKey);
      if (f.type === "belongsToMany" && incoming) add(f.through, f.otherKey);
    }
  }
  return [{ collection: c.name, table: tableOf(c), key, references: [...refs.values()] }];
}
