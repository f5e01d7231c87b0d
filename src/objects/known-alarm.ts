/**
 * An object's one alarm as this instance knows it: what it last wrote, read or saw ring. Each
 * `setAlarm` is a billed row, so the objects' alarm policies (`OneAlarm` for a cart,
 * `ContactAlarm` for a contact) write only when what they want differs from what is known.
 */
export class KnownAlarm {
  /** What storage holds, as far as this instance knows (null: none); undefined: unknown. */
  protected known: number | null | undefined

  constructor(protected readonly storage: DurableObjectStorage) {}

  /** Sets the alarm to `at`, or deletes it (null), and remembers it. */
  protected async write(at: number | null): Promise<void> {
    // Noted before the write is awaited: two calls' writes land in the order they were made,
    // and so must what this instance remembers of them.
    this.known = at
    try {
      if (at === null) await this.storage.deleteAlarm()
      else await this.storage.setAlarm(at)
    } catch (err) {
      this.forget()
      throw err
    }
  }

  /** The alarm may have changed without this instance (an erase, a ring): the next write is made. */
  forget(): void {
    this.known = undefined
  }
}
