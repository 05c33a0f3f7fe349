/** The first line of an error's message: what a failed row shows. */
export function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0]?.trim() || (error instanceof Error ? error.name : 'unknown error');
}
