/** The part of fs-native-extensions (no type declarations of its own) that `flock` uses. */
declare module 'fs-native-extensions' {
  interface LockOptions {
    /** A shared (read) lock instead of an exclusive (write) one. */
    readonly shared?: boolean;
  }
  /** Takes the lock on `fd` if free: true, or false if another open file description holds it. */
  export function tryLock(fd: number, options?: LockOptions): boolean;
  /** Resolves once the lock on `fd` is granted (waits on a libuv pool thread). */
  export function waitForLock(fd: number, options?: LockOptions): Promise<void>;
  /** Releases the lock held through `fd`. */
  export function unlock(fd: number): void;
}
