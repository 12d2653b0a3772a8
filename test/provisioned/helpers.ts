// Shared by the provisioned concurrency tests: publish a version, wait for a configuration to settle.
import {
  GetProvisionedConcurrencyConfigCommand,
  PublishVersionCommand,
  type GetProvisionedConcurrencyConfigCommandOutput,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { deploy, type Files } from '../helpers/invoke.js';

/** A handler that reports how its environment was started and can be kept busy for a while. */
export const REPORTER: Files = {
  'index.js': `
exports.handler = async (event) => {
  await new Promise((resolve) => setTimeout(resolve, event.sleepMs ?? 0));
  return { initializationType: process.env.AWS_LAMBDA_INITIALIZATION_TYPE, pid: process.pid };
};
`,
};

/** Creates a function from REPORTER (or `files`) and publishes version 1. */
export async function deployVersion(lambda: LambdaClient, name: string, files: Files = REPORTER): Promise<string> {
  await deploy(lambda, name, files);
  const published = await lambda.send(new PublishVersionCommand({ FunctionName: name }));
  return published.Version!;
}

/** Polls GetProvisionedConcurrencyConfig until the status leaves IN_PROGRESS (or the time is up). */
export async function settled(
  lambda: LambdaClient, name: string, qualifier: string, timeoutMs = 15_000,
): Promise<GetProvisionedConcurrencyConfigCommandOutput> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const config = await lambda.send(new GetProvisionedConcurrencyConfigCommand({ FunctionName: name, Qualifier: qualifier }));
    if (config.Status !== 'IN_PROGRESS' || Date.now() > deadline) return config;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
