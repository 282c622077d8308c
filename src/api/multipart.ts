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
  new ApiError(400, {
    detail: `Multipart form parse error - ${reason.replace(/\s+/g, ' ').slice(0, 200)}`,
  });
const unexpectedFile = (fileFields: string[]) =>
  new ApiError(400, {
    non_field_errors: [`Only one file may be uploaded, in the field "${fileFields.join('" or "')}".`],
  });

/** What is still read of a refused body, so the answer reaches a client that is still sending. */
const LINGER_BYTES = 4 * 1024 * 1024;
const LINGER_MS = 2000;

/**
 * The rest of a refused body is not read: a little more is discarded (closing a socket with unread
 * bytes resets it, and the client may lose the answer), then the connection is cut.
 */
function refuseRest(req: Request): void {
  let discarded = 0;
  const cut = () => req.socket.destroy();
  const timer = setTimeout(cut, LINGER_MS);
  timer.unref();
  req.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > LINGER_BYTES) cut();
  });
  req.once('end', () => clearTimeout(timer));
  req.once('close', () => clearTimeout(timer));
  req.resume();
}

/**
 * Reads a multipart/form-data body: text fields, and one file in each of `fileFields` into memory.
 * The bytes are counted as they arrive, whatever Content-Length says (chunked bodies too): past
 * MAX_UPLOAD_BYTES for the file, or the form's room around it, the request ends at once with 413.
 * Any other file, or a second one, ends it with 400; the rest is not drained (refuseRest).
 */
export async function parseMultipart(req: Request, fileFields: string[]): Promise<MultipartForm> {
  const maxBody = MAX_UPLOAD_BYTES + FORM_OVERHEAD_BYTES;
  if (Number(req.headers['content-length'] ?? 0) > maxBody) {
    refuseRest(req);
    throw tooLarge();
  }
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: req.headers,
      // busboy marks a file truncated once it reaches the limit, so one byte more is allowed for it.
      limits: {
        fileSize: MAX_UPLOAD_BYTES + 1,
        fieldSize: MAX_FIELD_BYTES,
        fields: 100,
        files: fileFields.length,
        parts: 100 + fileFields.length,
      },
    });
  } catch (err) {
    throw malformed(err instanceof Error ? err.message : String(err));
  }
  return new Promise<MultipartForm>((resolve, reject) => {
    const form: MultipartForm = { fields: {}, files: {} };
    let settled = false;
    let received = 0;
    const counter = (chunk: Buffer) => {
      received += chunk.length;
      if (received > maxBody) stop(tooLarge());
    };
    /** The first failure answers; reading stops there. */
    const stop = (err: ApiError) => {
      if (settled) return;
      settled = true;
      req.off('data', counter);
      req.unpipe(parser);
      refuseRest(req);
      parser.removeAllListeners('close');
      parser.on('error', () => undefined);
      // Not from inside busboy's own event (it still touches the file stream after 'limit').
      setImmediate(() => parser.destroy());
      reject(err);
    };

    req.on('data', counter);
    parser.on('field', (name, value, info) => {
      if (info.valueTruncated) stop(tooLarge(`The field "${name.slice(0, 100)}" is too large.`));
      else form.fields[name] = value;
    });
    parser.on('file', (name, stream, info) => {
      // A broken form also fails the file stream; the parser's own 'error' answers it.
      stream.on('error', () => undefined);
      if (!fileFields.includes(name) || form.files[name] !== undefined) {
        stream.resume();
        return stop(unexpectedFile(fileFields));
      }
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () => stop(tooLarge('The uploaded file is too large; the limit is 10 MiB.')));
      stream.on('close', () => {
        if (!stream.truncated)
          form.files[name] = { filename: info.filename ?? '', data: Buffer.concat(chunks) };
      });
    });
    parser.on('filesLimit', () => stop(unexpectedFile(fileFields)));
    for (const limit of ['partsLimit', 'fieldsLimit'] as const) {
      parser.on(limit, () => stop(malformed('too many parts')));
    }
    parser.on('error', (err: unknown) => stop(malformed(err instanceof Error ? err.message : String(err))));
    parser.on('close', () => {
      if (settled) return;
      settled = true;
      req.off('data', counter);
      resolve(form);
    });
    // A client that goes away mid-upload leaves no parse pending (and no unhandled 'error').
    req.once('error', () => stop(malformed('request aborted')));
    req.once('close', () => req.complete || stop(malformed('request aborted')));
    req.pipe(parser);
  });
}
