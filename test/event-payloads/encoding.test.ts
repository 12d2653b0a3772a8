// The small rules the templates rely on, as tables: how S3 encodes keys, how API Gateway extracts
// path parameters, how DynamoDB sizes stream records, how API Gateway writes times.
import t from 'tap';
import { itemSizeBytes } from '../../src/event-payloads/dynamodb.js';
import { pathParameters, requestTime } from '../../src/event-payloads/http-request.js';
import { s3EventKey } from '../../src/event-payloads/s3.js';

t.test('s3EventKey: form-URL-encoded, as S3 puts keys into events', async (t) => {
  const cases: Array<[string, string, string]> = [
    ['red flower.jpg', 'red+flower.jpg', "the S3 user guide's example"],
    ['test_file(3).png', 'test_file%283%29.png', "the S3 API reference's example"],
    ['test/key', 'test/key', 'slashes between segments stay'],
    ['a+b.txt', 'a%2Bb.txt', 'a literal + is encoded'],
    ['x=1&y=2', 'x%3D1%26y%3D2', 'query characters are encoded'],
    ['café.txt', 'caf%C3%A9.txt', 'UTF-8 bytes, upper-case hex'],
    ["it's~*-_.!", 'it%27s%7E*-_.%21', "Java URLEncoder's safe set: letters, digits, . - * _"],
  ];
  for (const [key, encoded, why] of cases) t.equal(s3EventKey(key), encoded, `${key}: ${why}`);
});

t.test('pathParameters: {name} takes a segment, a final {name+} the rest', async (t) => {
  const cases: Array<[string, string, Record<string, string> | null]> = [
    ['/{proxy+}', '/a', { proxy: 'a' }],
    ['/{proxy+}', '/a/b/c', { proxy: 'a/b/c' }],
    ['/users/{id}', '/users/42', { id: '42' }],
    ['/users/{id}/{rest+}', '/users/42/x/y', { id: '42', rest: 'x/y' }],
    ['/health', '/health', null],
    ['/', '/', null],
  ];
  for (const [template, path, expected] of cases) t.same(pathParameters(template, path), expected, `${template} ~ ${path}`);
  const misses: Array<[string, string]> = [['/users/{id}', '/users'], ['/users/{id}', '/users/1/2'], ['/a', '/b'], ['/{proxy+}', '/']];
  for (const [template, path] of misses) t.throws(() => pathParameters(template, path), { name: 'UsageError' }, `${template} !~ ${path}`);
});

t.test("itemSizeBytes: the SizeBytes of the Lambda guide's DynamoDB records", async (t) => {
  const keys = { Id: { N: '101' } };
  const first = { Message: { S: 'New item!' }, Id: { N: '101' } };
  const changed = { Message: { S: 'This item has changed' }, Id: { N: '101' } };
  t.equal(itemSizeBytes(keys) + itemSizeBytes(first), 26, 'INSERT');
  t.equal(itemSizeBytes(keys) + itemSizeBytes(changed) + itemSizeBytes(first), 59, 'MODIFY');
  t.equal(itemSizeBytes(keys) + itemSizeBytes(changed), 38, 'REMOVE');
  t.equal(itemSizeBytes({ n: { N: '1000' } }), 1 + 2, 'trailing zeros are not significant digits');
  t.equal(itemSizeBytes({ s: { S: 'é' } }), 1 + 2, 'strings count UTF-8 bytes');
});

t.test('requestTime: the CLF time of $context.requestTime', async (t) => {
  t.equal(requestTime(new Date('2020-03-04T19:15:17.135Z')), '04/Mar/2020:19:15:17 +0000');
  t.equal(requestTime(new Date('2021-12-31T00:00:09Z')), '31/Dec/2021:00:00:09 +0000');
});
