// A JavaScript command component using fetch() (built by tools/build_js.mjs
// with componentize-js; fetch becomes wasi:http/outgoing-handler):
//   fetch.wasm URL [MODE]
// MODE "post" (default): POST "hello from js fetch" with header
//   x-test: js-42, then prints the status, the x-reply header and the body.
// MODE "get": GET, the same lines.
// MODE "chunks": GET, reads the body through its stream reader and prints
//   its size, the sum of its bytes, and whether it came in more than one
//   chunk.
// A rejected fetch prints "fetch failed: " and the error.
// The URL may also come from the environment variable FETCH_URL.
//
// run() is async: componentize-js runs the guest's event loop until the
// promise it returns settles, so the awaits inside it complete before
// wasi:cli/run's run returns.
import { getArguments, getEnvironment } from 'wasi:cli/environment@0.2.3';
import { getStdout } from 'wasi:cli/stdout@0.2.3';

function print(lines) {
  getStdout().blockingWriteAndFlush(new TextEncoder().encode(lines.join('\n') + '\n'));
}

async function main() {
  const args = getArguments();
  const env = Object.fromEntries(getEnvironment());
  const url = args[1] || env.FETCH_URL;
  const mode = args[2] || 'post';
  let resp;
  try {
    if (mode === 'post')
      resp = await fetch(url, { method: 'POST', body: 'hello from js fetch',
                                headers: { 'x-test': 'js-42' } });
    else
      resp = await fetch(url, { headers: { 'x-test': 'js-get' } });
  } catch (e) {
    print([`fetch failed: ${e}`]);
    return;
  }
  const lines = [`status: ${resp.status}`, `x-reply: ${resp.headers.get('x-reply')}`];
  if (mode === 'chunks') {
    const reader = resp.body.getReader();
    let size = 0, sum = 0, chunks = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks++;
      size += value.length;
      for (let i = 0; i < value.length; i++) sum += value[i];
    }
    lines.push(`size: ${size}`, `sum: ${sum}`, `chunked: ${chunks > 1}`);
  } else {
    lines.push(`body: ${await resp.text()}`);
  }
  print(lines);
}

export const run = {
  async run() {
    await main();
  }
};
