import { asArray, isRecord, type Finding, type PolicyInput } from "../input.js";

/**
 * Pods: the "restricted" Pod Security Standard (and the baseline it includes) as the admission
 * controller checks it, resource requests and limits, and pinned images.
 */

/** Where each workload kind keeps its pod spec. */
const POD_SPEC_PATH: Readonly<Record<string, readonly string[]>> = {
  Pod: ["spec"],
  Deployment: ["spec", "template", "spec"],
  StatefulSet: ["spec", "template", "spec"],
  DaemonSet: ["spec", "template", "spec"],
  ReplicaSet: ["spec", "template", "spec"],
  Job: ["spec", "template", "spec"],
  CronJob: ["spec", "jobTemplate", "spec", "template", "spec"],
};

/** Volume types the restricted profile allows (hostPath, nfs... are not). */
const RESTRICTED_VOLUME_TYPES = new Set([
  "configMap",
  "csi",
  "downwardAPI",
  "emptyDir",
  "ephemeral",
  "persistentVolumeClaim",
  "projected",
  "secret",
]);

type Record_ = Record<string, unknown>;

interface PodRef {
  readonly resource: string;
  readonly field: string;
  readonly spec: Record_;
}

interface ContainerRef {
  readonly resource: string;
  /** Field of the container: `spec.template.spec.containers[0]`. */
  readonly field: string;
  readonly name: string;
  readonly container: Record_;
  readonly pod: Record_;
}

export function podsOf(input: PolicyInput): PodRef[] {
  return input.files.flatMap((file) => {
    const steps = POD_SPEC_PATH[String(file.content.kind)];
    if (!file.type.startsWith("kubernetes:") || !steps) return [];
    let spec: unknown = file.content;
    for (const step of steps) spec = isRecord(spec) ? spec[step] : undefined;
    return isRecord(spec) ? [{ resource: file.resource, field: steps.join("."), spec }] : [];
  });
}

export function containersOf(input: PolicyInput): ContainerRef[] {
  return podsOf(input).flatMap(({ resource, field, spec }) =>
    podContainers(spec).map(({ at, name, container }) => ({
      resource,
      field: `${field}.${at}`,
      name,
      container,
      pod: spec,
    })),
  );
}

/** A pod spec's containers of every kind, each with its field (`containers[0]`). */
function podContainers(pod: Record_): { at: string; name: string; container: Record_ }[] {
  return ["initContainers", "containers", "ephemeralContainers"].flatMap((list) =>
    asArray(pod[list])
      .filter(isRecord)
      .map((container, i) => ({ at: `${list}[${i}]`, name: String(container.name), container })),
  );
}

export function podRestricted(input: PolicyInput): Finding[] {
  return podsOf(input).flatMap(({ resource, field, spec }) =>
    restrictedPodProblems(spec).map(([at, message]) => ({
      rule: "pod-restricted" as const,
      resource,
      field: `${field}.${at}`,
      message,
    })),
  );
}

/**
 * What the "restricted" profile rejects in one pod spec, as [field under the spec, problem]; the
 * only copy of the rule (the infra tests check rendered pods with it too).
 */
export function restrictedPodProblems(pod: Record_): [string, string][] {
  return [
    ...podProblems(pod),
    ...podContainers(pod).flatMap(({ at, name, container }) =>
      containerProblems(container, pod).map(([field, problem]): [string, string] => [
        `${at}.${field}`,
        `container ${name}: ${problem}`,
      ]),
    ),
  ];
}

function podProblems(pod: Record_): [string, string][] {
  const problems: [string, string][] = [];
  for (const key of ["hostNetwork", "hostPID", "hostIPC"]) {
    if (pod[key] === true) problems.push([key, `${key} shares the node's namespace`]);
  }
  asArray(pod.volumes)
    .filter(isRecord)
    .forEach((volume, i) => {
      const types = Object.keys(volume).filter((k) => k !== "name");
      const banned = types.filter((t) => !RESTRICTED_VOLUME_TYPES.has(t));
      if (banned.length > 0) {
        problems.push([
          `volumes[${i}]`,
          `volume ${String(volume.name)} is of type ${banned.join(", ")}`,
        ]);
      }
    });
  return problems;
}

