// The texts the code translates, read from the sources: every `t\`...\`` and `tr(language)\`...\``
// template in lib/, infra/ and runbooks/. test/i18n/catalogue.test.ts holds the catalogues to
// them; `npm run messages` prints the ones a catalogue lacks, ready to paste and translate.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { messageKey } from "../lib/i18n/index.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SOURCE_DIRS = ["lib", "infra", "runbooks"];

export interface Message {
  /** The catalogue key: the English text with `{0}`, `{1}`... for the values. */
  readonly key: string;
  /** file:line, for an error that points at the code. */
  readonly at: string;
  /** False when the template runs as its module loads, before the run's language is chosen. */
  readonly inFunction: boolean;
}

export function sourceFiles(root = ROOT): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts")) found.push(full);
    }
  };
  SOURCE_DIRS.forEach((dir) => walk(path.join(root, dir)));
  return found.sort();
}

/** A template tagged `t` or `tr(...)`. */
function isTranslated(node: ts.TaggedTemplateExpression): boolean {
  const tag = node.tag;
  if (ts.isIdentifier(tag)) return tag.text === "t";
  return (
    ts.isCallExpression(tag) && ts.isIdentifier(tag.expression) && tag.expression.text === "tr"
  );
}

function templateParts(template: ts.TemplateLiteral): string[] {
  if (ts.isNoSubstitutionTemplateLiteral(template)) return [template.text];
  return [template.head.text, ...template.templateSpans.map((span) => span.literal.text)];
}

function insideFunction(node: ts.Node): boolean {
  for (let up = node.parent; up; up = up.parent) if (ts.isFunctionLike(up)) return true;
  return false;
}

export function messagesIn(file: string, text = readFileSync(file, "utf8")): Message[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: Message[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isTaggedTemplateExpression(node) && isTranslated(node)) {
      const line = source.getLineAndCharacterOfPosition(node.getStart()).line + 1;
      found.push({
        key: messageKey(templateParts(node.template)),
        at: `${path.relative(ROOT, file)}:${line}`,
        inFunction: insideFunction(node),
      });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

export function allMessages(root = ROOT): Message[] {
  return sourceFiles(root).flatMap((file) => messagesIn(file));
}

/** `{0}`, `{1}`... a text uses, sorted, so a translation can reorder but not drop or add one. */
export function placeholders(text: string): string[] {
  return [...new Set(text.match(/\{\d+\}/g) ?? [])].sort();
}

async function printMissing(): Promise<void> {
  const { SPANISH } = await import("../lib/i18n/es/index.js");
  const missing = new Map<string, string>();
  for (const m of allMessages()) if (!(m.key in SPANISH)) missing.set(m.key, m.at);
  for (const [key, at] of missing)
    process.stdout.write(`  // ${at}\n  ${JSON.stringify(key)}: "",\n`);
  process.stderr.write(`${missing.size} texts without a Spanish translation\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await printMissing();
}
