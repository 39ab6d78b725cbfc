/** Database backups: back up, list, verify (restore drill) and file:// retention. */
import { UsageError } from "../errors.js";
import type { Backups, LoadedStack } from "../model/index.js";
import { t } from "../i18n/index.js";

/** The stack's backups section, or bad input (exit 2) for a stack that has none. */
export function requireBackups(stack: LoadedStack): Backups {
  if (!stack.platform.backups) throw new UsageError(t`${stack.name} has no \`backups\` section`);
  return stack.platform.backups;
}

export { CancelledError } from "./abort.js";
export {
  backupDatabase,
  DEFAULT_ZSTD_LEVEL,
  type BackupOptions,
  type BackupResult,
} from "./dump.js";
export {
  backupId,
  databasePrefix,
  DUMP_OBJECT,
  locationOf,
  MANIFEST_OBJECT,
  parseBackupId,
  type BackupLocation,
} from "./layout.js";
export {
  chooseBackup,
  entryOf,
  formatAge,
  listBackups,
  NoRestorableBackupError,
  scanBackups,
  skippedText,
  statusText,
  type BackupChoice,
  type BackupEntry,
  type BackupStatus,
  type ScannedBackup,
  type SkippedBackup,
} from "./list.js";
export { markFailed } from "./failed-mark.js";
export {
  ManifestError,
  manifestSchema,
  manifestText,
  readManifest,
  type Manifest,
} from "./manifest.js";
export {
  checkPgDumpAgainstServer,
  checkPgDumpVersion,
  findPgDump,
  PgDumpTooOldError,
} from "./pg-version.js";
export {
  applyRetention,
  planRetention,
  retentionSummary,
  retentionTarget,
  type RetentionItem,
  type RetentionPlan,
  type RetentionResult,
} from "./retention.js";
export { formatBytes, ObjectNotFoundError, openStore, type ObjectStore } from "./store.js";
export { BackupVerificationError, checkObjects, type Mismatch } from "./integrity.js";
export { verifyBackup, type TableCheck, type VerifyOptions, type VerifyReport } from "./verify.js";
