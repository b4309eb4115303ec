/** Error for a catalog lookup that found nothing: it names the value and every known name. */
export function unknownNameError(kind: string, name: string, known: readonly string[]): Error {
  return new Error(`unknown ${kind} ${JSON.stringify(name)}, expected one of: ${[...known].sort().join(', ')}`);
}
