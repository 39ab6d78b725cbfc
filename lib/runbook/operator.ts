import { execFileSync } from "node:child_process";
import { userInfo } from "node:os";

/**
 * Who runs this: the --operator flag, then GUARDIA_OPERATOR (CronJobs set it), then git's
 * user.email, then the OS user. The INATrace operations manual (4.2) asks to "record date, time and who" for every backup.
 */
export function resolveOperator(
  flag: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string {
  return flag?.trim() || env.GUARDIA_OPERATOR?.trim() || gitEmail() || osUser();
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
