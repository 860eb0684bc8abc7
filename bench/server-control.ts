// The IPC side of a server that bench/ocpp.ts drives: full GC on demand (with the memory it leaves),
// event-loop delay per phase, and a clean stop.
import { monitorEventLoopDelay } from 'node:perf_hooks';

export type ControlMessage = { type: 'gc' } | { type: 'loop-reset' } | { type: 'loop-read' } | { type: 'stop' };

export function serveBenchControl(stop: () => Promise<void>, port: number): void {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  process.on('message', (message: ControlMessage) => {
    if (message.type === 'gc') {
      globalThis.gc?.();
      process.send?.({ type: 'gc-done', heapUsed: process.memoryUsage().heapUsed, memory: process.memoryUsage() });
    } else if (message.type === 'loop-reset') {
      delay.reset();
      process.send?.({ type: 'loop-reset-done' });
    } else if (message.type === 'loop-read') {
      process.send?.({ type: 'loop', p99: delay.percentile(99) / 1e6, max: delay.max / 1e6 });
    } else if (message.type === 'stop') {
      void stop();
    }
  });
  process.on('disconnect', () => void stop());
  process.send?.({ type: 'ready', port });
}
