import { execFileSync } from "node:child_process";
import { userInfo } from "node:os";
import { UsageError } from "../errors.js";
import { t } from "../i18n/index.js";
import { printable } from "../user-text.js";

/**
 * Who runs this: the --operator flag, then GUARDIA_OPERATOR (CronJobs set it), then git's
 * user.email, then the OS user. The INATrace operations manual (4.2) asks to "record date, time and who" for every backup.
 */
export function resolveOperator(
  flag: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string {
  if (flag !== undefined) checkOperator(flag, "--operator");
  if (env.GUARDIA_OPERATOR !== undefined) checkOperator(env.GUARDIA_OPERATOR, "GUARDIA_OPERATOR");
  return flag?.trim() || env.GUARDIA_OPERATOR?.trim() || gitEmail() || osUser();
}

/** Long enough for any name or e-mail; the operator is stored in every manifest and audit record. */
export const MAX_OPERATOR_LENGTH = 128;

/**
 * The operator is printed to every later user of list-backups and the audit log: printable text
 * (no control or format characters: screen clears, title codes, forged lines), and bounded.
 */
function checkOperator(value: string, where: string): void {
  const chars = [...value];
  const at = chars.findIndex((c) => /\p{C}/u.test(c));
  if (at < 0 && chars.length <= MAX_OPERATOR_LENGTH) return;
  // The value itself is not repeated: it may be long, or a password typed in the wrong place.
  const why =
    at >= 0
      ? t`${where} contains a control character (${printable(chars[at]!)} at position ${at + 1})`
      : t`${where} is ${chars.length} characters long`;
  throw new UsageError(
    t`${why}: it must be a name or e-mail of printable characters, at most ${MAX_OPERATOR_LENGTH} long`,
  );
}

function gitEmail(): string | undefined {
  try {
    const email = execFileSync("git", ["config", "user.email"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
      timeout: 2000,
    }).trim();
    return email || undefined;
  } catch {
    return undefined;
  }
}

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return `uid-${process.getuid?.() ?? "unknown"}`;
  }
}
