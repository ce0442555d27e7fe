// The framed protocol between the local endpoint host and a Python model worker (the other side
// is cairn_model_worker.py): a u32 little-endian length, then a kind byte and its payload.
// Requests: I (an /invocations body with its content type), M (a matrix of float64 already
// parsed from JSON), P (ping). Answers: R (status, JSON or not, body), E (a startup event).

const KIND_INVOCATION = 0x49;
const KIND_MATRIX = 0x4d;
const KIND_PING = 0x50;
const KIND_REPLY = 0x52;
const KIND_EVENT = 0x45;

/** One answer to a request, in request order. */
export interface WorkerReply {
  readonly status: number;
  readonly isJson: boolean;
  readonly body: Buffer;
}

/** A startup event of the worker: hello, requirements, loaded, ready or failed, with its fields. */
export interface WorkerEvent {
  readonly event: 'hello' | 'requirements' | 'loaded' | 'ready' | 'failed';
  readonly [field: string]: unknown;
}

/** An /invocations request frame. */
export function invocationFrame(contentType: string, body: Buffer): Buffer {
  const type = Buffer.from(contentType, 'latin1');
  const header = Buffer.allocUnsafe(7 + type.length);
  header.writeUInt32LE(3 + type.length + body.length, 0);
  header.writeUInt8(KIND_INVOCATION, 4);
  header.writeUInt16LE(type.length, 5);
  type.copy(header, 7);
  return Buffer.concat([header, body]);
}

/** A matrix frame: `values` holds rows × columns float64 in the signature's column order. */
export function matrixFrame(rows: number, values: Float64Array): Buffer {
  const frame = Buffer.allocUnsafe(9 + values.byteLength);
  frame.writeUInt32LE(5 + values.byteLength, 0);
  frame.writeUInt8(KIND_MATRIX, 4);
  frame.writeUInt32LE(rows, 5);
  Buffer.from(values.buffer, values.byteOffset, values.byteLength).copy(frame, 9);
  return frame;
}

/** A ping frame. */
export function pingFrame(): Buffer {
  const frame = Buffer.allocUnsafe(5);
  frame.writeUInt32LE(1, 0);
  frame.writeUInt8(KIND_PING, 4);
  return frame;
}

/** Splits the worker's stdout into replies and events as its chunks arrive. */
export class WorkerFrameDecoder {
  private pending: Buffer = Buffer.alloc(0);

  constructor(
    private readonly onReply: (reply: WorkerReply) => void,
    private readonly onEvent: (event: WorkerEvent) => void,
  ) {}

  push(chunk: Buffer): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    while (this.pending.length >= 4) {
      const length = this.pending.readUInt32LE(0);
      if (this.pending.length < 4 + length) return;
      const frame = this.pending.subarray(4, 4 + length);
      this.pending = this.pending.subarray(4 + length);
      if (frame[0] === KIND_REPLY) {
        this.onReply({ status: frame.readUInt16LE(1), isJson: frame[3] === 1, body: frame.subarray(4) });
      } else if (frame[0] === KIND_EVENT) {
        this.onEvent(JSON.parse(frame.subarray(1).toString('utf8')) as WorkerEvent);
      } else {
        throw new Error(`unknown frame kind ${frame[0]} from the model worker`);
      }
    }
  }
}
