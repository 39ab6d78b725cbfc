import { describe, expect, it } from "vitest";
import { RefusedError, UsageError } from "../../lib/errors.js";
import type { CollectionsDocument, FieldDefinition } from "../../lib/nocobase/definitions.js";
import { planRecreate, type LiveCollections } from "../../lib/nocobase/recreate-plan.js";

/**
 * The recreate plan as data, decided before any write: what is created in which order, which
 * relation pairs are one call, what pre-flight refuses. The calls themselves run against a real
 * NocoBase in collections.test.ts.
 */

const id: FieldDefinition = { name: "id", type: "bigInt", primaryKey: true, autoIncrement: true };
const fk = (name: string): FieldDefinition => ({ name, type: "bigInt", isForeignKey: true });

const doc: CollectionsDocument = {
  formatVersion: 1,
  nocobaseVersion: "2.2.15",
  source: "http://nocobase/api",
  exportedAt: "2026-06-01T02:00:00.000Z",
  collections: [
    { name: "users", origin: "@nocobase/plugin-users", fields: [id] },
    {
      name: "pacientes",
      template: "general",
      fields: [
        id,
        { name: "createdBy", type: "belongsTo", target: "users", foreignKey: "createdById" },
        { name: "rut", type: "string", unique: true },
        {
          ...{ name: "episodios", type: "hasMany", key: "k1", reverseKey: "k2" },
          ...{ target: "episodios", foreignKey: "pacienteId", sourceKey: "id" },
        },
        {
          ...{ name: "medicos", type: "belongsToMany", key: "k3", reverseKey: "k4" },
          ...{ target: "medicos", through: "medicos_pacientes" },
          ...{ foreignKey: "pacienteId", otherKey: "medicoId", sourceKey: "id", targetKey: "id" },
        },
      ],
    },
    {
      name: "episodios",
      template: "general",
      fields: [
        id,
        fk("pacienteId"),
        {
          ...{ name: "paciente", type: "belongsTo", key: "k2", reverseKey: "k1" },
          ...{ target: "pacientes", foreignKey: "pacienteId", targetKey: "id" },
        },
      ],
    },
    {
      name: "medicos",
      template: "general",
      fields: [
        id,
        {
          ...{ name: "pacientes", type: "belongsToMany", key: "k4", reverseKey: "k3" },
          ...{ target: "pacientes", through: "medicos_pacientes" },
          ...{ foreignKey: "medicoId", otherKey: "pacienteId", sourceKey: "id", targetKey: "id" },
        },
      ],
    },
    { name: "medicos_pacientes", hidden: true, fields: [fk("pacienteId"), fk("medicoId")] },
    {
      name: "informes",
      template: "general",
      fields: [
        id,
        { name: "paciente", type: "belongsTo", target: "pacientes", foreignKey: "pacienteId" },
      ],
    },
  ],
};

/** NocoBase after `collections:destroy` of pacientes: every field pointing at it is gone too. */
function liveWithout(...gone: string[]): LiveCollections {
  return new Map(
    doc.collections
      .filter((c) => !gone.includes(c.name))
      .map((c) => [
        c.name,
        c.fields
          .filter((f) => !gone.includes(f.target ?? ""))
          .map((f) => ({ name: f.name, target: f.target })),
      ]),
  );
}

const bodyOf = (call: { body?: unknown }) => call.body as Record<string, unknown>;

describe("planRecreate", () => {
  it("creates the collection with its plain fields, then each relation, a pair once from its side", () => {
    const plan = planRecreate(doc, "pacientes", liveWithout("pacientes"), false);
    expect(plan.collections.map((c) => c.name)).toEqual(["pacientes"]);
    const [create, ...relations] = plan.writes;
    expect(create!.call.path).toBe("collections:create");
    expect(bodyOf(create!.call).fields).toEqual([
      { ...id, sort: 1 },
      { name: "rut", type: "string", unique: true, sort: 3 },
    ]);
    expect(relations.map((w) => w.call.path)).toEqual([
      ...Array(3).fill("collections/pacientes/fields:create"),
      "collections/informes/fields:create",
    ]);
    const hasMany = bodyOf(relations[1]!.call);
    expect(hasMany).toMatchObject({
      name: "episodios",
      key: "k1",
      foreignKey: "pacienteId",
      sort: 4,
    });
    // reverseKey is NocoBase's to set; the other side keeps its key and gets no position.
    expect(hasMany).not.toHaveProperty("reverseKey");
    expect(hasMany.reverseField).toEqual({
      ...{ name: "paciente", type: "belongsTo", key: "k2", target: "pacientes" },
      ...{ foreignKey: "pacienteId", targetKey: "id" },
    });
    expect(relations[3]!.creates).toEqual([{ collection: "informes", field: "paciente" }]);
    expect(plan.sequences).toEqual([
      {
        collection: "pacientes",
        table: "pacientes",
        key: "id",
        references: [
          { table: "episodios", column: "pacienteId" },
          { table: "medicos_pacientes", column: "pacienteId" },
          { table: "informes", column: "pacienteId" },
        ],
      },
    ]);
  });

  it("creates a gone `through` collection first, and the pair through it once", () => {
    const plan = planRecreate(
      doc,
      "pacientes",
      liveWithout("pacientes", "medicos_pacientes"),
      false,
    );
    expect(plan.collections.map((c) => c.name)).toEqual(["medicos_pacientes", "pacientes"]);
    const throughIt = plan.writes.filter((w) =>
      JSON.stringify(w.call.body).includes("medicos_pacientes"),
    );
    expect(throughIt.map((w) => w.call.summary)).toEqual([
      "medicos_pacientes: pacienteId, medicoId",
      "pacientes.medicos: belongsToMany → medicos through medicos_pacientes (pacienteId/medicoId), reverse medicos.pacientes",
    ]);
  });

  it("refuses, all reasons at once, before any write", () => {
    const broken: CollectionsDocument = {
      ...doc,
      collections: doc.collections
        .filter((c) => c.name !== "medicos")
        .map((c) => (c.name === "pacientes" ? { ...c, template: "tree" } : c)),
    };
    const live = new Map([...liveWithout("medicos")].filter(([name]) => name !== "pacientes"));
    live.set("pacientes", [{ name: "id" }]);
    let error: unknown;
    try {
      planRecreate(broken, "pacientes", live, false);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(RefusedError);
    expect((error as Error).message.split("\n")).toEqual([
      'collection "pacientes" exists in NocoBase; pass --replace to destroy and recreate it',
      'relation pacientes.medicos needs collection "medicos", which is neither in NocoBase nor in the export',
      'collection "pacientes" uses template "tree", whose creation adds fields of its own; guardia recreates general collections only',
    ]);
    expect(() => planRecreate(doc, "users", liveWithout("users"), false)).toThrow(
      'collection "users" belongs to the plugin @nocobase/plugin-users',
    );
    expect(() => planRecreate(doc, "pacientez", liveWithout(), false)).toThrow(UsageError);
  });

  it("--replace plans as if the collection and the fields pointing at it were gone", () => {
    const live = new Map(liveWithout());
    live.set("informes", [...live.get("informes")!, { name: "extra", target: "pacientes" }]);
    const plan = planRecreate(doc, "pacientes", live, true);
    expect(plan.writes.map((w) => w.call.summary)).toEqual(
      planRecreate(doc, "pacientes", liveWithout("pacientes"), false).writes.map(
        (w) => w.call.summary,
      ),
    );
    expect(plan.lost).toEqual(["informes.extra"]);
  });
});
