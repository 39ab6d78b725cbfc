/**
 * Reads back the commands guardia prints: a shell line (`cd d && K=v prog args | prog2 …`) as the
 * argv, environment and directory of each command, and the per-step commands of a terminal plan,
 * a Markdown report and an audit record, so tests compare them with what actually started.
 */

export interface Stage {
  readonly argv: string[];
  readonly env: Record<string, string>;
  readonly cwd?: string;
}

/** A printed command: its shell line and `#` notes. */
export interface Printed {
  readonly line: string;
  readonly notes: readonly string[];
}

/** Words of a line as a POSIX shell splits them; `|`, `&&`, `(`, `)` unquoted are operators. */
export function shellWords(line: string): { word: string; operator: boolean }[] {
  const words: { word: string; operator: boolean }[] = [];
  let word: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === " ") {
      if (word !== undefined) words.push({ word, operator: false });
      word = undefined;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unterminated quote in: ${line}`);
      word = (word ?? "") + line.slice(i + 1, end);
      i = end;
    } else if (c === "\\") {
      word = (word ?? "") + line[++i]!;
    } else if (word === undefined && /[|&()]/.test(c)) {
      const op = line.startsWith("&&", i) ? "&&" : c;
      words.push({ word: op, operator: true });
      i += op.length - 1;
    } else {
      word = (word ?? "") + c;
    }
  }
  if (word !== undefined) words.push({ word, operator: false });
  return words;
}

/** The commands of a shell line as guardia prints it. */
export function parseShellLine(line: string): Stage[] {
  const stages: Stage[] = [];
  let current: { argv: string[]; env: Record<string, string>; cwd?: string } = {
    argv: [],
    env: {},
  };
  const words = shellWords(line);
  for (let i = 0; i < words.length; i++) {
    const { word, operator } = words[i]!;
    if (operator && word === "|") {
      stages.push(current);
      current = { argv: [], env: {} };
    } else if (operator) {
      continue; // the parentheses of a subshell
    } else if (word === "cd" && current.argv.length === 0 && words[i + 2]?.word === "&&") {
      current.cwd = words[i + 1]!.word;
      i += 2;
    } else if (current.argv.length === 0 && /^[A-Z_][A-Z0-9_]*=/.test(word)) {
      const at = word.indexOf("=");
      current.env[word.slice(0, at)] = word.slice(at + 1);
    } else {
      current.argv.push(word);
    }
  }
  stages.push(current);
  return stages;
}

/** True when `actual` is `planned` with each `<placeholder>` standing for a value. */
export function matchesPlanned(planned: string, actual: string): boolean {
  const pattern = planned
    .split(/<[^<>]+>/)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join(".+");
  return new RegExp(`^${pattern}$`, "s").test(actual);
}

/**
 * The same, word by word for shell lines: a placeholder holds spaces, so the plan quotes the
 * word (`'--snapshot=<exported snapshot>'`) that the run prints bare.
 */
export function matchesPlannedLine(planned: string, actual: string): boolean {
  const [p, a] = [shellWords(planned), shellWords(actual)];
  return (
    p.length === a.length &&
    p.every((w, i) => w.operator === a[i]!.operator && matchesPlanned(w.word, a[i]!.word))
  );
}

/**
 * True when `text` ends inside a single-quoted word: the printed command goes on on the next line
 * (a script given with `-c` or `EVAL` keeps its newlines, quoted, and pastes as printed).
 */
function quoteOpen(text: string): boolean {
  let open = false;
  for (let i = 0; i < text.length; i++) {
    if (open) open = text[i] !== "'";
    else if (text[i] === "\\") i++;
    else open = text[i] === "'";
  }
  return open;
}

/** `first`, and the lines after `lines[at]` that its open quote runs into; the index of its last. */
function wholeCommand(first: string, lines: readonly string[], at: number): [string, number] {
  let line = first;
  while (quoteOpen(line) && at + 1 < lines.length) line += `\n${lines[++at]!}`;
  return [line, at];
}

/** The commands a terminal plan (`guardia … --dry-run`, or after a run) prints, by step number. */
export function planCommands(text: string): Map<number, Printed[]> {
  const steps = new Map<number, Printed[]>();
  let step = 0;
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const header = /^ {2}(\d+)\. \[/.exec(lines[i]!);
    if (header) step = Number(header[1]);
    const command = /^ {7}\$ (.*)$/.exec(lines[i]!);
    if (command) {
      const [line, last] = wholeCommand(command[1]!, lines, i);
      i = last;
      steps.set(step, [...(steps.get(step) ?? []), { line, notes: [] }]);
    }
    const note = /^ {7}# (.*)$/.exec(lines[i]!);
    const last = steps.get(step)?.at(-1);
    if (!command && note && last) (last.notes as string[]).push(note[1]!);
  }
  return steps;
}

export interface ReportStep {
  /** The ```sh block of the step's plan. */
  planned?: Printed;
  /** Each "Ran, exit N" block. */
  ran: (Printed & { code: number })[];
}

/** The commands of an evidence report (`--report`), planned and ran, by step number. */
export function reportCommands(markdown: string): Map<number, ReportStep> {
  const steps = new Map<number, ReportStep>();
  for (const section of markdown.split(/^### /m).slice(1)) {
    const index = Number(/^(\d+)\./.exec(section)?.[1]);
    const step: ReportStep = { ran: [] };
    const blocks = section.matchAll(/(?:^Ran, exit (\d+) \([^)]*\):\n)?```sh\n([^]*?)\n```/gm);
    for (const [, code, body] of blocks) {
      const lines = body!.split("\n");
      const [line, last] = wholeCommand(lines[0]!, lines, 0);
      const notes = lines.slice(last + 1).map((n) => n.replace(/^# /, ""));
      const printed = { line, notes };
      if (code === undefined) step.planned = printed;
      else step.ran.push({ ...printed, code: Number(code) });
    }
    steps.set(index, step);
  }
  return steps;
}
