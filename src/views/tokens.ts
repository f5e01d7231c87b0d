// View model of an owner-created API token (built by db/auth.ts).
/** What a token may do. */
export type ApiTokenAccess = 'read' | 'write'

export type ApiTokenView = {
  id: string
  name: string
  prefix: string
  createdAt: number
  lastUsedAt: number | null
  revokedAt: number | null
  /** Null: every store. */
  storeId: string | null
  /** The store's name; null for every store, or when the store is gone. */
  storeName: string | null
  access: ApiTokenAccess
}
