import type { Catalogue } from "../index.js";
import { alerts } from "./alerts.js";
import { common } from "./common.js";
import { data } from "./data.js";
import { incidents } from "./incidents.js";
import { operations } from "./operations.js";
import { runner } from "./runner.js";

/**
 * Spanish, one file per area so each area's texts sit together; a key in two files, a key no
 * code uses and a text with no key here all fail test/i18n/catalogue.test.ts.
 */
export const SPANISH: Catalogue = {
  ...alerts,
  ...common,
  ...data,
  ...incidents,
  ...operations,
  ...runner,
};
