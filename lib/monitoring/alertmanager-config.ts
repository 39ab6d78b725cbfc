import { stringify } from "yaml";
import {
  Duration,
  type Platform,
  type Priority,
  type Receiver,
  type SecretRef,
} from "../model/index.js";
import { tr, type Language } from "../i18n/index.js";
import { WATCHDOG_ALERT } from "./alerts/cluster.js";
import { PRIORITIES, stackLabels } from "./contract.js";
import { alertTiming } from "./timing.js";

/**
 * The stack's Alertmanager configuration as a plain object (→ YAML). Receivers' URLs and passwords
 * are never in it: each points with a `*_file` field at the file where prometheus-operator mounts
 * a Secret listed in the Alertmanager's `spec.secrets`, `/etc/alertmanager/secrets/<name>/<key>`.
 *
 * Routing: one route per receiver of each priority (with `continue`, so a P1 reaches
 * every one of its receivers), each priority with its own repeat interval; P4 is a daily digest;
 * the watchdog goes to its own receiver; a critical alert inhibits the warnings of the same alert,
 * service or database. Which receivers a priority gets (dev: chat only) is the model's decision
 * (`alerting.routes`, resolved in lib/model/resolve.ts).
 *
 * The watchdog (always firing) goes to the stack's dead man's switch (`alerting.deadMansSwitch`),
 * a heartbeat service that pages when it stops arriving; see `watchdogRoute` for its cadence.
 */

/** Where prometheus-operator mounts `spec.secrets` in the Alertmanager pod. */
export const OPERATOR_SECRETS_DIR = "/etc/alertmanager/secrets";
/** Receives what nobody should hear: alerts of other stacks and priorities routed to nobody. */
export const BLACKHOLE = "blackhole";
/**
 * The watchdog's receiver when the stack names no dead man's switch: it sends nowhere, so the
 * watchdog proves nothing until `alerting.deadMansSwitch` names a heartbeat receiver.
 */
export const WATCHDOG_RECEIVER = "watchdog";

export interface AlertmanagerConfigOptions {
  /** Base directory of the mounted Secrets. @default OPERATOR_SECRETS_DIR */
  readonly secretsDir?: string;
}

type Config = Record<string, unknown>;
type Route = Record<string, unknown>;

export function alertmanagerConfig(
  platform: Platform,
  options: AlertmanagerConfigOptions = {},
): Config {
  const secretsDir = options.secretsDir ?? OPERATOR_SECRETS_DIR;
  const timing = alertTiming(platform.monitoring.probeInterval);
  const { deadMansSwitch } = platform.alerting;
  return {
    global: { resolve_timeout: "5m" },
    route: {
      receiver: BLACKHOLE,
      group_by: [
        "alertname",
        "platform",
        "environment",
        "priority",
        "service",
        "database",
        "dependency",
        "schedule",
      ],
      group_wait: String(timing.groupWait),
      group_interval: String(timing.groupInterval),
      repeat_interval: "4h",
      routes: [stackRoute(platform)],
    },
    inhibit_rules: inhibitRules(),
    receivers: [
      { name: BLACKHOLE },
      ...(deadMansSwitch === undefined ? [{ name: WATCHDOG_RECEIVER }] : []),
      // A heartbeat service counts any request as a heartbeat: no "resolved" notification, which
      // Alertmanager would send once the watchdog stops, may pass for one.
      ...platform.alerting.receivers.map((r) =>
        receiver(r, { secretsDir, language: platform.language }, r.name !== deadMansSwitch),
      ),
    ],
  };
}

export function alertmanagerConfigYaml(
  platform: Platform,
  options: AlertmanagerConfigOptions = {},
): string {
  // No YAML anchors: routes share matcher arrays, and a reviewer reads each route in full.
  return stringify(alertmanagerConfig(platform, options), {
    lineWidth: 0,
    aliasDuplicateObjects: false,
  });
}

/** Secrets the receivers read, to list in the Alertmanager's `spec.secrets`. */
export function receiverSecrets(platform: Platform): string[] {
  const refs = platform.alerting.receivers.flatMap((r) => {
    const ref = secretOf(r);
    return ref ? [ref.name] : [];
  });
  return [...new Set(refs)].sort();
}

function secretOf(r: Receiver): SecretRef | undefined {
  switch (r.type) {
    case "slack":
    case "teams":
      return r.webhookSecret;
    case "webhook":
      return r.urlSecret;
    case "email":
      return r.authPasswordSecret;
    case "sns":
      return undefined;
  }
}

