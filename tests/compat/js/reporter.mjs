// node --test reporter: one "PASS|FAIL|SKIP <suite> :: <describe> > <test> (ms)" line per leaf test, failure details
// indented below it, a closing "# <suite>: N passed, N failed" line, and "<suite>\t<status>\t<name>\t<ms>" rows
// appended to $COMPAT_RESULTS. The suite name comes from $SUITE (default "js-sdk").
import { appendFileSync } from 'node:fs';
import { inspect } from 'node:util';

const suite = process.env.SUITE || 'js-sdk';
const results = process.env.COMPAT_RESULTS;

export default async function* reporter(source) {
  const names = [];          // names[n] = name of the test currently started at nesting n
  const childSeen = [];      // childSeen[n] = a test at nesting n finished since its parent started
  let passed = 0, failed = 0, skipped = 0;
  for await (const event of source) {
    const { type, data } = event;
    if (type === 'test:start') {
      names[data.nesting] = data.name;
      names.length = data.nesting + 1;
      childSeen[data.nesting + 1] = false;
      continue;
    }
    if (type === 'test:diagnostic' && /^(tests|pass|fail|suites|duration_ms|cancelled|skipped|todo) /.test(data.message)) continue;
    if (type === 'test:diagnostic') { yield `# ${data.message}\n`; continue; }
    if (type === 'test:stderr' || type === 'test:stdout') { yield data.message.replace(/^/gm, '    | '); continue; }
    if (type !== 'test:pass' && type !== 'test:fail') continue;
    const n = data.nesting;
    const leaf = !childSeen[n + 1];
    childSeen[n + 1] = false;
    childSeen[n] = true;
    if (!leaf) continue;
    const path = names.slice(0, n).filter((x) => x && !x.startsWith('/') && !x.endsWith('.mjs'));
    const name = [...path, data.name].join(' > ');
    const ms = Math.round(data.details?.duration_ms ?? 0);
    let status = type === 'test:pass' ? 'PASS' : 'FAIL';
    if (status === 'PASS' && (data.skip || data.todo)) status = 'SKIP';
    if (status === 'PASS') passed++; else if (status === 'FAIL') failed++; else skipped++;
    if (results) appendFileSync(results, `${suite}\t${status}\t${name.replace(/\t/g, ' ')}\t${ms}\n`);
    yield `${status} ${suite} :: ${name} (${ms} ms)\n`;
    if (status === 'FAIL') {
      const err = data.details?.error;
      const cause = err?.cause ?? err;
      const text = cause instanceof Error ? `${cause.stack}${cause.$metadata ? '\n' + inspect(cause.$metadata) : ''}` : inspect(cause, { depth: 4 });
      yield text.split('\n').slice(0, 40).map((l) => `    | ${l}`).join('\n') + '\n';
    }
  }
  yield `# ${suite}: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`;
}
