// Log stream names as AWS gives them: YYYY/MM/DD/[<version>]<32 hex digits>, date in UTC.
export function logStreamName(version: string, envId: string, now: Date = new Date()): string {
  const yyyy = now.getUTCFullYear();
  const mm = String(now.getUTCMonth() + 1).padStart(2, '0');
  const dd = String(now.getUTCDate()).padStart(2, '0');
  return `${yyyy}/${mm}/${dd}/[${version}]${envId}`;
}
