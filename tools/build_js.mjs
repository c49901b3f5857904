// Builds a JavaScript command component with componentize-js:
//   node tools/build_js.mjs SOURCE.js WORLD.wit WIT_DEPS_DIR OUT.wasm
// The WIT package of WORLD.wit is assembled in OUT's folder with deps/ a copy of
// the WASI 0.2.3 WIT (WIT_DEPS_DIR), in the build folder: componentize-js's
// own wasm tools follow no symlinks.
import { componentize } from '@bytecodealliance/componentize-js';
import { _setPreopens } from '@bytecodealliance/preview2-shim/filesystem';
import { mkdir, copyFile, cp, rm, writeFile, readdir, readFile } from 'node:fs/promises';
import { resolve, dirname, basename } from 'node:path';

const [src, wit, deps, out] = process.argv.slice(2);
if (!out) {
  console.error('usage: node tools/build_js.mjs SOURCE.js WORLD.wit WIT_DEPS_DIR OUT.wasm');
  process.exit(2);
}
const witDir = resolve(dirname(out), basename(out, '.wasm') + '.wit.d');
await rm(witDir, { recursive: true, force: true });
await mkdir(resolve(witDir, 'deps'), { recursive: true });
await copyFile(wit, resolve(witDir, basename(wit)));
for (const pkg of await readdir(deps, { withFileTypes: true })) {
  if (pkg.isDirectory())
    await cp(resolve(deps, pkg.name), resolve(witDir, 'deps', pkg.name), { recursive: true });
}
const world = /^\s*world\s+([a-z0-9-]+)/m.exec(await readFile(wit, 'utf8'))[1];
// componentize-js reads the WIT through its own wasm tools, which see no
// filesystem without a preopen.
_setPreopens({ '/': '/' });
const { component } = await componentize({
  sourcePath: resolve(src),
  witPath: witDir,
  worldName: world,
});
await writeFile(out, component);
console.log(`${out}: ${component.length} bytes`);
