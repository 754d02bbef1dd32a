/** A bad command-line option: the eval command prints it with the usage and exits 2. */
export class UsageError extends Error {}
