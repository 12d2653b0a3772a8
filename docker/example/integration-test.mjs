// An integration test as a user would write one against lambdalite running as a compose service:
// the official AWS SDK creates a Node.js and a Python function from zips built here, invokes them
// and checks what they return. Exits 0 when every check passes, 1 with the reason otherwise.
import {
  CreateFunctionCommand,
  DeleteFunctionCommand,
  InvokeCommand,
  LambdaClient,
  ResourceNotFoundException,
  waitUntilFunctionActiveV2,
} from '@aws-sdk/client-lambda';
import { crc32, deflateRawSync } from 'node:zlib';

const endpoint = process.env.LAMBDA_ENDPOINT ?? 'http://lambdalite:3001';
const lambda = new LambdaClient({
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
});
const ROLE = 'arn:aws:iam::000000000000:role/lambda-role';

/** A zip of { name: text } entries (deflated), enough for a deployment package. */
function zip(files) {
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const [name, text] of Object.entries(files)) {
    const nameBytes = Buffer.from(name);
    const data = Buffer.from(text);
    const packed = deflateRawSync(data);
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4); // version needed: 2.0
    header.writeUInt16LE(8, 8); // deflate
    header.writeUInt32LE(crc32(data), 14);
    header.writeUInt32LE(packed.length, 18);
    header.writeUInt32LE(data.length, 22);
    header.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by Unix, so the mode below counts
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    header.copy(central, 16, 14, 26); // crc, sizes
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE((0o100644 << 16) >>> 0, 38); // a regular file, rw-r--r--
    central.writeUInt32LE(offset, 42);
    locals.push(header, nameBytes, packed);
    centrals.push(central, nameBytes);
    offset += header.length + nameBytes.length + packed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(centrals.length / 2, 8);
  end.writeUInt16LE(centrals.length / 2, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const FUNCTIONS = [
  {
    FunctionName: 'compose-example-node',
    Runtime: 'nodejs20.x',
    Handler: 'index.handler',
    files: {
      'index.js': `exports.handler = async (event, context) => ({
  greeting: 'hello ' + event.name,
  functionName: context.functionName,
  node: process.version,
});`,
    },
    event: { name: 'node' },
    expect: (r) => r.greeting === 'hello node' && r.functionName === 'compose-example-node' && /^v\d+\./.test(r.node),
  },
  {
    FunctionName: 'compose-example-python',
    Runtime: 'python3.12',
    Handler: 'app.handler',
    files: {
      'app.py': `import os, sys
def handler(event, context):
    return {"sum": event["a"] + event["b"],
            "functionName": context.function_name,
            "python": "%d.%d" % sys.version_info[:2],
            "region": os.environ["AWS_REGION"]}
`,
    },
    event: { a: 2, b: 40 },
    expect: (r) => r.sum === 42 && r.functionName === 'compose-example-python' && /^3\.\d+$/.test(r.python) && r.region === 'us-east-1',
  },
];

async function deploy({ FunctionName, Runtime, Handler, files }) {
  // Leftovers of an earlier `up` on the same volume go first, so the test can run again.
  await lambda.send(new DeleteFunctionCommand({ FunctionName })).catch((err) => {
    if (!(err instanceof ResourceNotFoundException)) throw err;
  });
  await lambda.send(new CreateFunctionCommand({ FunctionName, Runtime, Handler, Role: ROLE, Code: { ZipFile: zip(files) } }));
  await waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 60 }, { FunctionName });
}

async function invoke(FunctionName, event) {
  const res = await lambda.send(new InvokeCommand({ FunctionName, Payload: JSON.stringify(event), LogType: 'Tail' }));
  const text = Buffer.from(res.Payload ?? []).toString('utf8');
  if (res.FunctionError) {
    const log = res.LogResult ? Buffer.from(res.LogResult, 'base64').toString('utf8') : '';
    throw new Error(`${FunctionName} failed (${res.FunctionError}): ${text}\n${log}`);
  }
  return JSON.parse(text);
}

async function main() {
  console.log(`lambdalite at ${endpoint}`);
  for (const fn of FUNCTIONS) {
    await deploy(fn);
    const result = await invoke(fn.FunctionName, fn.event);
    if (!fn.expect(result)) throw new Error(`${fn.FunctionName} (${fn.Runtime}) returned ${JSON.stringify(result)}`);
    console.log(`ok ${fn.FunctionName} (${fn.Runtime}): ${JSON.stringify(result)}`);
  }
  console.log('all checks passed');
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(`integration test failed: ${err.stack ?? err}`);
    process.exit(1);
  },
);
