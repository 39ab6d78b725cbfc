import type {
  AlertDefinition,
  AlertExample,
  BlipExample,
  FiringExample,
  MonitoringContext,
} from "./catalogue.js";
import { ruleAnnotations, ruleLabels } from "./catalogue.js";
import { seriesValues, type Labels } from "./promql.js";

/**
 * `promtool test rules` files generated from the catalogue's own examples, for any stack: each
 * alert must be silent one evaluation before its `for` has passed, fire with the contract's labels
 * and annotations once it has, and never fire on its blip.
 */

interface AlertRuleTest {
  eval_time: string;
  alertname: string;
  exp_alerts: { exp_labels: Record<string, string>; exp_annotations: Record<string, string> }[];
}

export interface PromtoolTest {
  name: string;
  interval: string;
  input_series: { series: string; values: string }[];
  alert_rule_test: AlertRuleTest[];
}

export interface PromtoolTestFile {
  rule_files: string[];
  evaluation_interval: string;
  tests: PromtoolTest[];
}

/**
 * One test file per rule group and example step, each loading only its group's rule file:
 * promtool evaluates every loaded rule at every evaluation step of every test, so the 12 hours of
 * samples a slow-burn blip needs should not also drive the backup and volume rules, and a
 * dependency probed every 15 minutes should not be evaluated every minute.
 */
export function ruleTestFiles(
  ctx: MonitoringContext,
  defs: readonly AlertDefinition[],
  ruleFileOf: (group: string) => string,
): PromtoolTestFile[] {
  const byKey = new Map<string, AlertDefinition[]>();
  for (const def of defs) {
    const key = `${def.group}@${def.fires[0]?.step ?? 0}`;
    byKey.set(key, [...(byKey.get(key) ?? []), def]);
  }
  return [...byKey.values()].map((group) =>
    ruleTestFile(ctx, group, [ruleFileOf(group[0]!.group)]),
  );
}

export function ruleTestFile(
  ctx: MonitoringContext,
  defs: readonly AlertDefinition[],
  ruleFiles: readonly string[],
): PromtoolTestFile {
  const step = evaluationStep(defs);
  return {
    rule_files: [...ruleFiles],
    evaluation_interval: `${step}s`,
    tests: defs.flatMap((def) => [
      ...def.fires.map((example, n) => firingTest(ctx, def, example, n, step)),
      ...(def.blip ? [blipTest(def, def.blip)] : []),
    ]),
  };
}

/** Every example step, `for` and start time is a multiple of this, so each is evaluated exactly. */
export function evaluationStep(defs: readonly AlertDefinition[]): number {
  const times = defs.flatMap((d) => [
    d.forSeconds,
    ...d.fires.flatMap((f) => [f.step, f.trueFrom]),
    ...(d.blip ? [d.blip.step, d.blip.checkFrom] : []),
  ]);
  return times.filter((t) => t > 0).reduce(gcd);
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

function subjectName(def: AlertDefinition): string {
  const subject = Object.values(def.subject).join("/");
  return subject ? `${def.alert} ${subject}` : def.alert;
}

function input(example: AlertExample): Pick<PromtoolTest, "interval" | "input_series"> {
  return {
    interval: `${example.step}s`,
    input_series: example.series.map((s) => ({ series: s.series, values: seriesValues(s.values) })),
  };
}

function firingTest(
  ctx: MonitoringContext,
  def: AlertDefinition,
  example: FiringExample,
  n: number,
  step: number,
): PromtoolTest {
  const firesAt = example.trueFrom + def.forSeconds;
  const silent: AlertRuleTest[] =
    def.forSeconds > 0
      ? [{ eval_time: `${firesAt - step}s`, alertname: def.alert, exp_alerts: [] }]
      : [];
  const labels = { ...ruleLabels(ctx, def), ...example.seriesLabels };
  const annotations = expandLabels(ruleAnnotations(ctx, def), labels);
  return {
    name: `${subjectName(def)} fires after its for (${def.forSeconds}s)${n > 0 ? ` #${n + 1}` : ""}`,
    ...input(example),
    alert_rule_test: [
      ...silent,
      {
        eval_time: `${firesAt}s`,
        alertname: def.alert,
        exp_alerts: [{ exp_labels: labels, exp_annotations: annotations }],
      },
    ],
  };
}

function blipTest(def: AlertDefinition, example: BlipExample): PromtoolTest {
  const samples = Math.max(...example.series.map((s) => s.values.length));
  const end = (samples - 1) * example.step;
  const times: number[] = [];
  for (let t = example.checkFrom; t <= end; t += example.step) times.push(t);
  return {
    name: `${subjectName(def)} does not fire on a short blip`,
    ...input(example),
    alert_rule_test: times.map((t) => ({
      eval_time: `${t}s`,
      alertname: def.alert,
      exp_alerts: [],
    })),
  };
}

/** What Prometheus' template engine does with `{{ $labels.x }}` (the only form the catalogue uses). */
export function expandLabels(
  annotations: Record<string, string>,
  labels: Labels,
): Record<string, string> {
  const expand = (text: string) =>
    text.replace(/\{\{\s*\$labels\.(\w+)\s*\}\}/g, (_, name: string) => labels[name] ?? "");
  return Object.fromEntries(Object.entries(annotations).map(([k, v]) => [k, expand(v)]));
}
