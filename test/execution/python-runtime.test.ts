// Our Python runtime client (src/runtimes/python/bootstrap.py) end to end, once it exists.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { PACKAGE_ROOT, runtimeSupport } from '../../src/runtimes/table.js';
import { engineFor, fixtureSpec, json, request } from './helpers.js';

const bootstrap = join(PACKAGE_ROOT, 'src', 'runtimes', 'python', 'bootstrap.py');
const support = runtimeSupport('python3.12');
const skip = !existsSync(bootstrap) ? `${bootstrap} does not exist yet` : !support.ok ? support.reason : false;

t.test('python3.12: round trip and function error', { skip }, async (t) => {
  const { engine } = await engineFor(t);
  const codeDir = t.testdir({
    'app.py': [
      'def handler(event, context):',
      '    if event.get("fail"):',
      '        raise ValueError("asked to fail")',
      '    return {"event": event, "requestId": context.aws_request_id}',
      '',
    ].join('\n'),
  });
  const spec = fixtureSpec('python-echo', { runtime: 'python3.12', handler: 'app.handler', codeDir });
  const req = request(spec, { hello: 'python' });
  const ok = await engine.invoke(spec, req);
  t.equal(ok.outcome, 'success', ok.payload.toString());
  t.same(json(ok.payload), { event: { hello: 'python' }, requestId: req.requestId });
  const failed = await engine.invoke(spec, request(spec, { fail: true }));
  t.equal(failed.outcome, 'function-error');
  t.match(json(failed.payload), { errorType: 'ValueError', errorMessage: 'asked to fail' });
});
