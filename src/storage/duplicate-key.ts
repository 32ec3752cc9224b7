/** MongoDB's duplicate-key error (E11000): in this codebase it means "someone else did it". */
export function isDuplicateKeyError(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    ((error as { code: unknown }).code === 11000 || (error as { code: unknown }).code === 11001)
  );
}
