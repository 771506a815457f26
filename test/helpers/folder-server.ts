// A published folder served over HTTP on 127.0.0.1, as a static host would serve the target: for the
// landing page in a browser and the README's snippets reading URLs.
import { readFile, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';
import { contentTypeFor } from '../../src/publish/catalog/index.js';

export interface FolderServer {
  origin: string;
  close(): Promise<void>;
}

/** Serves `root` on 127.0.0.1 with the Content-Types the stores give; 404 for anything else. */
export async function serveFolder(root: string): Promise<FolderServer> {
  const server: Server = createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    const file = normalize(join(root, path === '/' ? 'index.html' : path));
    const found = file.startsWith(root) ? await stat(file).catch(() => undefined) : undefined;
    if (!found?.isFile()) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': contentTypeFor(file) }).end(await readFile(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
