import { z } from "zod";
import { READ, serverVersion, type NocoBase } from "./api.js";
import { t } from "../i18n/index.js";

/**
 * Collection definitions as the export keeps them: every option NocoBase returns for a collection
 * and each of its fields, minus what it computes (`unavailableActions`), what is implied by where
 * the field sits (`collectionName`) and null values; fields in their `sort` order, which the API
 * does not return, so the array order is the record. The same normalisation reads a recreated
 * collection back, so the two compare option by option.
 */

/** Field types that point at another collection; they are created after every collection exists. */
export const RELATION_TYPES: ReadonlySet<string> = new Set([
  "belongsTo",
  "hasOne",
  "hasMany",
  "belongsToMany",
  "belongsToArray",
]);

const field = z.looseObject({
  name: z.string().min(1),
  type: z.string().min(1),
  key: z.string().optional(),
  reverseKey: z.string().optional(),
  target: z.string().optional(),
  through: z.string().optional(),
  foreignKey: z.string().optional(),
  otherKey: z.string().optional(),
  sourceKey: z.string().optional(),
  targetKey: z.string().optional(),
  field: z.string().optional(),
  primaryKey: z.boolean().optional(),
  autoIncrement: z.boolean().optional(),
});

const collection = z.looseObject({
  name: z.string().min(1),
  template: z.string().optional(),
  tableName: z.string().optional(),
  origin: z.string().optional(),
  inherits: z.union([z.string(), z.array(z.string())]).optional(),
  fields: z.array(field),
});

export const EXPORT_FORMAT_VERSION = 1;

/** collections.json: what export-collections stores and recreate-collection reads. */
export const collectionsDocument = z.strictObject({
  formatVersion: z.literal(EXPORT_FORMAT_VERSION),
  /** The version `GET /app:getInfo` answered when the export was taken. */
  nocobaseVersion: z.string().min(1),
  /** The API it was read from. */
  source: z.string().min(1),
  exportedAt: z.iso.datetime(),
  /** In NocoBase's own order (`sort`), each with its fields in `sort` order. */
  collections: z.array(collection),
});

export type FieldDefinition = z.infer<typeof field>;
export type CollectionDefinition = z.infer<typeof collection>;
export type CollectionsDocument = z.infer<typeof collectionsDocument>;

const COMPUTED_COLLECTION_OPTIONS = ["unavailableActions", "fields"];
const IMPLIED_FIELD_OPTIONS = ["collectionName"];

function withoutNulls(
  raw: Record<string, unknown>,
  drop: readonly string[],
): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(raw).filter(([k, v]) => v !== null && v !== undefined && !drop.includes(k)),
  );
}

export function normalizeField(raw: Record<string, unknown>): FieldDefinition {
  return field.parse(withoutNulls(raw, IMPLIED_FIELD_OPTIONS));
}

export function normalizeCollection(
  raw: Record<string, unknown>,
  fields: readonly Record<string, unknown>[],
): CollectionDefinition {
  return collection.parse({
    ...withoutNulls(raw, COMPUTED_COLLECTION_OPTIONS),
    fields: fields.map(normalizeField),
  });
}

/** One collection as NocoBase has it now, or undefined when it does not exist. */
export async function readCollection(
  api: NocoBase,
  name: string,
  signal?: AbortSignal,
): Promise<CollectionDefinition | undefined> {
  const raw = await api.send<Record<string, unknown> | null>(READ.collection(name), signal);
  if (!raw) return undefined;
  const fields = await api.send<Record<string, unknown>[]>(READ.fields(name), signal);
  return normalizeCollection(raw, fields);
}

/** Every collection (or those named in `include`) with its fields: the export document. */
export async function readCollections(
  api: NocoBase,
  include: readonly string[] | undefined,
  signal?: AbortSignal,
): Promise<CollectionsDocument> {
  const nocobaseVersion = await serverVersion(api, signal);
  const all = await api.send<Record<string, unknown>[]>(READ.collections, signal);
  const names = all.map((c) => String(c.name));
  const unknown = (include ?? []).filter((n) => !names.includes(n));
  if (unknown.length > 0) {
    throw new Error(
      t`collections.include names ${unknown.join(", ")}, which NocoBase at ${api.apiUrl} does not have (it has: ${names.join(", ")})`,
    );
  }
  const chosen = include ? all.filter((c) => include.includes(String(c.name))) : all;
  const collections: CollectionDefinition[] = [];
  for (const raw of chosen) {
    const fields = await api.send<Record<string, unknown>[]>(READ.fields(String(raw.name)), signal);
    collections.push(normalizeCollection(raw, fields));
  }
  return {
    formatVersion: EXPORT_FORMAT_VERSION,
    nocobaseVersion,
    source: api.apiUrl,
    exportedAt: new Date().toISOString(),
    collections,
  };
}

export const isRelation = (f: FieldDefinition): boolean => RELATION_TYPES.has(f.type);

/** The table behind a collection: its `tableName`, else its name (NocoBase's default). */
export function tableOf(c: CollectionDefinition): string {
  return c.tableName ?? c.name;
}

/** The column behind an attribute of a collection: its field's `field` option, else the name. */
export function columnOf(c: CollectionDefinition | undefined, attribute: string): string {
  return c?.fields.find((f) => f.name === attribute)?.field ?? attribute;
}

/**
 * The single-column primary key a sequence numbers, when the collection has one: an
 * autoIncrement primary key field, or the implicit `id` of `autoGenId`.
 */
export function autoIncrementKey(c: CollectionDefinition): string | undefined {
  const keys = c.fields.filter((f) => f.primaryKey);
  if (keys.length === 1) return keys[0]!.autoIncrement ? keys[0]!.name : undefined;
  return keys.length === 0 && c.autoGenId === true ? "id" : undefined;
}
