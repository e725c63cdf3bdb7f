// Loading .proto files with protobufjs (imported only when used, so that a browser page that
// brings its own protobufjs build never needs to resolve the package name).
import type * as Protobuf from "protobufjs";
import type { Root } from "protobufjs";

/** The protobufjs module: given (e.g. the UMD build's global `protobuf` in a page) or imported. */
async function protobufModule(given?: typeof Protobuf): Promise<typeof Protobuf> {
  if (given) return given;
  const m: any = await import("protobufjs"); // CommonJS: the API is the default export in Node
  return (m.default ?? m) as typeof Protobuf;
}

/**
 * Loads .proto files (paths in Node, URLs in a browser) into a new protobufjs Root, keeping
 * field names as written (`msg_type`, not `msgType`), as the SDK expects.
 */
export async function loadProtoFiles(files: string | string[], module?: typeof Protobuf): Promise<Root> {
  const protobuf = await protobufModule(module);
  const root = new protobuf.Root();
  await root.load(files, { keepCase: true });
  root.resolveAll();
  return root;
}

/** Parses .proto sources given as text (e.g. fetched by the page) into one Root. */
export async function parseProtoTexts(texts: string[], module?: typeof Protobuf): Promise<Root> {
  const protobuf = await protobufModule(module);
  const root = new protobuf.Root();
  for (const text of texts) protobuf.parse(text, root, { keepCase: true });
  root.resolveAll();
  return root;
}
