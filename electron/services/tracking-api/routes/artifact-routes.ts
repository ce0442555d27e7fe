// MLflow's proxied artifact API (what a client uses when the server serves artifacts:
// PUT/GET/DELETE /api/2.0/mlflow-artifacts/artifacts/<path> and the listing), and the
// run-relative listing GET /api/2.0/mlflow/artifacts/list. Uploads and downloads are streamed.
// The multipart-upload routes (mlflow-artifacts/mpu/...) are not offered: clients use them only
// when MLFLOW_ENABLE_PROXY_MULTIPART_UPLOAD is set, and otherwise upload each file with one PUT.
import type { ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { CairnError } from '../../../../shared/errors';
import type { ArtifactFileInfo } from '../../../../shared/models';
import { artifactContentType } from '../../artifacts/artifact-content-type';
import { parseArtifactRelativePath, parseArtifactUrlPath } from '../../artifacts/artifact-path';
import type { ArtifactReadHandle } from '../../artifacts/artifact-store';
import { optionalString, requiredString } from '../mlflow-request-args';
import { RESPONSE_SENT, type MlflowRequest, type MlflowRoute } from '../mlflow-route';
import type { TrackingContext } from '../tracking-context';

const PROXY_PREFIXES = ['/api/2.0/mlflow-artifacts/artifacts', '/ajax-api/2.0/mlflow-artifacts/artifacts'] as const;

/** MLflow's FileInfo as JSON: file_size only for files. */
export function fileInfoJson(info: ArtifactFileInfo): Record<string, unknown> {
  return info.isDir ? { path: info.path, is_dir: true } : { path: info.path, is_dir: false, file_size: info.fileSize };
}

function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

/** Streams an opened artifact as an attachment (never rendered inline: artifacts are untrusted). */
export async function sendArtifact(response: ServerResponse, handle: ArtifactReadHandle): Promise<typeof RESPONSE_SENT> {
  response.writeHead(200, {
    'content-type': artifactContentType(handle.fileName),
    'content-length': String(handle.size),
    'content-disposition': contentDisposition(handle.fileName),
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
  });
  try {
    await pipeline(handle.stream, response);
  } catch {
    // The client went away mid-download; the response is over either way.
  }
  return RESPONSE_SENT;
}

/**
 * The artifact path of a proxied-artifact request, read from the raw request target so that
 * percent-encoded separators and dot segments are seen (and refused) before anything decodes them.
 */
function proxiedArtifactPath(request: MlflowRequest): string {
  const target = (request.raw.url ?? '').split('?')[0] ?? '';
  for (const prefix of PROXY_PREFIXES) {
    if (target.startsWith(`${prefix}/`)) return parseArtifactUrlPath(target.slice(prefix.length + 1));
  }
  return parseArtifactRelativePath(request.pathParams.path ?? '');
}

/** The artifact routes over the context's artifact store. */
export function artifactRoutes(context: TrackingContext): MlflowRoute[] {
  const { artifacts } = context;
  const perPrefix = PROXY_PREFIXES.flatMap((prefix): MlflowRoute[] => [
    {
      method: 'GET',
      path: prefix,
      async handle({ args }) {
        const files = await artifacts.list(parseArtifactRelativePath(optionalString(args, 'path') ?? ''));
        return { files: files.map(fileInfoJson) };
      },
    },
    {
      method: 'GET',
      path: `${prefix}/*path`,
      rawBody: true,
      async handle(request, response) {
        return sendArtifact(response, await artifacts.openRead(proxiedArtifactPath(request)));
      },
    },
    {
      method: 'PUT',
      path: `${prefix}/*path`,
      rawBody: true,
      async handle(request) {
        const artifactPath = proxiedArtifactPath(request);
        try {
          await artifacts.write(artifactPath, request.raw);
        } catch (error) {
          // A client that hangs up mid-upload made no server error; nothing was stored. (A store's own
          // refusal, such as a full disk, also ends the upload's stream, and is answered as itself.)
          if (!(error instanceof CairnError) && (request.raw.errored || request.raw.destroyed)) {
            throw new CairnError('BAD_REQUEST', `The upload of '${artifactPath}' ended before all of its bytes arrived.`);
          }
          throw error;
        }
        return {};
      },
    },
    {
      method: 'DELETE',
      path: `${prefix}/*path`,
      rawBody: true,
      async handle(request) {
        await artifacts.delete(proxiedArtifactPath(request));
        return {};
      },
    },
  ]);
  return [
    ...perPrefix,
    {
      method: 'GET',
      path: 'artifacts/list',
      async handle({ args }) {
        const runId = optionalString(args, 'run_id') || optionalString(args, 'run_uuid') || requiredString(args, 'run_id');
        const run = await context.store.getRun(runId);
        const files = await artifacts.listArtifacts(run.info.artifactUri, optionalString(args, 'path') ?? '');
        return { root_uri: run.info.artifactUri, files: files.map(fileInfoJson) };
      },
    },
  ];
}
