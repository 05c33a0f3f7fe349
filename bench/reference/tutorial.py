"""The tutorial's two programs (see shared seeds NOTES.md), restated as the harness runs them.

Run by bench/reference/python-reference.ts with one argument, a JSON object:
  workload      "ordered-print" or "ticket-rush"
  clients       processes to start, one client each
  locked        true: multiprocessing.Lock around the critical section, as in the tutorial
  db            path of the JSON db file (ticket-rush), {"count": tickets} at start
  read_s        ticket-rush: the sleep after reading the db, seconds
  write_s       ticket-rush: the sleep before writing it back, seconds
  sleeps        ordered-print: each client's sleep, seconds (drawn by the harness from its seed)
  crash         true: client 0 is killed (SIGKILL) while it holds the lock, once the others wait
  acquire_s     with crash: how long the others wait in lock.acquire before giving up, seconds

Each client writes one line per event to the shared stdout ("<client> running", "<client> done",
"<client> bought", "<client> sold-out", "<client> gave-up"); the last line is "result <json>"
with the program wall (first start() to last join(), ms) and the final db.
"""
import json
import multiprocessing
import os
import signal
import sys
import time


def say(line):
    os.write(1, (line + "\n").encode())


def work(lock, n, sleep_s):
    lock.acquire()
    say("%d running" % n)
    time.sleep(sleep_s)
    say("%d done" % n)
    lock.release()


def search(db):
    with open(db) as f:
        json.load(f)


def get(n, db, read_s, write_s, inside=None):
    with open(db) as f:
        dic = json.load(f)
    if inside is not None:
        inside.set()
        time.sleep(3600)
    time.sleep(read_s)
    if dic["count"] > 0:
        dic["count"] -= 1
        time.sleep(write_s)
        with open(db, "w") as f:
            json.dump(dic, f)
        say("%d bought" % n)
    else:
        say("%d sold-out" % n)


def task(lock, n, spec, inside, go):
    db = spec["db"]
    if go is not None and n != 0:
        go.wait()
    search(db)
    if lock is None:
        get(n, db, spec["read_s"], spec["write_s"])
        return
    if not lock.acquire(timeout=spec.get("acquire_s", 3600)):
        say("%d gave-up" % n)
        return
    try:
        get(n, db, spec["read_s"], spec["write_s"], inside if n == 0 else None)
    finally:
        lock.release()


def main():
    spec = json.loads(sys.argv[1])
    lock = multiprocessing.Lock() if spec["locked"] else None
    crash = spec.get("crash", False)
    inside = multiprocessing.Event() if crash else None
    go = multiprocessing.Event() if crash else None
    started = time.monotonic()
    processes = []
    for n in range(spec["clients"]):
        if spec["workload"] == "ordered-print":
            p = multiprocessing.Process(target=work, args=(lock if lock is not None else NoLock(), n, spec["sleeps"][n]))
        else:
            p = multiprocessing.Process(target=task, args=(lock, n, spec, inside, go))
        p.start()
        processes.append(p)
    if crash:
        inside.wait()
        go.set()
        time.sleep(0.2)
        os.kill(processes[0].pid, signal.SIGKILL)
    for p in processes:
        p.join()
    wall_ms = (time.monotonic() - started) * 1000
    final = None
    if spec["workload"] == "ticket-rush":
        with open(spec["db"]) as f:
            final = json.load(f)
    say("result " + json.dumps({"program_wall_ms": wall_ms, "final": final}))


class NoLock:
    def acquire(self):
        pass

    def release(self):
        pass


if __name__ == "__main__":
    main()