function matchers(labels: Record<string, string>): string[] {
  return Object.entries(labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
}

function stackRoute(platform: Platform): Route {
  return {
    matchers: matchers(stackLabels(platform)),
    // Every guardia alert has a priority (the contract); anything else is not ours to route.
    receiver: BLACKHOLE,
    routes: [watchdogRoute(platform), ...PRIORITIES.flatMap((p) => priorityRoutes(platform, p))],
  };
}

/**
 * The watchdog reaches the dead man's switch once per heartbeat interval (timing.ts: 1m in every
 * environment; heartbeat services count in minutes, so their period can be set to a few of them
 * and a dead pipeline pages well within P1's 15 minutes). Alertmanager re-sends a firing group
 * only at a group_interval tick, and only once `repeat_interval` has passed since the last send:
 * with repeat_interval equal to group_interval the send waits one more tick (measured with 0.28:
 * 2s/2s sends every 4s), so the repeat interval is half the group interval and every tick sends.
 * Alertmanager logs a warning at load that repeat_interval is below group_interval: intended.
 */
function watchdogRoute(platform: Platform): Route {
  const every = alertTiming(platform.monitoring.probeInterval).heartbeatInterval;
  return {
    matchers: matchers({ alertname: WATCHDOG_ALERT }),
    receiver: platform.alerting.deadMansSwitch ?? WATCHDOG_RECEIVER,
    group_interval: String(every),
    repeat_interval: String(Duration.ofSeconds(Math.max(1, Math.floor(every.seconds / 2)))),
  };
}

function priorityRoutes(platform: Platform, priority: Priority): Route[] {
  const names = platform.alerting.routes[priority];
  const common = {
    matchers: matchers({ priority }),
    repeat_interval: String(platform.alerting.repeatInterval[priority]),
    // P4 is a daily digest: one group per stack, new alerts joined into it once a day.
    ...(priority === "P4" && {
      group_by: ["platform", "environment", "priority"],
      group_interval: "24h",
    }),
  };
  if (names.length === 0) return [{ ...common, receiver: BLACKHOLE }];
  return names.map((name) => ({ ...common, receiver: name, continue: true }));
}

/**
 * kube-prometheus' rule (a critical alert mutes the warnings of the same alert), plus the same
 * for one service or one database: when nocobase is down, its latency warnings say nothing new.
 */
function inhibitRules(): Config[] {
  const rule = (equal: string[], extra: Record<string, string> = {}) => ({
    source_matchers: [`severity="critical"`, ...matchersRe(extra)],
    target_matchers: [`severity=~"warning|info"`, ...matchersRe(extra)],
    equal: ["platform", "environment", "namespace", ...equal],
  });
  return [
    rule(["alertname"]),
    rule(["service"], { service: ".+" }),
    rule(["database"], { database: ".+" }),
  ];
}

function matchersRe(labels: Record<string, string>): string[] {
  return Object.entries(labels).map(([k, v]) => `${k}=~${JSON.stringify(v)}`);
}

/**
 * The notification's subject in the stack's language. ASCII only, in every language: SNS rejects
 * other characters in a subject.
 */
function title(language: Language): string {
  const status = `{{ if eq .Status "firing" }}${tr(language)`FIRING`}{{ else }}${tr(language)`RESOLVED`}{{ end }}`;
  return `[${status}] {{ .CommonLabels.priority }} {{ .CommonLabels.alertname }} - {{ .CommonLabels.platform }} {{ .CommonLabels.environment }}`;
}

/** The body: each alert's summary and description (already in the stack's language), then what to run. */
function text(language: Language): string {
  return [
    "{{ range .Alerts }}*{{ .Annotations.summary }}*",
    "{{ .Annotations.description }}",
    tr(language)`Run first: ${"`{{ .Annotations.guardia_command }}`"}`,
    tr(language)`Runbook: ${"{{ .Annotations.runbook_url }}"}`,
    "{{ end }}",
  ].join("\n");
}

function secretFile(dir: string, ref: SecretRef): string {
  return `${dir}/${ref.name}/${ref.key}`;
}

function receiver(
  r: Receiver,
  { secretsDir, language }: { secretsDir: string; language: Language },
  sendResolved: boolean,
): Config {
  const common = { send_resolved: sendResolved };
  switch (r.type) {
    case "slack":
      return {
        name: r.name,
        slack_configs: [
          {
            ...common,
            api_url_file: secretFile(secretsDir, r.webhookSecret),
            channel: r.channel,
            title: title(language),
            text: text(language),
          },
        ],
      };
    case "teams":
      return {
        name: r.name,
        msteams_configs: [
          {
            ...common,
            webhook_url_file: secretFile(secretsDir, r.webhookSecret),
            title: title(language),
            text: text(language),
          },
        ],
      };
    case "webhook":
      return {
        name: r.name,
        webhook_configs: [{ ...common, url_file: secretFile(secretsDir, r.urlSecret) }],
      };
    case "email":
      return {
        name: r.name,
        email_configs: [{ ...common, ...emailConfig(r, secretsDir, language) }],
      };
    case "sns":
      return {
        name: r.name,
        sns_configs: [
          // Credentials from the Alertmanager pod's environment (IRSA); the region is the topic's.
          {
            ...common,
            topic_arn: r.topicArn,
            sigv4: { region: r.topicArn.split(":")[3] },
            subject: title(language),
            message: text(language),
          },
        ],
      };
  }
}

function emailConfig(
  r: Extract<Receiver, { type: "email" }>,
  secretsDir: string,
  language: Language,
): Config {
  return {
    to: r.to.join(", "),
    from: r.from,
    smarthost: r.smarthost,
    ...(r.authUsername !== undefined && { auth_username: r.authUsername }),
    ...(r.authPasswordSecret && {
      auth_password_file: secretFile(secretsDir, r.authPasswordSecret),
    }),
    headers: { Subject: title(language) },
  };
}
