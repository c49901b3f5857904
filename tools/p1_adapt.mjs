// p1_adapt.mjs — wraps WASI preview 1 core modules into WASI 0.2 command
// components with a given wasi_snapshot_preview1 adapter, all in one node
// process (the `jco new` CLI costs about 2 s of startup per program).
//
// usage: node tools/p1_adapt.mjs ADAPTER SRC_DIR OUT_DIR FILE.wasm...
//
// Each FILE (a path under SRC_DIR) becomes OUT_DIR/<same relative path,
// .wasm → .component.wasm>; it is the component `jco new FILE --adapt
// wasi_snapshot_preview1=ADAPTER` writes. Only the adapter given is used:
// jco's `--wasi-command` would add its own (0.2.12) adapter first, and that
// one wins. A file is redone only when its output is older than it, than
// the adapter or than this script, so make can hand over the whole list.
// Touches nothing but OUT_DIR.
import { componentNew } from "@bytecodealliance/jco";
import { readFile, writeFile, mkdir, stat, rename } from "node:fs/promises";
import { dirname, relative, resolve, join } from "node:path";
import { fileURLToPath } from "node:url";

const [adapterPath, srcDir, outDir, ...files] = process.argv.slice(2);
if (!adapterPath || !srcDir || !outDir) {
    console.error("usage: node tools/p1_adapt.mjs ADAPTER SRC_DIR OUT_DIR FILE.wasm...");
    process.exit(2);
}

async function mtime(path) {
    try {
        return (await stat(path)).mtimeMs;
    } catch {
        return -1;
    }
}

const adapter = await readFile(adapterPath);
const newest = Math.max(await mtime(adapterPath), await mtime(fileURLToPath(import.meta.url)));
let made = 0;
for (const file of files) {
    const rel = relative(resolve(srcDir), resolve(file));
    if (rel.startsWith("..") || !rel.endsWith(".wasm")) {
        console.error(`p1_adapt: ${file} is not a .wasm file under ${srcDir}`);
        process.exit(1);
    }
    const out = join(outDir, rel.slice(0, -".wasm".length) + ".component.wasm");
    const outTime = await mtime(out);
    if (outTime >= 0 && outTime >= (await mtime(file)) && outTime >= newest) continue;
    let component;
    try {
        component = await componentNew(await readFile(file), [["wasi_snapshot_preview1", adapter]]);
    } catch (e) {
        console.error(`p1_adapt: ${file}: ${e.message ?? e}`);
        process.exit(1);
    }
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out + ".tmp", component);
    await rename(out + ".tmp", out);
    made++;
}
console.log(`p1_adapt: ${made} of ${files.length} components made in ${outDir}`);
