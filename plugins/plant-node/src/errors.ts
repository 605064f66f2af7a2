/** The first line of an error's message (or of the thrown value), for one-line status messages. */
export function firstLine(e: unknown): string {
  return String((e as Error)?.message ?? e).split('\n')[0];
}
