/**
 * How long the backup jobs may run, in one place for the CronJobs (infra/backup/cronjobs.ts) and
 * for the runbooks they run. A runbook step's timeout ends a margin before the Job's deadline, so
 * a step that runs too long is stopped by guardia itself (pg_dump killed, the partial upload
 * aborted, the scratch database dropped, the audit record written) and not by Kubernetes killing
 * the pod halfway through.
 */

/** A dump of a few hundred GB through compression and upload: hours, not minutes. */
export const BACKUP_JOB_DEADLINE_SECONDS = 6 * 3600;
/** verify-backup reads the latest backup in full and restores it: about as long as a dump. */
export const DRILL_JOB_DEADLINE_SECONDS = 4 * 3600;

/**
 * What a run still needs after its long step timed out: stop the processes, clean up, run the
 * remaining short steps (backup-db's read-back and retention) and write the audit record.
 */
export const CLEANUP_MARGIN_SECONDS = 30 * 60;

/** backup-db's "Back up" step. */
export const BACKUP_STEP_TIMEOUT_MS = (BACKUP_JOB_DEADLINE_SECONDS - CLEANUP_MARGIN_SECONDS) * 1000;
/** verify-backup's restore drill step; also the age past which a scratch database is stale. */
export const DRILL_STEP_TIMEOUT_MS = (DRILL_JOB_DEADLINE_SECONDS - CLEANUP_MARGIN_SECONDS) * 1000;
