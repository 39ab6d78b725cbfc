import { printable, quoted } from "../user-text.js";

/**
 * Which files belong to a `logs` entry, decided by name alone: the live files (the entry's globs)
 * and the rotated ones (a live name, logrotate's date suffix, maybe `.gz`). Pure, so the rules
 * that decide what is compressed and deleted are tested without a file system.
 */

/**
 * The suffix guardia's logrotate config gives rotated files. The time of day is there because
 * `maxsize` can rotate a file twice in one day, and with the default `-%Y%m%d` the second
 * rotation finds its name taken and fails ("destination ... already exists").
 */
export const DATE_FORMAT = "-%Y%m%d-%H%M%S";

/**
 * A rotated name's suffix: ours, or logrotate's default `-%Y%m%d` (files rotated by hand or by
 * a previous setup), gzipped or not. Numbered rotations (`app.log.1`) are not ours: left alone.
 */
const ROTATED_SUFFIX = String.raw`-\d{8}(?:-\d{6})?(?:\.gz)?`;

const GLOB_CHARS = /[*?[]/;

/** Characters a path cannot hold inside logrotate's config (it quotes with `"`, blocks with `{}`). */
const UNSUPPORTED = /["{}\n\r]/;

/**
 * A path glob as a regular expression source, with glob(3)'s rules (what logrotate uses): `*`
 * and `?` never cross a `/` and never match a leading `.`; `[...]` and `[!...]` are classes.
 */
export function globSource(glob: string): string {
  let out = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    const segmentStart = i === 0 || glob[i - 1] === "/";
    const noDot = segmentStart ? String.raw`(?!\.)` : "";
    if (c === "*") out += `${noDot}[^/]*`;
    else if (c === "?") out += `${noDot}[^/]`;
    else if (c === "[") {
      const end = classEnd(glob, i);
      if (end < 0) out += String.raw`\[`;
      else {
        out += `${noDot}${classSource(glob.slice(i + 1, end))}`;
        i = end;
      }
    } else if (c === "\\" && i + 1 < glob.length) out += escape(glob[++i]!);
    else out += escape(c);
  }
  return out;
}

/** Index of the `]` closing the class opened at `start`, or -1 (then `[` is a literal). */
function classEnd(glob: string, start: number): number {
  let i = start + 1;
  if (glob[i] === "!") i++;
  if (glob[i] === "]") i++;
  for (; i < glob.length && glob[i] !== "/"; i++) if (glob[i] === "]") return i;
  return -1;
}

function classSource(body: string): string {
  const negated = body.startsWith("!");
  const chars = (negated ? body.slice(1) : body).replace(/[\\\]^]/g, (c) => `\\${c}`);
  return negated ? `[^/${chars}]` : `[${chars}]`;
}

function escape(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, (m) => `\\${m}`);
}

/** Whether `file` is a live log file of the entry: it matches one of its globs. */
export function liveMatcher(paths: readonly string[]): (file: string) => boolean {
  const patterns = paths.map((p) => new RegExp(`^${globSource(p)}$`));
  return (file) => patterns.some((p) => p.test(file));
}

/** Whether `file` is a rotated file of the entry: a live name followed by a rotation suffix. */
export function rotatedMatcher(paths: readonly string[]): (file: string) => boolean {
  const patterns = paths.map((p) => new RegExp(`^${globSource(p)}${ROTATED_SUFFIX}$`));
  return (file) => patterns.some((p) => p.test(file));
}

/** The live file a rotated file came from: `app.log-20261123-003000.gz` → `app.log`. */
export function liveNameOf(rotated: string): string {
  return rotated.replace(new RegExp(`${ROTATED_SUFFIX}$`), "");
}

/**
 * The deepest directory without glob characters that holds every path: where the entry's claim
 * is mounted. `/var/log/mira/*.log` → `/var/log/mira`; `/var/log/mira/api/*.log` with
 * `/var/log/mira/worker/*.log` → `/var/log/mira`; `/var/log/?pp/app.log` → `/var/log`.
 */
export function mountDirectory(paths: readonly string[]): string {
  const dirs = paths.map((p) => {
    const segments = p.split("/").slice(1, -1);
    const glob = segments.findIndex((s) => GLOB_CHARS.test(s));
    return glob < 0 ? segments : segments.slice(0, glob);
  });
  const common: string[] = [];
  for (let i = 0; dirs.every((d) => i < d.length && d[i] === dirs[0]![i]); i++) {
    common.push(dirs[0]![i]!);
  }
  return `/${common.join("/")}`;
}

/**
 * What keeps one log path from being rotated safely, naming the path, or undefined; the model
 * refuses such paths when it loads a stack (lib/model/checks.ts). Two rules: logrotate must be
 * able to read the path, and a glob must not also match the files it rotates into
 * (`/var/log/mira/*` would rotate `app.log-20261123-003000` again, and those files would count
 * as live, never compressed nor deleted).
 */
export function logPathProblem(p: string): string | undefined {
  const where = `path ${quoted(p)}`;
  if (UNSUPPORTED.test(p))
    return `${where} contains " { } or a line break: logrotate cannot read it`;
  if (p.endsWith("/")) {
    return `${where} names a directory; name the files, e.g. ${printable(p, 80)}*.log`;
  }
  const live = new RegExp(`^${globSource(p)}$`);
  const sample = sampleMatch(p);
  if ([`${sample}-20260101-000000`, `${sample}-20260101.gz`].some((r) => live.test(r))) {
    return `${where} also matches its own rotated files (${printable(sample, 80)}-20260101-000000); end it with the files' extension, e.g. ${printable(p.slice(0, p.lastIndexOf("/")), 80)}/*.log`;
  }
  return undefined;
}

/** One name the glob matches: wildcards become letters, classes their first matching letter. */
function sampleMatch(glob: string): string {
  let out = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    const end = c === "[" ? classEnd(glob, i) : -1;
    if (c === "*") out += "app";
    else if (c === "?") out += "a";
    else if (end >= 0) {
      const cls = new RegExp(classSource(glob.slice(i + 1, end)));
      out += [..."a0_-x.Z"].find((candidate) => cls.test(candidate)) ?? "a";
      i = end;
    } else if (c === "\\" && i + 1 < glob.length) out += glob[++i];
    else out += c;
  }
  return out;
}
