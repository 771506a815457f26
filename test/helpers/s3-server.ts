// A real S3 server (s3rver) on 127.0.0.1, a random free port and a fresh temp folder, with one bucket.
// Every S3 test uses it: no mocked client anywhere.
//
// s3rver 3.7 answers two calls of the S3 API that the job relies on with NotImplemented /
// MethodNotAllowed: ListMultipartUploads (GET /bucket?uploads) and AbortMultipartUpload
// (DELETE /bucket/key?uploadId=...). The helper adds both, working on s3rver's own folder of upload
// parts, so the clean-up of abandoned multipart uploads is exercised end to end.

import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';

export interface S3Server {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  bucket: string;
  /** s3rver's data folder (objects, and `<bucket>/._S3rver_uploads/<id>/` for unfinished uploads). */
  directory: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** AWS_* variables for a child process that should talk to this server. */
  env: Record<string, string>;
  /** Upload ids of multipart uploads started and neither completed nor aborted. */
  pendingUploads(): Promise<string[]>;
  stop(): Promise<void>;
}

export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

export async function startS3Server(options: { bucket?: string } = {}): Promise<S3Server> {
  const bucket = options.bucket ?? 'telemetry-test';
  const directory = await mkdtemp(join(tmpdir(), 's3rver-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket }],
  });
  const uploadsDir = (name: string): string => server.store.getResourcePath(name, undefined, 'uploads');
  // Koa composes its middleware when the server starts, so this runs before s3rver's router.
  server.middleware.unshift(async (ctx, next) => {
    const [name, ...keyParts] = ctx.path.split('/').filter((part) => part !== '');
    if (!name) return next();
    if (ctx.method === 'GET' && keyParts.length === 0 && 'uploads' in ctx.query) {
      ctx.type = 'application/xml';
      ctx.body = await listUploadsXml(uploadsDir(name), name, String(ctx.query.prefix ?? ''));
      return;
    }
    const uploadId = ctx.query.uploadId;
    if (ctx.method === 'DELETE' && typeof uploadId === 'string' && keyParts.length > 0) {
      const folder = join(uploadsDir(name), uploadId.replace(/[^0-9a-f]/g, ''));
      if (!(await exists(folder))) {
        ctx.status = 404;
        ctx.type = 'application/xml';
        ctx.body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchUpload</Code><Message>The specified upload does not exist.</Message><UploadId>${uploadId}</UploadId></Error>`;
        return;
      }
      await rm(folder, { recursive: true, force: true });
      ctx.status = 204;
      return;
    }
    return next();
  });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    bucket,
    directory,
    credentials: { ...S3RVER_CREDENTIALS },
    env: {
      AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL: endpoint,
      S3_FORCE_PATH_STYLE: 'true',
      // No instance metadata service on a test machine: do not wait for one.
      AWS_EC2_METADATA_DISABLED: 'true',
    },
    pendingUploads: async () => ((await exists(uploadsDir(bucket))) ? (await readdir(uploadsDir(bucket))).sort() : []),
    stop: async () => {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

async function listUploadsXml(folder: string, bucket: string, prefix: string): Promise<string> {
  const ids = (await exists(folder)) ? await readdir(folder) : [];
  const uploads: string[] = [];
  for (const id of ids.sort()) {
    const key = await readFile(join(folder, id, 'key'), 'utf8').catch(() => undefined);
    if (key === undefined || !key.startsWith(prefix)) continue;
    const initiated = (await stat(join(folder, id))).mtime.toISOString();
    uploads.push(
      `<Upload><Key>${escapeXml(key)}</Key><UploadId>${id}</UploadId><Initiated>${initiated}</Initiated></Upload>`,
    );
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<ListMultipartUploadsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">',
    `<Bucket>${escapeXml(bucket)}</Bucket><Prefix>${escapeXml(prefix)}</Prefix><MaxUploads>1000</MaxUploads><IsTruncated>false</IsTruncated>`,
    ...uploads,
    '</ListMultipartUploadsResult>',
  ].join('\n');
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return false;
      throw error;
    },
  );
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
