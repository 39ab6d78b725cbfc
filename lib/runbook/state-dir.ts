import { homedir } from "node:os";
import path from "node:path";

/** guardia's per-user state (audit log, local locks): $XDG_STATE_HOME/guardia or ~/.local/state/guardia. */
export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_STATE_HOME || path.join(env.HOME || homedir(), ".local", "state");
  return path.join(base, "guardia");
}
