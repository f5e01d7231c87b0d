import { and, desc, eq, gt, isNull } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/d1'
import { toBase64Url, utf8 } from '../lib/encoding'
import { randomToken } from '../lib/ids'
import { hashPassword, verifyPassword } from '../lib/password'
import type { ApiTokenAccess, ApiTokenView } from '../views/tokens'
import { apiTokens, sessions, stores, users } from './schema'

export type { ApiTokenAccess, ApiTokenView }

/** SHA-256 of a secret, base64url: what is kept of tokens and connect codes. */
export const sha256 = async (text: string) =>
  toBase64Url(new Uint8Array(await crypto.subtle.digest('SHA-256', utf8.encode(text))))

/**
 * Creates the owner from OWNER_EMAIL / OWNER_PASSWORD when there is no user yet (first run).
 * Later changes to those secrets do not touch an existing owner.
 */
export async function ensureOwner(db: D1Database, email: string, password: string): Promise<void> {
  const any = await drizzle(db).select({ id: users.id }).from(users).limit(1).get()
  if (any) return
  await drizzle(db)
    .insert(users)
    .values({
      id: `usr_${randomToken(22)}`,
      email: email.trim().toLowerCase(),
      passwordHash: await hashPassword(password),
      createdAt: Date.now(),
    })
    .onConflictDoNothing()
    .run()
}

/** The user whose email and password match, or null (same work either way). */
export async function checkLogin(db: D1Database, email: string, password: string) {
  const user = await drizzle(db)
    .select()
    .from(users)
    .where(eq(users.email, email.trim().toLowerCase()))
    .get()
  // An unknown email still costs a hash, so timing does not tell which emails exist.
  const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH)
  return ok && user ? { id: user.id, email: user.email } : null
}

// A valid hash of a random password: compared against when the email is unknown.
const DUMMY_HASH =
  'pbkdf2-sha256$100000$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'

export async function createSession(db: D1Database, userId: string, ttlMs: number) {
  const id = randomToken(32)
  const now = Date.now()
  await drizzle(db)
    .insert(sessions)
    .values({ id, userId, createdAt: now, expiresAt: now + ttlMs })
    .run()
  return { id, expiresAt: now + ttlMs }
}

/** The signed-in user of a live session, or null. */
export async function sessionUser(db: D1Database, id: string) {
  return (
    (await drizzle(db)
      .select({ id: users.id, email: users.email })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(and(eq(sessions.id, id), gt(sessions.expiresAt, Date.now())))
      .get()) ?? null
  )
}

export async function endSession(db: D1Database, id: string): Promise<void> {
  await drizzle(db).delete(sessions).where(eq(sessions.id, id)).run()
}

/**
 * What a bearer token may do: reach one store (`storeId`) or every store (null), and write
 * (any method) or only read (GET and HEAD).
 */
export type ApiScope = { storeId: string | null; write: boolean }

/** The deployment's ADMIN_API_TOKEN: every store, read-write. */
export const ADMIN_SCOPE: ApiScope = { storeId: null, write: true }

/** A new API token: the secret is returned once and only its hash is kept. */
export async function createApiToken(
  db: D1Database,
  input: { name: string; storeId: string | null; access: ApiTokenAccess },
) {
  const { id, token, tokenHash, prefix } = await mintApiToken()
  await drizzle(db)
    .insert(apiTokens)
    .values({
      id,
      name: input.name,
      tokenHash,
      prefix,
      createdAt: Date.now(),
      storeId: input.storeId,
      access: input.access,
    })
    .run()
  return { id, token }
}

/** A new API token (`cb_live_…`) and what its row keeps of it: the id, hash and prefix. */
export async function mintApiToken() {
  const token = `cb_live_${randomToken(32)}`
  const id = `tok_${randomToken(16)}`
  return { id, token, tokenHash: await sha256(token), prefix: token.slice(0, 12) }
}

export async function listApiTokens(db: D1Database): Promise<ApiTokenView[]> {
  return drizzle(db)
    .select({
      id: apiTokens.id,
      name: apiTokens.name,
      prefix: apiTokens.prefix,
      createdAt: apiTokens.createdAt,
      lastUsedAt: apiTokens.lastUsedAt,
      revokedAt: apiTokens.revokedAt,
      storeId: apiTokens.storeId,
      storeName: stores.name,
      access: apiTokens.access,
    })
    .from(apiTokens)
    .leftJoin(stores, eq(stores.id, apiTokens.storeId))
    .orderBy(desc(apiTokens.createdAt))
    .all()
}

export async function revokeApiToken(db: D1Database, id: string): Promise<boolean> {
  const res = await drizzle(db)
    .update(apiTokens)
    .set({ revokedAt: Date.now() })
    .where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt)))
    .run()
  return res.meta.changes > 0
}

/** Last use is written at most this often, so API calls are reads, not writes, on D1. */
const LAST_USED_GRAIN_MS = 5 * 60_000

/** The scope of a live owner-created token (and notes its use), or null. */
export async function apiTokenScope(db: D1Database, token: string): Promise<ApiScope | null> {
  if (!token.startsWith('cb_live_')) return null
  const row = await drizzle(db)
    .select({
      id: apiTokens.id,
      lastUsedAt: apiTokens.lastUsedAt,
      storeId: apiTokens.storeId,
      access: apiTokens.access,
    })
    .from(apiTokens)
    .where(and(eq(apiTokens.tokenHash, await sha256(token)), isNull(apiTokens.revokedAt)))
    .get()
  if (!row) return null
  const now = Date.now()
  if (now - (row.lastUsedAt ?? 0) > LAST_USED_GRAIN_MS) {
    await drizzle(db)
      .update(apiTokens)
      .set({ lastUsedAt: now })
      .where(eq(apiTokens.id, row.id))
      .run()
  }
  // Fail closed: anything but an explicit `write` reads only.
  return { storeId: row.storeId, write: row.access === 'write' }
}

/** The owner's email (the first user): whom Cartback tells when something needs them. */
export async function ownerEmail(db: D1Database): Promise<string | null> {
  const row = await drizzle(db)
    .select({ email: users.email })
    .from(users)
    .orderBy(users.createdAt)
    .limit(1)
    .get()
  return row?.email ?? null
}
