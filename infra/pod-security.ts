import type * as k8s from "@pulumi/kubernetes";
import { SCRATCH_MOUNT } from "../lib/naming.js";

/**
 * What Pod Security "restricted" asks of every guardia pod: not root, no privilege escalation,
 * every capability dropped, the RuntimeDefault seccomp profile, and a read-only root filesystem
 * (writable scratch space comes from an emptyDir, see `scratchVolume`).
 */

/** An unprivileged uid/gid that exists in the guardia image (see Dockerfile). */
export const NON_ROOT_UID = 10001;

export const restrictedPodSecurityContext: k8s.types.input.core.v1.PodSecurityContext = {
  runAsNonRoot: true,
  runAsUser: NON_ROOT_UID,
  runAsGroup: NON_ROOT_UID,
  fsGroup: NON_ROOT_UID,
  seccompProfile: { type: "RuntimeDefault" },
};

export const restrictedContainerSecurityContext: k8s.types.input.core.v1.SecurityContext = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  capabilities: { drop: ["ALL"] },
  seccompProfile: { type: "RuntimeDefault" },
};

/** Scratch space for a read-only root filesystem: TMPDIR and HOME point at `SCRATCH_MOUNT`. */
export function scratchVolume(sizeLimit: string): k8s.types.input.core.v1.Volume {
  return { name: "scratch", emptyDir: { sizeLimit } };
}

export const scratchMount: k8s.types.input.core.v1.VolumeMount = {
  name: "scratch",
  mountPath: SCRATCH_MOUNT,
};

export const scratchEnv: k8s.types.input.core.v1.EnvVar[] = [
  { name: "HOME", value: SCRATCH_MOUNT },
  { name: "TMPDIR", value: SCRATCH_MOUNT },
];
