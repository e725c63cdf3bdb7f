// Loading .proto files with protobufjs (imported only when used, so that a browser page that
// brings its own protobufjs build never needs to resolve the package name).
import type { Root } from "protobufjs";

/**
 * Loads .proto files (paths in Node, URLs in a browser) into a new protobufjs Root, keeping
 * field names as written (`msg_type`, not `msgType`), as the SDK expects.
 */
export async function loadProtoFiles(files: string | string[]): Promise<Root> {
  const protobuf = (await import("protobufjs")).default;
  const root = new protobuf.Root();
  await root.load(files, { keepCase: true });
  root.resolveAll();
  return root;
}

/** Parses .proto sources given as text (e.g. fetched by the page) into one Root. */
export async function parseProtoTexts(texts: string[]): Promise<Root> {
  const protobuf = (await import("protobufjs")).default;
  const root = new protobuf.Root();
  for (const text of texts) protobuf.parse(text, root, { keepCase: true });
  root.resolveAll();
  return root;
}
