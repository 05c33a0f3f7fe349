import { runOnce } from './bench/run.ts';
import { latencyProfiles } from './bench/latency.ts';
for (const [workload, latency, clients, tickets, threads] of [['ticket-rush','doc',50,1,2],['ticket-rush','zero',200,120,1],['ticket-rush','zero',200,120,2],['ordered-print','quick',3,1,2]] as const) {
const r = await runOnce({ workload, strategy: 'optimistic', clients, threads, tickets, latency: latencyProfiles[latency], seed: 1 });
if (r.status === 'failed') console.log('FAILED', r.error); else console.log(workload, latency, r.wallMs.toFixed(1), r.problems, JSON.stringify(r.check.figures), 'aborts', r.log.aborts, 'maxRetries', r.log.maxRetries, 'viol', r.log.violations);
}
