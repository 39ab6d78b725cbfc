import { withPgClient, type PgTarget } from "../adapters/postgres.js";
import { t } from "../i18n/index.js";

/**
 * Connect, SELECT 1, and the round trip: the MIRA operations guide's "Database Availability
 * 100 %" (Monitoreo: Métricas Clave).
 */
export interface DatabaseCheck {
  readonly name: string;
  readonly ok: boolean;
  readonly latencyMs: number;
  readonly detail: string;
}

export async function checkDatabase(target: PgTarget, timeoutMs: number): Promise<DatabaseCheck> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const name = target.database.name;
  try {
    const version = await withTimeout(
      withPgClient(target, async (client) => {
        await client.query("SELECT 1");
        const { rows } = await client.query<{ server_version: string }>("SHOW server_version");
        return rows[0]?.server_version ?? "?";
      }),
      timeoutMs,
    );
    return { name, ok: true, latencyMs: elapsed(), detail: `PostgreSQL ${version}` };
  } catch (err) {
    return {
      name,
      ok: false,
      latencyMs: elapsed(),
      detail: (err as Error).message.split("\n")[0]!,
    };
  }
}

async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(t`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
