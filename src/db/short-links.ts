/** The signed restore token a text's short link (/s/<code>) stands for; null when unknown. */
export async function shortLinkToken(db: D1Database, code: string): Promise<string | null> {
  const row = await db
    .prepare('SELECT token FROM short_links WHERE code = ?')
    .bind(code)
    .first<{ token: string }>()
  return row?.token ?? null
}
