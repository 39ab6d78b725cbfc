import { createHash, createHmac, pbkdf2Sync, randomBytes } from "node:crypto";
import { Secret } from "../secret.js";

/**
 * A database password and the SCRAM-SHA-256 verifier PostgreSQL stores for it, computed here:
 * `ALTER ROLE ... PASSWORD '<verifier>'` then carries no plaintext, so neither the server's
 * statement log nor pg_stat_statements can ever show the password. (PostgreSQL stores a string
 * of this form as it is, whatever `password_encryption` says.)
 */

/** PostgreSQL's own iteration count (scram_iterations' default). */
const ITERATIONS = 4096;

/**
 * 32 random bytes as base64url: 43 characters of [A-Za-z0-9_-], which SASLprep leaves as they
 * are, so the verifier computed here is the one the server would compute.
 */
export function newPassword(label: string): Secret {
  return new Secret(randomBytes(32).toString("base64url"), label);
}

/** `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>` (RFC 5802, RFC 7677). */
export function scramVerifier(password: Secret, salt = randomBytes(16)): Secret {
  const salted = pbkdf2Sync(password.reveal(), salt, ITERATIONS, 32, "sha256");
  const hmac = (key: Buffer, text: string) => createHmac("sha256", key).update(text).digest();
  const stored = createHash("sha256").update(hmac(salted, "Client Key")).digest();
  const server = hmac(salted, "Server Key");
  const b64 = (b: Buffer) => b.toString("base64");
  return new Secret(
    `SCRAM-SHA-256$${ITERATIONS}:${b64(salt)}$${b64(stored)}:${b64(server)}`,
    `SCRAM verifier of the ${password.label}`,
  );
}

/** A role name as an SQL identifier (the model allows letters, digits, _ and $ only). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** The statement, with the verifier in it: it is sent, never printed (plans show `alterRoleText`). */
export function alterRolePassword(role: string, verifier: Secret): string {
  // A verifier is base64, `$` and `:` only: no quote can end the literal early.
  if (
    !/^SCRAM-SHA-256\$\d+:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/.test(verifier.reveal())
  )
    throw new Error("not a SCRAM-SHA-256 verifier");
  return `ALTER ROLE ${quoteIdent(role)} PASSWORD '${verifier.reveal()}'`;
}

/** How plans, the audit log and the report show the statement. */
export function alterRoleText(role: string): string {
  return `ALTER ROLE ${quoteIdent(role)} PASSWORD '<SCRAM-SHA-256 verifier computed by guardia>'`;
}
