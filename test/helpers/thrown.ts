/** What `work` throws, or undefined when it returns: for assertions on the error itself. */
export function thrownBy(work: () => unknown): unknown {
  try {
    work();
  } catch (error) {
    return error;
  }
  return undefined;
}
