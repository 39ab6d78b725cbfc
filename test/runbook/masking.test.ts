import { describe, expect, it } from "vitest";
import { maskDeep, maskSecrets, MASK, Secret } from "../../lib/secret.js";

/** Masking works on values, so no JSON escaping or number can let a secret through or break output. */
describe("maskDeep", () => {
  it("masks a password with quotes and backslashes, which JSON escapes", () => {
    const secret = new Secret('Xy"9\\kQ!z', "password");
    const masked = maskDeep({
      error: `auth failed for ${secret.reveal()}`,
      nested: [{ note: secret.reveal() }],
    });
    expect(masked).toEqual({ error: `auth failed for ${MASK}`, nested: [{ note: MASK }] });
    expect(JSON.stringify(masked)).not.toContain("9\\\\kQ");
  });

  it("leaves numbers alone: a short numeric secret cannot corrupt the JSON", () => {
    new Secret("2025", "pin");
    const masked = maskDeep({ durationMs: 20251, startedAt: "2025-11-23T02:00:00Z" });
    expect(masked).toEqual({ durationMs: 20251, startedAt: `${MASK}-11-23T02:00:00Z` });
  });

  it("masks the base64 and URL-encoded forms too", () => {
    const secret = new Secret("p@ss w0rd!", "password");
    const text = `${Buffer.from(secret.reveal()).toString("base64")} ${encodeURIComponent(secret.reveal())}`;
    expect(maskSecrets(text)).toBe(`${MASK} ${MASK}`);
  });
});
