// A JavaScript wasi:http handler (built by tools/build_js.mjs with
// componentize-js, world wasi:http/proxy): addEventListener('fetch', ...)
// served by `wippy wasm serve` (and `jco serve` in make bench-serve).
//   GET  /hello?...  200 "METHOD PATH q=<q> ua=<user-agent>\n", x-js: yes
//   POST /echo       200, the request body back, x-len: its size
//   anything else    404 "not found: PATH\n"
addEventListener('fetch', (event) => event.respondWith(answer(event.request)));

async function answer(req) {
  const url = new URL(req.url);
  if (url.pathname === '/hello')
    return new Response(`${req.method} ${url.pathname} q=${url.searchParams.get('q')} ` +
                        `ua=${req.headers.get('user-agent')}\n`,
                        { headers: { 'content-type': 'text/plain', 'x-js': 'yes' } });
  if (url.pathname === '/echo' && req.method === 'POST') {
    const body = new Uint8Array(await req.arrayBuffer());
    return new Response(body, { headers: { 'x-len': String(body.length) } });
  }
  return new Response(`not found: ${url.pathname}\n`, { status: 404 });
}
