import t from 'tap';
import { billedDurationMs, reportLine } from '../../src/metering/report.js';

t.test('billed duration: rounded up to the millisecond, from the duration REPORT prints', async (t) => {
  const cases: [number, number][] = [
    [0.2, 1], // never below 1 ms
    [1, 1],
    [1.01, 2],
    [20.004, 20], // printed as 20.00 ms: billed 20, not 21
    [20.006, 21], // printed as 20.01 ms
    [899999.5, 900000],
  ];
  for (const [durationMs, billed] of cases) t.equal(billedDurationMs(durationMs), billed, `${durationMs} ms`);
});

t.test('REPORT line in Lambda\'s format', async (t) => {
  const line = reportLine({ requestId: 'r1', version: '$LATEST', durationMs: 20.004, memoryMb: 128, maxMemoryUsedMb: 31.4, initDurationMs: 123.456 });
  t.equal(line, 'REPORT RequestId: r1\tDuration: 20.00 ms\tBilled Duration: 20 ms\tMemory Size: 128 MB\tMax Memory Used: 31 MB\tInit Duration: 123.46 ms');
  t.notMatch(reportLine({ requestId: 'r2', version: '1', durationMs: 5, memoryMb: 256, maxMemoryUsedMb: 40, initDurationMs: undefined }), /Init Duration/);
});
