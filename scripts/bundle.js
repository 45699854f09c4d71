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
  "@expo-google-fonts/*",
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

/**
 * The migrations import Kysely from dist/bin/kysely.js, which shares the bundle's copy: from
 * node_modules it would be loaded a second time, some 260 files.
 */
const KYSELY_ENTRY = "kysely-for-migrations";
const kyselyEntry = (root) => ({
  name: "kysely-entry",
  setup(b) {
    b.onResolve({ filter: new RegExp(`^${KYSELY_ENTRY}$`) }, () => ({
      path: KYSELY_ENTRY,
      namespace: KYSELY_ENTRY,
    }));
    b.onLoad({ filter: /.*/, namespace: KYSELY_ENTRY }, () => ({
      contents: 'export * from "kysely";',
      resolveDir: root,
      loader: "js",
    }));
  },
});

/** Bundles bin/main.ts and the command thread into `outdir`; returns the files written, relative to it. */
export async function bundle(root, outdir) {
  const result = await build({
    absWorkingDir: root,
    entryPoints: {
      main: "bin/main.ts",
      "command-thread-entry": "bin/command-thread-entry.ts",
      kysely: KYSELY_ENTRY,
    },
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
    keepNames: true,
    external: EXTERNAL,
    banner: { js: BANNER },
    plugins: [ownLocation(root), kyselyEntry(root)],
    metafile: true,
    logLevel: "warning",
  });
  return Object.keys(result.metafile.outputs).map((file) =>
    path.relative(outdir, path.resolve(root, file)),
  );
}

/**
 * Compiles a migration on its own (the migrator imports each by path), its Kysely import pointed
 * at the bundle's.
 */
export async function compileMigration(file, out) {
  const { code, map } = await transform(readFileSync(file, "utf8"), {
    loader: "ts",
    format: "esm",
    target: "node20",
    sourcemap: "external",
    sourcefile: path.relative(path.dirname(out), file).split(path.sep).join("/"),
  });
  const shared = path.relative(path.dirname(out), path.join(path.dirname(out), "../bin/kysely.js"));
  return {
    code: `${code.replaceAll('from "kysely"', `from "${shared.split(path.sep).join("/")}"`)}//# sourceMappingURL=${path.basename(out)}.map\n`,
    map,
  };
}
