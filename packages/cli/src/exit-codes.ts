/** The CLI's exit-code contract. */
/** 130 = interrupted by a signal (128 + SIGINT), as shells report it. */
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
