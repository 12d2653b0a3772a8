// An alias with RoutingConfig.AdditionalVersionWeights sends each invocation to its additional
// version with that probability, else to its primary version ("Lambda alias routing").
export function pickVersion(
  primary: string,
  additionalVersionWeights: Readonly<Record<string, number>>,
  random: () => number = Math.random,
): string {
  let r = random();
  for (const [version, weight] of Object.entries(additionalVersionWeights)) {
    if (r < weight) return version;
    r -= weight;
  }
  return primary;
}
