/**
 * What `logrotate --debug` says it would do, read from its messages (logrotate 3.x wording). The
 * dry run lists logrotate's own decisions this way instead of guessing them: which files are due
 * (daily, past maxsize, never when empty), their new names, and what `maxage` and `rotate` remove.
 */
export interface LogrotateForecast {
  /** Live files logrotate would rotate, each with the name it would copy it to. */
  readonly rotate: readonly { readonly file: string; readonly to: string }[];
  /** Old rotated files logrotate would remove (`maxage`, `rotate` count). */
  readonly remove: readonly string[];
  /** `error: ...` lines: the real run would fail on these. */
  readonly errors: readonly string[];
}

export function parseLogrotateDebug(output: string): LogrotateForecast {
  const due = new Set<string>();
  const rotate: { file: string; to: string }[] = [];
  const remove: string[] = [];
  const errors: string[] = [];
  let considering: string | undefined;
  for (const line of output.split("\n")) {
    const consider = /^considering log (.+)$/.exec(line);
    if (consider) considering = consider[1];
    else if (/^\s+log needs rotating$/.test(line) && considering) due.add(considering);
    else if (line.startsWith("copying ")) {
      // "copying <file> to <new name>": the file is known, so a " to " inside a name is no problem.
      const file = [...due].find((f) => line.startsWith(`copying ${f} to `));
      if (file) rotate.push({ file, to: line.slice(`copying ${file} to `.length) });
    } else if (line.startsWith("removing old log ")) remove.push(line.slice(17));
    else if (line.startsWith("error: ")) errors.push(line.slice(7));
  }
  return { rotate, remove, errors };
}
