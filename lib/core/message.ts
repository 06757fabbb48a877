/** What a thrown value says, read without ever throwing (it may be anything application code threw). */
export function messageOf(error: unknown): string {
  try {
    if (error instanceof Error) {
      const message = String(error.message);
      if (message === '') return String(error.name);
      return error.name === 'Error' ? message : `${String(error.name)}: ${message}`;
    }
    return String(error);
  } catch {
    // Object.create(null), a throwing getter or Proxy trap: nothing readable.
    return 'an error whose message cannot be read';
  }
}

/** Text from the other side, JSON-quoted and cut to `max` characters, for messages and faults. */
export function quoteExcerpt(text: string, max = 40): string {
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);
}
