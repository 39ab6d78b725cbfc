import { readFileSync } from "node:fs";
import ts from "typescript";

/**
 * A field reference read from zod schema source: every field of every object with its type,
 * whether it is required, its `@default` and its doc comment. The schema files are the one place
 * where fields are documented; docs/stack-model.md and docs/backups.md are generated from them.
 * Only the forms the schema files use are understood; anything else shows as its source text.
 */

export interface FieldDoc {
  readonly name: string;
  readonly type: string;
  readonly required: boolean;
  readonly defaultValue: string | undefined;
  readonly description: string;
}

export interface ObjectDoc {
  /** Where the object sits: `guardia:platform.services[]`, or a named type ("Secret reference"). */
  readonly path: string;
  readonly fields: FieldDoc[];
}

/** Building blocks whose checks say more than their zod type. */
const NAMED_TYPES: Readonly<Record<string, string>> = {
  dnsLabel: "name (lowercase DNS label, at most 40)",
  cron: "cron schedule (5 fields)",
  duration: "duration (30s, 15m, 1h...)",
  httpUrl: "http(s) URL",
  ratio: "fraction between 0 and 1",
  priority: "P1, P2, P3 or P4",
  workload: "kind/name (deployment, statefulset, daemonset)",
  positiveInt: "whole number ≥ 1",
  sha256: "sha256, 64 hex digits",
  count: "whole number ≥ 0",
};

/** Objects documented once, under their own name, wherever they are used. */
const SHARED_OBJECTS: Readonly<Record<string, string>> = { secretRef: "Secret reference" };

interface Described {
  readonly type: string;
  readonly optional: boolean;
}

export function fieldReference(
  files: readonly string[],
  root: string,
  rootPath: string,
): ObjectDoc[] {
  const reader = new SchemaReader(files);
  const initializer = reader.declaration(root);
  if (!initializer) throw new Error(`no declaration of ${root} in ${files.join(", ")}`);
  reader.describe(rootPath, initializer);
  return reader.objects;
}

class SchemaReader {
  readonly objects: ObjectDoc[] = [];
  readonly #declarations = new Map<string, ts.Expression>();

  constructor(files: readonly string[]) {
    for (const file of files) {
      const source = ts.createSourceFile(
        file,
        readFileSync(file, "utf8"),
        ts.ScriptTarget.Latest,
        true,
      );
      for (const statement of source.statements) {
        if (!ts.isVariableStatement(statement)) continue;
        for (const d of statement.declarationList.declarations)
          if (ts.isIdentifier(d.name) && d.initializer)
            this.#declarations.set(d.name.text, d.initializer);
      }
    }
  }

  declaration(name: string): ts.Expression | undefined {
    return this.#declarations.get(name);
  }

  /** The type of `expr` in words; objects it contains are added to `objects` under `path`. */
  describe(path: string, expression: ts.Expression): Described {
    let expr = expression;
    let optional = false;
    let nullable = false;
    let int = false;
    // Peel modifiers and checks off the chain: `z.number().int().min(1).optional()`.
    while (ts.isCallExpression(expr) && ts.isPropertyAccessExpression(expr.expression)) {
      const target = expr.expression.expression;
      if (ts.isIdentifier(target) && (target.text === "z" || target.text === "iso")) break;
      if (ts.isPropertyAccessExpression(target) && target.getText() === "z.iso") break;
      const method = expr.expression.name.text;
      if (method === "optional") optional = true;
      if (method === "nullable") nullable = true;
      if (method === "int") int = true;
      expr = target;
    }
    if (ts.isPropertyAccessExpression(expr)) {
      const reused = this.#shapeField(path, expr);
      return { ...reused, optional: optional || reused.optional };
    }
    const type = this.#base(path, expr, int);
    return { type: nullable ? `${type}, or null` : type, optional };
  }

