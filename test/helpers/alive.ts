/** Whether process `pid` is still there (signal 0: nothing is sent, only the check is made). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
