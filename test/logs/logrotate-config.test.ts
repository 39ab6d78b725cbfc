import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { logrotateBinary } from "../../lib/logs/listing.js";
import {
  logrotateCommand,
  logrotateConfig,
  maxSizeBytes,
} from "../../lib/logs/logrotate-config.js";
import { parseLogrotateDebug } from "../../lib/logs/logrotate-output.js";
import { loadStack, type LogFiles } from "../../lib/model/index.js";

/** The generated logrotate configuration, exactly, and what the real logrotate makes of it. */

const miraProd = loadStack("mira-prod");
const miraDev = loadStack("mira-dev");
const work = mkdtempSync(path.join(tmpdir(), "guardia-logrotate-config-"));

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("logrotateConfig", () => {
  it("writes mira-prod's entry: the MIRA operations guide's 30/90 days, 100M, copytruncate, no compression", () => {
    expect(logrotateConfig(miraProd.platform.logs[0]!, miraProd.name)).toBe(
      `# guardia rotate-logs: logs "mira" of mira-prod. Generated on every run; edit the stack file instead.
/var/log/mira/*.log {
    daily
    maxsize 100M
    dateext
    dateformat -%Y%m%d-%H%M%S
    missingok
    notifempty
    copytruncate
    rotate 90
    maxage 90
    nocompress
}
`,
    );
  });

  it("writes mira-dev's entry with dev's defaults: 50M, compress after 1 day, keep 7", () => {
    expect(miraDev.platform.logs[0]).toMatchObject({ maxSize: "50M", compressAfterDays: 1 });
    expect(logrotateConfig(miraDev.platform.logs[0]!, miraDev.name)).toBe(
      `# guardia rotate-logs: logs "mira" of mira-dev. Generated on every run; edit the stack file instead.
/var/log/mira/*.log {
    daily
    maxsize 50M
    dateext
    dateformat -%Y%m%d-%H%M%S
    missingok
    notifempty
    copytruncate
    rotate 7
    maxage 7
    nocompress
}
`,
    );
  });

  it("lets logrotate compress (delayed) when compressAfterDays is 0; quotes paths with spaces", () => {
    const entry: LogFiles = {
      name: "api",
      paths: ["/srv/api logs/*.log", "/srv/worker/*.log"],
      maxSize: "10M",
      compressAfterDays: 0,
      deleteAfterDays: 14,
      claim: undefined,
    };
    expect(logrotateConfig(entry, "shop-dev")).toBe(
      `# guardia rotate-logs: logs "api" of shop-dev. Generated on every run; edit the stack file instead.
"/srv/api logs/*.log"
/srv/worker/*.log {
    daily
    maxsize 10M
    dateext
    dateformat -%Y%m%d-%H%M%S
    missingok
    notifempty
    copytruncate
    rotate 14
    maxage 14
    compress
    delaycompress
}
`,
    );
  });

  it("is accepted by the real logrotate, which then reads the sizes and counts as written", () => {
    const logs = path.join(work, "accepted");
    mkdirSync(logs);
    writeFileSync(path.join(logs, "app.log"), "x".repeat(2048));
    const entry = { ...miraProd.platform.logs[0]!, paths: [`${logs}/*.log`], maxSize: "1k" };
    const config = path.join(work, "accepted.conf");
    writeFileSync(config, logrotateConfig(entry, "mira-prod"), { mode: 0o600 });
    const { argv } = logrotateCommand(logrotateBinary(), path.join(work, "state"), config, "debug");
    const run = spawnSync(argv[0]!, argv.slice(1), { encoding: "utf8" });
    expect(run.status).toBe(0);
    expect(run.stderr).not.toMatch(/^error/m);
    expect(run.stderr).toContain("log files >= 1024 are rotated earlier");
    expect(run.stderr).toContain(`rotating pattern: ${logs}/*.log  after 1 days (90 rotations)`);
    const forecast = parseLogrotateDebug(run.stderr);
    expect(forecast.rotate.map((r) => r.file)).toEqual([`${logs}/app.log`]);
    expect(forecast.rotate[0]!.to).toMatch(new RegExp(`^${logs}/app\\.log-\\d{8}-\\d{6}$`));
  });
});

describe("maxSizeBytes and logrotateCommand", () => {
  it("reads k, M and G as powers of 1024, as logrotate does", () => {
    expect(maxSizeBytes("100M")).toBe(100 * 1024 * 1024);
    expect(maxSizeBytes("1k")).toBe(1024);
    expect(maxSizeBytes("2G")).toBe(2 * 1024 ** 3);
    expect(() => maxSizeBytes("100MB")).toThrow('maxSize "100MB" is not a size like "100M"');
  });

  it("asks --debug for a forecast and --verbose for a run", () => {
    expect(logrotateCommand("/usr/sbin/logrotate", "/s/state", "/t/a.conf", "debug")).toEqual({
      argv: ["/usr/sbin/logrotate", "--debug", "--state", "/s/state", "/t/a.conf"],
    });
    expect(logrotateCommand("logrotate", "/s/state", "/t/a.conf", "run").argv[1]).toBe("--verbose");
  });
});

describe("parseLogrotateDebug", () => {
  // Captured from logrotate 3.21.0 --debug (trimmed): one file due, one not, one old rotation removed.
  const output = `warning: logrotate in debug mode does nothing except printing debug messages!

rotating pattern: /l/*.log  after 1 days (7 rotations)
considering log /l/app.log
  Now: 2026-11-23 04:18
  Last rotated at 2026-11-22 00:30
  log needs rotating
considering log /l/empty.log
  log does not need rotating (log is empty)
considering log /l/with to in.log
  log needs rotating
rotating log /l/app.log, log->rotateCount is 7
dateext suffix '-20261123-041821'
copying /l/app.log to /l/app.log-20261123-041821
truncating /l/app.log
removing old log /l/app.log-20250101-000000
copying /l/with to in.log to /l/with to in.log-20261123-041821
error: skipping "/l/x.log" because parent directory has insecure permissions
`;

  it("lists what logrotate would rotate, to which name, and what it would remove", () => {
    expect(parseLogrotateDebug(output)).toEqual({
      rotate: [
        { file: "/l/app.log", to: "/l/app.log-20261123-041821" },
        { file: "/l/with to in.log", to: "/l/with to in.log-20261123-041821" },
      ],
      remove: ["/l/app.log-20250101-000000"],
      errors: ['skipping "/l/x.log" because parent directory has insecure permissions'],
    });
  });

  it("finds nothing to do in the output of a run where nothing is due", () => {
    expect(parseLogrotateDebug("considering log /l/a.log\n  log does not need rotating\n")).toEqual(
      { rotate: [], remove: [], errors: [] },
    );
  });
});
