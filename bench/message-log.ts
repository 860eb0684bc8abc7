// tsx bench/message-log.ts [--exchanges 200000]
// The OCPP message log's cost on the gateway, in CPU per exchange: a connection's journal (ocpp/message-journal.ts)
// notes a Heartbeat-sized CALL and its answer, and the log (telemetry/message-log.ts) encodes it and hands batches
// to Redis (127.0.0.1:6379, a prefix of its own, deleted after), frames kept and not. Beside bench:ocpp's server CPU
// per Heartbeat, it says what the log adds without the noise of a shared machine's throughput.
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { StationJournal } from '../ocpp/message-journal.js';
import { MessageLog } from '../telemetry/message-log.js';

const { values: args } = parseArgs({ options: { exchanges: { type: 'string', default: '200000' } } });
const exchanges = Number(args.exchanges);
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const prefix = `evcms-bench-log-${process.pid}`;

async function measure(keepPayloads: boolean): Promise<number> {
  let logged = 0;
  const log = new MessageLog(redis, prefix, 'bench', {
    count: (stage, n) => {
      if (stage === 'logged') logged += n;
    },
  });
  const journal = new StationJournal(log, 'BENCH-00001', keepPayloads);
  const started = process.cpuUsage();
  for (let i = 0; i < exchanges; i++) {
    const id = `${i}`;
    journal.received(id, 'Heartbeat', `[2,"${id}","Heartbeat",{}]`, 22);
    journal.answered('ok', `[3,"${id}",{"currentTime":"2026-12-04T19:00:00.000Z"}]`);
    // Let the loop turn now and then, as a gateway's does, so that batches go out meanwhile.
    if (i % 2000 === 1999) await new Promise((r) => setImmediate(r));
  }
  await log.close();
  const used = process.cpuUsage(started);
  if (logged !== exchanges) throw new Error(`logged ${logged} of ${exchanges}`);
  return (used.user + used.system) / exchanges;
}

try {
  await redis.ping();
  await measure(true); // warm-up
  for (const keep of [true, false]) {
    const us = await measure(keep);
    process.stdout.write(
      `message log, frames ${keep ? 'kept' : 'not kept'}: ${us.toFixed(2)} µs of CPU per exchange (${exchanges} exchanges)\n`,
    );
  }
} finally {
  await redis.del(`${prefix}:ocpp-log`);
  redis.disconnect();
}