function containerProblems(container: Record_, pod: Record_): [string, string][] {
  const sc = isRecord(container.securityContext) ? container.securityContext : {};
  const psc = isRecord(pod.securityContext) ? pod.securityContext : {};
  const capabilities = isRecord(sc.capabilities) ? sc.capabilities : {};
  const problems: [string, string][] = [];
  const ctx = "securityContext";
  if (sc.privileged === true) problems.push([`${ctx}.privileged`, "runs privileged"]);
  if (sc.allowPrivilegeEscalation !== false)
    problems.push([`${ctx}.allowPrivilegeEscalation`, "may escalate privileges (set it to false)"]);
  if ((sc.runAsNonRoot ?? psc.runAsNonRoot) !== true)
    problems.push([`${ctx}.runAsNonRoot`, "may run as root (runAsNonRoot is not true)"]);
  if ((sc.runAsUser ?? psc.runAsUser) === 0) problems.push([`${ctx}.runAsUser`, "runs as uid 0"]);
  const seccomp = (sc.seccompProfile ?? psc.seccompProfile) as { type?: string } | undefined;
  if (seccomp?.type !== "RuntimeDefault" && seccomp?.type !== "Localhost")
    problems.push([`${ctx}.seccompProfile`, "has no RuntimeDefault or Localhost seccomp profile"]);
  if (!asArray(capabilities.drop).includes("ALL"))
    problems.push([`${ctx}.capabilities.drop`, "does not drop ALL capabilities"]);
  const added = asArray(capabilities.add).filter((c) => c !== "NET_BIND_SERVICE");
  if (added.length > 0)
    problems.push([`${ctx}.capabilities.add`, `adds capabilities ${added.join(", ")}`]);
  asArray(container.ports)
    .filter(isRecord)
    .forEach((port, i) => {
      if (port.hostPort) problems.push([`ports[${i}].hostPort`, "binds a host port"]);
    });
  return problems;
}

const RESOURCE_FIELDS = ["requests.cpu", "requests.memory", "limits.cpu", "limits.memory"];

export function podResources(input: PolicyInput): Finding[] {
  return containersOf(input).flatMap((ref) => {
    const resources = isRecord(ref.container.resources) ? ref.container.resources : {};
    const missing = RESOURCE_FIELDS.filter((field) => {
      const [group, key] = field.split(".") as [string, string];
      const values = resources[group];
      return !isRecord(values) || values[key] === undefined || values[key] === "";
    });
    return missing.length === 0
      ? []
      : [
          {
            rule: "pod-resources" as const,
            resource: ref.resource,
            field: `${ref.field}.resources`,
            message: `container ${ref.name} has no ${missing.join(", ")}`,
          },
        ];
  });
}

/** Why an image reference is not pinned, or undefined when it names a tag or a digest. */
export function unpinnedImage(image: string): string | undefined {
  if (/@sha256:[0-9a-f]{64}$/.test(image)) return undefined;
  const lastSegment = image.slice(image.lastIndexOf("/") + 1);
  const colon = lastSegment.lastIndexOf(":");
  if (colon < 0) return "has no tag, so it means latest";
  const tag = lastSegment.slice(colon + 1);
  return tag === "latest" ? "uses the tag latest" : undefined;
}

export function imagePinned(input: PolicyInput): Finding[] {
  return containersOf(input).flatMap((ref) => {
    const image = typeof ref.container.image === "string" ? ref.container.image : "";
    const unpinned = image === "" ? "names no image" : unpinnedImage(image);
    if (!unpinned) return [];
    const message = `container ${ref.name}: ${image ? `image ${image} ` : ""}${unpinned}`;
    return [
      {
        rule: "image-pinned" as const,
        resource: ref.resource,
        field: `${ref.field}.image`,
        message,
      },
    ];
  });
}