  #base(path: string, expr: ts.Expression, int: boolean): string {
    if (ts.isIdentifier(expr)) return this.#named(path, expr.text);
    if (!ts.isCallExpression(expr)) return expr.getText();
    const callee = expr.expression.getText().replace(/\s+/g, "");
    const [first, second] = expr.arguments;
    if (callee in NAMED_TYPES) return NAMED_TYPES[callee]!;
    if (callee === "strictObject" || callee === "z.strictObject" || callee === "z.object")
      return this.#object(path, first);
    if (callee === "z.array") {
      const item = this.describe(`${path}[]`, first!).type;
      return item === "object" ? "list of objects" : `list of ${item}`;
    }
    if (callee === "z.enum") return this.#values(first!).join(", ");
    if (callee === "z.literal") return first!.getText();
    if (callee === "z.discriminatedUnion") return this.#union(path, first!, second!);
    return SCALARS[callee]?.(int) ?? expr.getText();
  }

  #named(path: string, name: string): string {
    if (name in NAMED_TYPES) return NAMED_TYPES[name]!;
    const shared = SHARED_OBJECTS[name];
    if (shared) {
      if (!this.objects.some((o) => o.path === shared))
        this.describe(shared, this.declaration(name)!);
      return shared;
    }
    const initializer = this.declaration(name);
    return initializer ? this.describe(path, initializer).type : name;
  }

  /** `database.shape.host`: the field of another object, reused. */
  #shapeField(path: string, expr: ts.PropertyAccessExpression): Described {
    const [object, shape, field] = expr.getText().split(".");
    const literal = shape === "shape" ? this.#literalOf(this.declaration(object!)) : undefined;
    const property = literal?.properties.find(
      (p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && p.name.getText() === field,
    );
    return property
      ? this.describe(path, property.initializer)
      : { type: expr.getText(), optional: false };
  }

  #literalOf(expr: ts.Expression | undefined): ts.ObjectLiteralExpression | undefined {
    while (expr && ts.isCallExpression(expr)) {
      const [first] = expr.arguments;
      if (first && ts.isObjectLiteralExpression(first)) return first;
      expr = ts.isPropertyAccessExpression(expr.expression)
        ? expr.expression.expression
        : undefined;
    }
    return undefined;
  }

  #object(path: string, literal: ts.Expression | undefined): string {
    if (!literal || !ts.isObjectLiteralExpression(literal)) return "object";
    const doc: ObjectDoc = { path, fields: [] };
    this.objects.push(doc);
    for (const property of literal.properties) {
      if (!ts.isPropertyAssignment(property) && !ts.isShorthandPropertyAssignment(property))
        continue;
      const name = property.name.getText();
      const value = ts.isPropertyAssignment(property) ? property.initializer : property.name;
      const { type, optional } = this.describe(`${path}.${name}`, value);
      doc.fields.push({ name, type, required: !optional, ...comment(property) });
    }
    return "object";
  }

  #values(expr: ts.Expression): string[] {
    let values = ts.isIdentifier(expr) ? this.declaration(expr.text) : expr;
    while (values && ts.isAsExpression(values)) values = values.expression;
    if (!values || !ts.isArrayLiteralExpression(values)) return [expr.getText()];
    return values.elements.map((e) => e.getText());
  }

  /** A union keyed by one field: one object per option, named by that field's value. */
  #union(path: string, key: ts.Expression, options: ts.Expression): string {
    const field = key.getText().replace(/"/g, "");
    if (!ts.isArrayLiteralExpression(options)) return "one of several objects";
    const names = options.elements.map((option) => {
      const literal = this.#literalOf(option);
      const tag = literal?.properties.find(
        (p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && p.name.getText() === field,
      );
      const value = tag?.initializer.getText().match(/"([^"]+)"/)?.[1] ?? "?";
      this.describe(`${path} (${field}: ${value})`, option);
      return value;
    });
    return `object by \`${field}\`: ${names.join(", ")}`;
  }
}

const SCALARS: Readonly<Record<string, (int: boolean) => string>> = {
  "z.string": () => "string",
  "z.number": (int) => (int ? "whole number" : "number"),
  "z.boolean": () => "true or false",
  "z.email": () => "email address",
  "z.url": () => "URL",
  "z.record": () => "map of strings",
  "z.iso.datetime": () => "UTC time (ISO 8601)",
};

function comment(node: ts.Node): Pick<FieldDoc, "description" | "defaultValue"> {
  const docs = ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc);
  const text = (value: Parameters<typeof ts.getTextOfJSDocComment>[0]) =>
    (ts.getTextOfJSDocComment(value) ?? "").replace(/\s+/g, " ").trim();
  const description = docs
    .map((d) => text(d.comment))
    .join(" ")
    .trim();
  const tag = docs.flatMap((d) => d.tags ?? []).find((t) => t.tagName.text === "default");
  return { description, defaultValue: tag ? text(tag.comment) : undefined };
}
