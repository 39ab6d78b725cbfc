import { closeSync, openSync, writeSync } from "node:fs";
import type { Kubectl } from "../adapters/kubectl.js";
import { serviceCommand } from "../checks/diagnostics.js";
import type { Command } from "../command.js";
import type { Platform, Service } from "../model/index.js";
import { Secret } from "../secret.js";
import { t } from "../i18n/index.js";

/**
 * A new DRF token made by Django itself (`manage.py drf_create_token -r <user>`: the old token
 * deleted and a new one created in one call), in the service's pod or its local directory. The
 * key arrives on the command's stdout, which is never recorded; guardia wraps it as a Secret at
 * once (so every output masks it) and shows it once, on the operator's terminal only: not on
 * stdout, which --json and redirections capture, and never in a record.
 */

/** The terminal of the operator, whatever stdout and stderr are redirected to. */
const TERMINAL = "/dev/tty";

export function reissueCommand(
  platform: Platform,
  kubectl: Kubectl,
  service: Service,
  username: string,
): Command {
  const django = service.diagnostics.django;
  if (!django)
    throw new Error(t`service ${service.name} has no \`diagnostics.django\` (manage.py)`);
  const argv = [django.python, django.manage, "drf_create_token", "-r", username];
  return serviceCommand(platform, kubectl, service, service.workload, argv);
}

/** The key in drf_create_token's "Generated token <key> for user <name>", as a Secret. */
export function newTokenFrom(stdout: string, username: string): Secret {
  const key = /Generated token ([0-9a-f]{40}) for user /.exec(stdout)?.[1];
  if (!key)
    throw new Error(
      t`drf_create_token did not print a new token (its output is not shown: it may hold one)`,
    );
  return new Secret(key, t`new DRF token of ${username}`);
}

/** Whether there is a terminal to show a new token on (a CronJob or a pipe has none). */
export function hasTerminal(): boolean {
  try {
    closeSync(openSync(TERMINAL, "w"));
    return true;
  } catch {
    return false;
  }
}

/** Writes the token straight to the terminal, once; nothing else sees it. */
export function showOnTerminal(username: string, token: Secret): void {
  const fd = openSync(TERMINAL, "w");
  try {
    writeSync(
      fd,
      t`\nNew DRF token for ${username} (shown once, never recorded; give it to the user now):\n${token.reveal()}\n\n`,
    );
  } finally {
    closeSync(fd);
  }
}
