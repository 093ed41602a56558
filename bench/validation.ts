// Gateway request validation cost per request (hot path): parseJsonBody + validateChatRequest on
// a typical ~1 KB openai-SDK chat body, next to V8's native JSON.parse of the same bytes as the
// reference. Pure CPU, no stack needed; bounded (a few seconds).
//   npm run bench:validation
import { parseJsonBody, validateChatRequest } from '../services/gateway/src/validation/index.js';

const body = Buffer.from(
  JSON.stringify({
    model: 'DeepSeek-R1',
    messages: [
      {
        role: 'system',
        content: 'You are a helpful assistant. Answer precisely and keep answers short.',
      },
      {
        role: 'user',
        content: 'Which number is larger, 9.11 or 9.8? Explain the comparison step by step.',
      },
      {
        role: 'assistant',
        content:
          '9.8 is larger. Compare the integer parts (both 9), then the tenths: 8 tenths is more than 1 tenth, ' +
          'so 9.8 > 9.11 even though 11 > 8 when read as whole numbers.',
      },
      {
        role: 'user',
        content: 'And between 3.14159 and 3.1416? Please show the digits you compare. '.repeat(6),
      },
    ],
    max_tokens: 1024,
    temperature: 0.6,
    top_p: 0.95,
    stream: true,
    stream_options: { include_usage: true },
  }),
);

function measure(name: string, iterations: number, fn: () => unknown): number {
  for (let i = 0; i < Math.min(iterations, 5000); i++) fn();
  // CPU time of this process, not wall time: steadier on a shared, busy machine.
  const start = process.cpuUsage();
  for (let i = 0; i < iterations; i++) fn();
  const used = process.cpuUsage(start);
  const us = (used.user + used.system) / iterations;
  console.log(`${name.padEnd(46)} ${us.toFixed(2).padStart(8)} µs/op (CPU)`);
  return us;
}

console.log(`body: ${body.length} bytes, node ${process.version}`);
const reference = measure('reference: JSON.parse(body.toString())', 50_000, () =>
  JSON.parse(body.toString('utf8')),
);
measure('parseJsonBody', 50_000, () => parseJsonBody(body));
const parsedOnce = parseJsonBody(body);
if (!parsedOnce.ok) throw new Error('bench body must be valid');
const total = measure('parseJsonBody + validateChatRequest (valid)', 50_000, () => {
  const parsed = parseJsonBody(body);
  if (!parsed.ok) throw new Error('unexpected');
  const result = validateChatRequest(parsed.value);
  if (!result.ok) throw new Error(JSON.stringify(result.error.body));
  return result.request;
});
const parsedBody = parsedOnce.value;
measure('validateChatRequest alone (valid)', 50_000, () => validateChatRequest(parsedBody));
const badJson = Buffer.from(
  body.toString('utf8').replace('"max_tokens"', ' "max_tokens"').replace(',', ''),
);
measure('error path: invalid JSON → json_invalid 400', 20_000, () => parseJsonBody(badJson));
const noModel = Buffer.from(body.toString('utf8').replace('"model":"DeepSeek-R1",', ''));
measure('error path: missing model → pydantic 400', 20_000, () => {
  const parsed = parseJsonBody(noModel);
  return parsed.ok ? validateChatRequest(parsed.value) : parsed;
});
console.log(
  `\nvalid body: ${total.toFixed(2)} µs in all, ${(total / reference).toFixed(2)}× a bare JSON.parse ` +
    '(goal: well under 50 µs)',
);
