import * as pulumi from "@pulumi/pulumi";
import type {
  Collections,
  CollectionsExport as ExportSchedule,
  Platform,
} from "../../lib/model/index.js";
import { collectionsExportJob } from "../../lib/jobs.js";
import { secretEnvName } from "../../lib/secrets.js";
import { claimMount, type BackupStorageAccess } from "./cronjobs.js";
import { guardiaCronJob } from "../guardia-cronjob.js";

/**
 * The scheduled NocoBase collections export (MIRA operations guide, Backup y Recovery, Backups
 * Diarios: daily at 2 AM, kept 30 days): a CronJob running `guardia export-collections`, which
 * stores the export beside the database backups, in the same destination, with the API key from
 * `collections.tokenSecret` in its environment.
 */

export interface CollectionsExportArgs {
  /** The resolved model (namespace, image, time zone, labels). */
  readonly platform: Platform;
  /** The stack's `collections`, with the export's schedule and retention. */
  readonly collections: Collections & { readonly export: ExportSchedule };
  /** The Foundation's job ServiceAccount. */
  readonly serviceAccountName: pulumi.Input<string>;
  /** The Foundation's stack ConfigMap. */
  readonly stackConfigMapName: pulumi.Input<string>;
  /** From `BackupStorage.access`: the exports go where the backups go. */
  readonly storage: BackupStorageAccess;
}

/** An export reads a few hundred definitions through the API: minutes would mean it hangs. */
export const EXPORT_JOB_DEADLINE_SECONDS = 1800;

export class CollectionsExport extends pulumi.ComponentResource {
  readonly cronJobName: pulumi.Output<string>;

  constructor(name: string, args: CollectionsExportArgs, opts?: pulumi.ComponentResourceOptions) {
    super("guardia:index:CollectionsExport", name, {}, opts);
    const { platform, collections, storage } = args;
    const token = collections.tokenSecret;
    const job = guardiaCronJob(
      `${name}-cronjob`,
      {
        platform,
        job: collectionsExportJob(platform),
        serviceAccountName: args.serviceAccountName,
        stackConfigMapName: args.stackConfigMapName,
        env: [
          {
            name: secretEnvName(token),
            valueFrom: { secretKeyRef: { name: token.name, key: token.key } },
          },
        ],
        envFrom: storage.credentialsSecret
          ? [{ secretRef: { name: storage.credentialsSecret } }]
          : [],
        mounts: storage.claim ? [claimMount(storage.claim, false)] : [],
        activeDeadlineSeconds: EXPORT_JOB_DEADLINE_SECONDS,
      },
      { parent: this },
    );
    this.cronJobName = job.metadata.name;
    this.registerOutputs({ cronJobName: this.cronJobName });
  }
}
