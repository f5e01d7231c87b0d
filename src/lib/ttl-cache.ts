/**
 * A small in-isolate cache with a time to live and a size bound (the oldest entry goes first),
 * for lookups every request repeats. Values may be null: "not found" is cached too.
 */
export function ttlCache<V>(ttlMs: number, maxEntries = 1000) {
  const entries = new Map<string, { value: V; until: number }>()
  return {
    async get(key: string, load: () => Promise<V>): Promise<V> {
      const hit = entries.get(key)
      if (hit && hit.until > Date.now()) return hit.value
      const value = await load()
      entries.delete(key)
      if (entries.size >= maxEntries) {
        const oldest = entries.keys().next()
        if (!oldest.done) entries.delete(oldest.value)
      }
      entries.set(key, { value, until: Date.now() + ttlMs })
      return value
    },
    delete(key: string): void {
      entries.delete(key)
    },
    clear(): void {
      entries.clear()
    },
  }
}
