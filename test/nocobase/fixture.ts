import type { NocoBaseServer } from "../harness/nocobase.js";

/**
 * MIRA's clinical collections as a person builds them in NocoBase's collection manager: the
 * system fields the UI adds (id, createdAt/By, updatedAt/By), a one-to-many pair (a paciente has
 * many episodios), a many-to-many pair through a hidden collection (medicos ↔ pacientes) and a
 * one-sided many-to-one (informes → pacientes); then a few rows that use every relation.
 */

type Api = NocoBaseServer["api"];

const ui = (title: string, component: string, type = "string") => ({
  type,
  title,
  "x-component": component,
});

const SYSTEM_FIELDS = [
  {
    name: "id",
    type: "bigInt",
    autoIncrement: true,
    primaryKey: true,
    allowNull: false,
    interface: "id",
    uiSchema: { ...ui('{{t("ID")}}', "InputNumber", "number"), "x-read-pretty": true },
  },
  ...(["createdAt", "updatedAt"] as const).map((name) => ({
    name,
    interface: name,
    type: "date",
    field: name,
    uiSchema: { ...ui(name, "DatePicker", "datetime"), "x-read-pretty": true },
  })),
  ...(["createdBy", "updatedBy"] as const).map((name) => ({
    name,
    interface: name,
    type: "belongsTo",
    target: "users",
    foreignKey: `${name}Id`,
    uiSchema: {
      ...ui(name, "AssociationField", "object"),
      "x-component-props": { fieldNames: { value: "id", label: "nickname" } },
      "x-read-pretty": true,
    },
  })),
];

const general = (name: string, title: string, fields: object[]) => ({
  name,
  title,
  template: "general",
  autoGenId: false,
  createdAt: true,
  updatedAt: true,
  createdBy: true,
  updatedBy: true,
  logging: true,
  fields: [...SYSTEM_FIELDS, ...fields],
});

export const MIRA_COLLECTIONS = ["pacientes", "episodios", "medicos", "informes"];

export async function createMiraCollections(api: Api): Promise<void> {
  await api("POST", "collections:create", {
    ...general("pacientes", "Pacientes", [
      {
        name: "rut",
        type: "string",
        interface: "input",
        unique: true,
        uiSchema: ui("RUT", "Input"),
      },
      { name: "nombre", type: "string", interface: "input", uiSchema: ui("Nombre", "Input") },
      {
        name: "estado",
        type: "string",
        interface: "select",
        defaultValue: "activo",
        uiSchema: {
          ...ui("Estado", "Select"),
          enum: [
            { value: "activo", label: "Activo" },
            { value: "alta", label: "Alta" },
          ],
        },
      },
    ]),
    sortable: true,
  });
  await api(
    "POST",
    "collections:create",
    general("episodios", "Episodios", [
      { name: "fecha", type: "date", interface: "datetime", uiSchema: ui("Fecha", "DatePicker") },
      {
        name: "diagnostico",
        type: "text",
        interface: "textarea",
        uiSchema: ui("Diagnóstico", "Input.TextArea"),
      },
    ]),
  );
  await api(
    "POST",
    "collections:create",
    general("medicos", "Médicos", [
      { name: "nombre", type: "string", interface: "input", uiSchema: ui("Nombre", "Input") },
    ]),
  );
  await api(
    "POST",
    "collections:create",
    general("informes", "Informes", [
      {
        name: "texto",
        type: "text",
        interface: "textarea",
        uiSchema: ui("Texto", "Input.TextArea"),
      },
    ]),
  );
  await createRelations(api);
}

const association = (title: string, multiple: boolean) => ({
  ...ui(title, "AssociationField", multiple ? "array" : "object"),
  "x-component-props": { multiple },
});

async function createRelations(api: Api): Promise<void> {
  await api("POST", "collections/pacientes/fields:create", {
    name: "episodios",
    type: "hasMany",
    interface: "o2m",
    target: "episodios",
    foreignKey: "pacienteId",
    sourceKey: "id",
    targetKey: "id",
    onDelete: "SET NULL",
    uiSchema: association("Episodios", true),
    reverseField: {
      name: "paciente",
      type: "belongsTo",
      interface: "m2o",
      uiSchema: association("Paciente", false),
    },
  });
  await api("POST", "collections/medicos/fields:create", {
    name: "pacientes",
    type: "belongsToMany",
    interface: "m2m",
    target: "pacientes",
    through: "medicos_pacientes",
    foreignKey: "medicoId",
    otherKey: "pacienteId",
    sourceKey: "id",
    targetKey: "id",
    uiSchema: association("Pacientes", true),
    reverseField: {
      name: "medicos",
      type: "belongsToMany",
      interface: "m2m",
      uiSchema: association("Médicos", true),
    },
  });
  await api("POST", "collections/informes/fields:create", {
    name: "paciente",
    type: "belongsTo",
    interface: "m2o",
    target: "pacientes",
    foreignKey: "pacienteId",
    targetKey: "id",
    onDelete: "SET NULL",
    uiSchema: association("Paciente", false),
  });
}

/** Three pacientes, four episodios, a médico of the first two, an informe of the third. */
export async function addMiraRecords(api: Api): Promise<void> {
  for (const [rut, nombre] of [
    ["11111111-1", "Ana"],
    ["22222222-2", "Luis"],
    ["33333333-3", "Eva"],
  ]) {
    await api("POST", "pacientes:create", { rut, nombre });
  }
  for (const [diagnostico, paciente] of [
    ["C50", 1],
    ["C61", 2],
    ["C34", 3],
    ["C18", 3],
  ] as const) {
    await api("POST", "episodios:create", { diagnostico, paciente });
  }
  await api("POST", "medicos:create", { nombre: "Dra. Rojas", pacientes: [1, 2] });
  await api("POST", "informes:create", { texto: "TAC de control", paciente: 3 });
}
