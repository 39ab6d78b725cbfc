import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: [
      "test/**/*.test.ts",
      "lib/**/*.test.ts",
      "infra/**/*.test.ts",
      "runbooks/**/*.test.ts",
    ],
    globalSetup: ["test/global-setup.ts"],
    // The example stacks speak Spanish; tests read guardia's English unless they choose a
    // language themselves (test/i18n/ runs the Spanish ones with GUARDIA_LANG removed).
    env: { GUARDIA_LANG: "en" },
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Real PostgreSQL, Prometheus and Alertmanager processes per file: two cores, two forks.
    pool: "forks",
    maxWorkers: 2,
  },
});
