import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import type { SchemaEngine as WasmSchemaEngine } from '@prisma/schema-engine-wasm';

/**
 * Prisma's own schema engine, compiled to WebAssembly (@prisma/schema-engine-wasm), driven through
 * a driver adapter. This is what makes migrations work offline: the Prisma CLI would download a
 * native engine binary first. See prisma/README.md for what is used and why.
 */
export type SchemaEngine = WasmSchemaEngine;
export type Provider = 'sqlite' | 'postgresql';

const require = createRequire(import.meta.url);
const GLUE = '@prisma/schema-engine-wasm/schema_engine_bg';
let loaded: Promise<typeof import('@prisma/schema-engine-wasm/schema_engine_bg')> | undefined;

async function loadWasmModule() {
  // The package is bundler-style (it imports the .wasm file); load its glue and instantiate the
  // WebAssembly ourselves.
  const glue = await import('@prisma/schema-engine-wasm/schema_engine_bg');
  const wasmPath = path.join(path.dirname(require.resolve(GLUE)), 'schema_engine_bg.wasm');
  const { instance } = await WebAssembly.instantiate(await readFile(wasmPath), {
    './schema_engine_bg.js': glue as unknown as WebAssembly.ModuleImports,
  });
  glue.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
  return glue;
}

let lastPanic = '';
// Without a panic registry a Rust panic surfaces as an unreadable TypeError.
(globalThis as { PRISMA_WASM_PANIC_REGISTRY?: unknown }).PRISMA_WASM_PANIC_REGISTRY = {
  set_message(message: string) {
    lastPanic = message;
  },
};

export function providerOf(url: string): Provider {
  return url.startsWith('file:') ? 'sqlite' : 'postgresql';
}

type Connection = { dispose(): Promise<void> };

/**
 * The adapter factory for a URL, remembering the connections the engine opens: freeing the engine
 * does not close them, and an open SQLite connection would keep its lock.
 */
function adapterFactoryFor(url: string, opened: Connection[]) {
  const factory = providerOf(url) === 'sqlite' ? new PrismaBetterSqlite3({ url }) : new PrismaPg({ connectionString: url });
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const connection = await connect();
    opened.push(connection);
    return connection;
  };
  return factory;
}

export type OpenEngine = { engine: SchemaEngine; close: () => Promise<void> };

/** Opens the engine on a database; `schemaText` is the datamodel the engine starts with. Call close(). */
export async function openSchemaEngine(opts: { url: string; schemaPath: string; schemaText: string }): Promise<OpenEngine> {
  loaded ??= loadWasmModule();
  const glue = await loaded;
  const log = (message: string) => {
    if (process.env.ROLLSCOPE_ENGINE_DEBUG) process.stderr.write(`[schema-engine] ${message}\n`);
  };
  const opened: Connection[] = [];
  const close = async () => {
    await Promise.all(opened.splice(0).map((c) => c.dispose()));
  };
  try {
    const engine = await glue.SchemaEngine.new(
      { datamodels: [[path.basename(opts.schemaPath), opts.schemaText]] },
      log,
      bindMigrationAwareSqlAdapterFactory(adapterFactoryFor(opts.url, opened)),
    );
    return {
      engine,
      close: async () => {
        engine.free();
        await close();
      },
    };
  } catch (error) {
    await close();
    throw engineError(error);
  }
}

/** Turns an engine failure (or panic) into an Error with a readable message. */
export function engineError(error: unknown): Error {
  const base = error instanceof Error ? error.message : String(error);
  const message = lastPanic ? `${base}\n${lastPanic}` : base;
  lastPanic = '';
  return new Error(`Prisma schema engine: ${message}`);
}

export const NO_FILTERS = { externalTables: [], externalEnums: [] };
