import { runOnce } from './bench/run.ts';
import { latencyProfiles } from './bench/latency.ts';
const med = (xs: readonly number[]) => [...xs].sort((a,b)=>a-b)[Math.floor(xs.length/2)]?.toFixed(3);
for (const strategy of (process.argv[3] ?? 'file-lock,atomics-mutex').split(',') as 'file-lock'[]) {
const r = await runOnce({ workload: 'ticket-rush', strategy, clients: 50, threads: 2, tickets: 1, latency: latencyProfiles[(process.argv[2] ?? 'doc') as 'doc'], seed: 1 });
if (r.status === 'failed') console.log('FAILED', r.error); else console.log(strategy, r.wallMs.toFixed(1), r.problems, 'hold', med(r.log.holdsMs), 'gap', med(r.log.handoffGapsMs), 'sumgap', r.log.handoffGapsMs.reduce((a,b)=>a+b,0).toFixed(1), 'sumhold', r.log.holdsMs.reduce((a,b)=>a+b,0).toFixed(1), 'firstwait', Math.min(...r.log.waitsMs).toFixed(2));
}
