// How `npm run build` bundles the service: one entry (dist/bin/main.js) and its chunks, all in
// dist/bin/, with the npm packages a start-up loads inside them. Importing a few files instead of
// some 1,800 modules roughly halves the CPU time a start spends loading code.
import { readFileSync } from "node:fs";
import path from "node:path";
import { build, transform } from "esbuild";

/**
 * Stay outside the bundle, loaded from node_modules as they are: packages a feature loads on first
 * use (a start-up never runs their code, so the bundle would only grow), native code, and packages
 * that find their own files on disk (PGlite's WebAssembly, pino's and msgpackr's helpers).
 */
const EXTERNAL = [
  "botbuilder",
  "botbuilder-*",
  "botframework-*",
  "@azure/*",
  "@bull-board/*",
  "jsonld",
  "jsonld-signatures",
  "@digitalbazaar/*",
  "base58-universal",
  "jose",
  "ajv",
  "ajv-formats",
  "yaml",
  "csv-parse",
  "@electric-sql/pglite",
  "@resvg/resvg-js",
  "dejavu-fonts-ttf",
  "pino",
  "pino-pretty",
  "msgpackr",
];

// Lets the CommonJS packages inside the bundle `require` Node's built-in modules.
const BANNER = `import { createRequire as __bundleRequire } from "node:module";
const require = __bundleRequire(import.meta.url);`;

/**
 * Every chunk sits in dist/bin/, so a source file's `import.meta.url` would point there. It is
 * rewritten to where the file would be unbundled (dist/src/db/migrate.js for src/db/migrate.ts),
 * which is where the files it reads by path are copied: migrations, contexts, skills.yaml, pages.
 */
function ownLocation(root) {
  return {
    name: "own-location",
    setup(b) {
      b.onLoad({ filter: /\.ts$/ }, (args) => {
        if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
        const contents = readFileSync(args.path, "utf8");
        if (!contents.includes("import.meta.url")) return { contents, loader: "ts" };
        const unbundled = path
          .relative(path.join(root, "bin"), args.path)
          .split(path.sep)
          .join("/")
          .replace(/\.ts$/, ".js");
        const here = `new URL(${JSON.stringify(unbundled)}, import.meta.url).href`;
        return { contents: contents.replaceAll("import.meta.url", here), loader: "ts" };
      });
    },
  };
}

/** Bundles bin/main.ts into `outdir`; returns the files written, relative to it. */
export async function bundle(root, outdir) {
  const result = await build({
    absWorkingDir: root,
    entryPoints: { main: "bin/main.ts" },
    outdir,
    entryNames: "[name]",
    chunkNames: "[name]-[hash]",
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    sourcemap: "linked",
    sourcesContent: false,
    legalComments: "none",
    minifyWhitespace: true,
    minifySyntax: true,
    external: EXTERNAL,
    banner: { js: BANNER },
    plugins: [ownLocation(root)],
    metafile: true,
    logLevel: "warning",
  });
  return Object.keys(result.metafile.outputs).map((file) =>
    path.relative(outdir, path.resolve(root, file)),
  );
}

/** Compiles one file on its own (a migration, which the migrator imports by path). */
export async function compileAlone(file, out) {
  const { code, map } = await transform(readFileSync(file, "utf8"), {
    loader: "ts",
    format: "esm",
    target: "node20",
    sourcemap: "external",
    sourcefile: path.relative(path.dirname(out), file).split(path.sep).join("/"),
  });
  return {
    code: `${code}//# sourceMappingURL=${path.basename(out)}.map\n`,
    map,
  };
}
