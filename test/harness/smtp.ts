import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort } from "./ports.js";
import { startProcess } from "./process.js";

/**
 * A real SMTP server on loopback: aiosmtpd (Debian's python3-aiosmtpd) with its Mailbox handler,
 * which stores every message it accepts in a Maildir the test reads. No TLS, no auth: what a
 * smarthost inside a cluster usually is.
 */

export interface SmtpServer {
  /** "127.0.0.1:<port>", as a receiver's `smarthost` takes it. */
  readonly smarthost: string;
  /** Every message received so far, raw (headers and body), oldest first. */
  messages(): string[];
  stop(): Promise<void>;
}

const DEBIAN_PYTHON = "/usr/bin/python3";

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

export async function startSmtp(): Promise<SmtpServer> {
  const dir = mkdtempSync(path.join(tmpdir(), "guardia-smtp-"));
  const maildir = path.join(dir, "Maildir");
  const port = await freePort();
  const proc = await startProcess({
    name: "aiosmtpd",
    cmd: DEBIAN_PYTHON,
    args: [
      "-m",
      "aiosmtpd",
      "-n",
      "-l",
      `127.0.0.1:${port}`,
      "-c",
      "aiosmtpd.handlers.Mailbox",
      maildir,
    ],
    ready: () => listening(port),
  });
  const folder = path.join(maildir, "new");
  return {
    smarthost: `127.0.0.1:${port}`,
    messages: () =>
      readdirSync(folder)
        .sort()
        .map((name) => readFileSync(path.join(folder, name), "utf8")),
    stop: async () => {
      await proc.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
