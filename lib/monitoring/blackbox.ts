import { stringify } from "yaml";
import type { BlackboxModule } from "./probes.js";

/**
 * The blackbox exporter's configuration: one HTTP module per expected status. No module timeout:
 * the exporter then uses the scrape timeout Prometheus sends (the Probe's `scrapeTimeout`, from the
 * health endpoint's `timeoutMs`).
 */
export function blackboxConfig(modules: readonly BlackboxModule[]): Record<string, unknown> {
  return {
    modules: Object.fromEntries(
      modules.map((m) => [
        m.name,
        {
          prober: "http",
          http: {
            method: "GET",
            // Cluster DNS often has no AAAA records; the default (ip6 first) waits for nothing.
            preferred_ip_protocol: "ip4",
            follow_redirects: true,
            // Empty means any 2xx; 401 for DRF's whoami without a token (logistics support plan, nivel 1).
            valid_status_codes: [...m.validStatusCodes],
          },
        },
      ]),
    ),
  };
}

export function blackboxConfigYaml(modules: readonly BlackboxModule[]): string {
  return stringify(blackboxConfig(modules), { lineWidth: 0 });
}
