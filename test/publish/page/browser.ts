// A real headless Chromium (Debian's `chromium`, driven by playwright-core) and a loopback HTTP server
// for a published folder, for the landing page tests. Every request the page makes is routed: one to
// any other origin is recorded and aborted, so a test can assert that none left the folder.
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';
import { contentTypeFor } from '../../../src/publish/catalog/index.js';

export const CHROMIUM = process.env.TP_CHROMIUM ?? '/usr/bin/chromium';

/** Fails (never skips) when the browser is missing: the page's promise is tested in a real one. */
/** A fresh profile folder (`profile`) for each launch: no state from an earlier run. */
export async function launchChromium(profile: string): Promise<BrowserContext> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `no Chromium at ${CHROMIUM}: install Debian's \`chromium\` package (apt-get install chromium; .ci/run does it) or set TP_CHROMIUM`,
    );
  }
  // playwright-core passes `profile` as --user-data-dir itself.
  return chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

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
