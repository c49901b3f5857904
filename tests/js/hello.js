// A JavaScript command component (built by tools/build_js.mjs with
// componentize-js): prints its arguments, the environment variables whose
// names start with HELLO_, and a small computation, to stdout, through
// console.log and straight through wasi:cli/stdout's output stream.
import { getArguments, getEnvironment } from 'wasi:cli/environment@0.2.3';
import { getStdout } from 'wasi:cli/stdout@0.2.3';

function fib(n) {
  let a = 0n, b = 1n;
  for (let i = 0; i < n; i++) [a, b] = [b, a + b];
  return a;
}

export const run = {
  run() {
    const args = getArguments();
    const env = getEnvironment().filter(([k]) => k.startsWith('HELLO_'));
    const lines = ['hello from js'];
    args.slice(1).forEach((a, i) => lines.push(`arg ${i + 1}: ${a}`));
    env.sort().forEach(([k, v]) => lines.push(`env ${k}=${v}`));
    lines.push(`fib(90) = ${fib(90)}`);
    const words = args.slice(1).join(' ').split(/\s+/).filter(Boolean);
    lines.push(`words: ${words.length}, sorted: ${words.sort().join(',')}`);
    const out = getStdout();
    out.blockingWriteAndFlush(new TextEncoder().encode(lines.join('\n') + '\n'));
    console.log('console.log works');
  }
};
