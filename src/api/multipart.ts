import busboy from 'busboy';
import type { Request } from 'express';
import { ApiError } from './errors';

/** Multipart image uploads up to 10 MiB (docs/product.md, HTTP conventions). */
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
/** Room for the text fields and part headers around the file. */
const FORM_OVERHEAD_BYTES = 1024 * 1024;
const MAX_FIELD_BYTES = 64 * 1024;

export interface UploadedFile {
  filename: string;
  data: Buffer;
}

export interface MultipartForm {
  fields: Record<string, string>;
  files: Record<string, UploadedFile>;
}

export function isMultipart(contentType: string | undefined): boolean {
  return /^multipart\/form-data\s*;/i.test(contentType ?? '');
}

const tooLarge = (detail = 'Request body is too large.') => new ApiError(413, { detail });
const malformed = (reason: string) =>
  new ApiError(400, { detail: `Multipart form parse error - ${reason.replace(/\s+/g, ' ').slice(0, 200)}` });

/**
 * Reads a multipart/form-data body: text fields, and the files named in `fileFields` into memory
 * (each at most MAX_UPLOAD_BYTES, else 413). Other files are drained and ignored, as unknown fields are.
 */
export async function parseMultipart(req: Request, fileFields: string[]): Promise<MultipartForm> {
  if (Number(req.headers['content-length'] ?? 0) > MAX_UPLOAD_BYTES + FORM_OVERHEAD_BYTES) throw tooLarge();
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: req.headers,
      // busboy marks a file truncated once it reaches the limit, so one byte more is allowed for it.
      limits: {
        fileSize: MAX_UPLOAD_BYTES + 1,
        fieldSize: MAX_FIELD_BYTES,
        fields: 100,
        files: 10,
        parts: 110,
      },
    });
  } catch (err) {
    throw malformed(err instanceof Error ? err.message : String(err));
  }
  return new Promise<MultipartForm>((resolve, reject) => {
    const form: MultipartForm = { fields: {}, files: {} };
    // The first failure wins, but the body is read to its end so the client sees the answer.
    let failure: ApiError | undefined;
    const fail = (err: ApiError) => (failure ??= err);

    parser.on('field', (name, value, info) => {
      if (info.valueTruncated) fail(tooLarge(`The field "${name.slice(0, 100)}" is too large.`));
      else form.fields[name] = value;
    });
    parser.on('file', (name, stream, info) => {
      if (!fileFields.includes(name)) {
        stream.on('error', () => undefined);
        stream.resume();
        return;
      }
      const chunks: Buffer[] = [];
      // A broken form also fails the file stream; the parser's own 'error' answers it.
      stream.on('error', () => undefined);
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () => fail(tooLarge('The uploaded file is too large; the limit is 10 MiB.')));
      stream.on('close', () => {
        if (!stream.truncated)
          form.files[name] = { filename: info.filename ?? '', data: Buffer.concat(chunks) };
      });
    });
    for (const limit of ['partsLimit', 'filesLimit', 'fieldsLimit'] as const) {
      parser.on(limit, () => fail(malformed('too many parts')));
    }
    parser.on('error', (err: unknown) => {
      req.unpipe(parser);
      req.resume();
      reject(malformed(err instanceof Error ? err.message : String(err)));
    });
    parser.on('close', () => (failure ? reject(failure) : resolve(form)));
    // A client that goes away mid-upload leaves no parse pending (and no unhandled 'error').
    req.once('error', () => reject(malformed('request aborted')));
    req.once('close', () => req.complete || reject(malformed('request aborted')));
    req.pipe(parser);
  });
}
