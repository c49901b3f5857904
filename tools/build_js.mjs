// Builds a JavaScript command component with componentize-js:
//   node tools/build_js.mjs SOURCE.js WORLD.wit WIT_DEPS_DIR OUT.wasm
// The WIT package of WORLD.wit is assembled in OUT's folder with deps/ a copy of
// the WASI 0.2.3 WIT (WIT_DEPS_DIR), in the build folder: componentize-js's
// own wasm tools follow no symlinks.
// A WASI package the world names at another version than WIT_DEPS_DIR's
// (`export wasi:http/incoming-handler@0.2.10;`: StarlingMonkey's fetch
// event is the export of that version) is added as a copy of the package
// under that version, its `package` line rewritten.
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
const worldText = await readFile(wit, 'utf8');
const world = /^\s*world\s+([a-z0-9-]+)/m.exec(worldText)[1];
for (const [, pkg, version] of worldText.matchAll(/^\s*(?:import|export|include)\s+wasi:([a-z-]+)\/[a-z-]+@([0-9.]+)/gm)) {
  const from = resolve(deps, pkg);
  const files = (await readdir(from)).filter((f) => f.endsWith('.wit'));
  const texts = await Promise.all(files.map((f) => readFile(resolve(from, f), 'utf8')));
  if (texts.some((t) => t.includes(`package wasi:${pkg}@${version};`)))
    continue;
  const to = resolve(witDir, 'deps', `${pkg}-${version}`);
  await mkdir(to, { recursive: true });
  for (let i = 0; i < files.length; i++)
    await writeFile(resolve(to, files[i]),
                    texts[i].replace(/^package wasi:([a-z-]+)@[0-9.]+;/m, `package wasi:$1@${version};`));
}
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
