// component_from_core.mjs — makes a component out of a core module built
// from a hand-written C guest that calls WASI 0.2 directly
// (tests/wasi_p2/*.c): embeds the WIT of a world with jco's
// componentEmbed({binary, witPath, world}), then componentNew().
//
//   node tools/component_from_core.mjs CORE.wasm OUT.wasm WORLD.wit WORLD WIT_ROOT
//
// WORLD.wit is our own small world file; WIT_ROOT is the folder of the WASI
// packages it uses (../shared/wit/wasi-0.2.3: cli/, io/, filesystem/, ...).
// The WIT is assembled in a temporary folder (WORLD.wit plus deps/ with a
// copy of each package folder of WIT_ROOT: jco's filesystem shim does not
// follow symlinks) and removed afterwards; nothing lands in the repository. jco's wasm-tools see the host filesystem through
// preview2-shim's preopens, so every path is made absolute under "/".
import { mkdtempSync, readFileSync, writeFileSync, readdirSync, statSync, cpSync, rmSync,
         copyFileSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { componentEmbed, componentNew } from '@bytecodealliance/jco';

// The preview2-shim that jco's wasm-tools import: jco-transpile's own copy
// (package-lock.json nests it there), else a top-level one.
const here = dirname(fileURLToPath(import.meta.url));
const shim = [
    'node_modules/@bytecodealliance/jco-transpile/node_modules/@bytecodealliance/preview2-shim',
    'node_modules/@bytecodealliance/preview2-shim',
].map((p) => join(here, '..', p, 'dist/nodejs/filesystem.js')).find((p) => existsSync(p));
if (!shim)
    throw new Error('preview2-shim not found under node_modules (run npm ci)');
const { _setPreopens } = await import(pathToFileURL(shim).href);

const [core, out, worldWit, world, witRoot] = process.argv.slice(2);
if (!core || !out || !worldWit || !world || !witRoot) {
    console.error('usage: component_from_core.mjs CORE.wasm OUT.wasm WORLD.wit WORLD WIT_ROOT');
    process.exit(2);
}
_setPreopens({ '/': '/' });
const dir = mkdtempSync(join(tmpdir(), 'wippy-wit-'));
try {
    copyFileSync(resolve(worldWit), join(dir, 'world.wit'));
    const deps = join(dir, 'deps');
    const root = resolve(witRoot);
    const pkgs = readdirSync(root).filter((p) => statSync(join(root, p)).isDirectory());
    if (pkgs.length === 0)
        throw new Error(`${root}: no WIT package folders`);
    mkdirSync(deps);
    for (const p of pkgs)
        cpSync(join(root, p), join(deps, p), { recursive: true, dereference: true });
    const binary = readFileSync(core);
    const embedded = await componentEmbed({ binary, witPath: dir, world });
    const component = await componentNew(embedded);
    writeFileSync(out, component);
} catch (e) {
    console.error(`component_from_core: ${core} → ${out}: ${e.message ?? e}`);
    process.exitCode = 1;
} finally {
    rmSync(dir, { recursive: true, force: true });
}
