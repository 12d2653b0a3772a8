// The START / END / REPORT lines Lambda writes around every invocation, and billed duration
// (rounded up to the next millisecond, as Lambda bills since December 2020).

export interface ReportFields {
  readonly requestId: string;
  readonly version: string;
  readonly durationMs: number;
  readonly memoryMb: number;
  readonly maxMemoryUsedMb: number;
  readonly initDurationMs: number | undefined;
}

/** Billed from the duration as REPORT prints it (to 1/100 ms), so the two never disagree. */
export function billedDurationMs(durationMs: number): number {
  return Math.max(1, Math.ceil(Math.round(durationMs * 100) / 100));
}

export const startLine = (requestId: string, version: string) => `START RequestId: ${requestId} Version: ${version}`;
export const endLine = (requestId: string) => `END RequestId: ${requestId}`;

export function reportLine(f: ReportFields): string {
  const init = f.initDurationMs === undefined ? '' : `\tInit Duration: ${f.initDurationMs.toFixed(2)} ms`;
  return (
    `REPORT RequestId: ${f.requestId}\tDuration: ${f.durationMs.toFixed(2)} ms\t` +
    `Billed Duration: ${billedDurationMs(f.durationMs)} ms\tMemory Size: ${f.memoryMb} MB\t` +
    `Max Memory Used: ${Math.max(1, Math.round(f.maxMemoryUsedMb))} MB${init}`
  );
}

/** X-Amz-Log-Result: base64 of the last 4 KB of the invocation's log. */
export function logTail(lines: readonly string[]): string {
  const text = Buffer.from(lines.map((l) => l + '\n').join(''));
  return text.subarray(Math.max(0, text.length - 4096)).toString('base64');
}
