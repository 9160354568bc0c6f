/**
 * Rows of equal-length float32 vectors in one contiguous block of
 * WebAssembly memory, with a dot-product scan written in WebAssembly's
 * 128-bit SIMD instructions. The scan multiplies four floats at a time, so
 * on 100,000 rows of 128 values it runs several times faster than the same
 * loop in JavaScript. `npm run bench` measures both.
 *
 * The module is assembled here from its instructions, so no binary file or
 * compiler is needed. Where WebAssembly SIMD is missing, or the dimension is
 * not a multiple of 8, the same memory is scanned in JavaScript.
 */
import { dotProduct } from './distance';

/**
 * The parts of the WebAssembly JavaScript API used here. TypeScript declares
 * them only in its DOM library, which this Node.js project does not load.
 */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (
    module: object,
    imports: Record<string, Record<string, unknown>>,
  ) => { readonly exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number }) => WasmMemory;
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

// WebAssembly binary encoding (https://webassembly.github.io/spec/core/binary/).
const I32 = 0x7f;
const V128 = 0x7b;
const PAGE_BYTES = 65_536;

function unsignedLeb(value: number): number[] {
  const bytes: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    bytes.push(byte);
  } while (value !== 0);
  return bytes;
}

function signedLeb(value: number): number[] {
  const bytes: number[] = [];
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    const done =
      (value === 0 && (byte & 0x40) === 0) ||
      (value === -1 && (byte & 0x40) !== 0);
    bytes.push(done ? byte : byte | 0x80);
    if (done) return bytes;
  }
}

const name = (text: string) => [
  ...unsignedLeb(text.length),
  ...Buffer.from(text, 'utf8'),
];
const vector = (items: number[][]) => [
  ...unsignedLeb(items.length),
  ...items.flat(),
];
const section = (id: number, body: number[]) => [
  id,
  ...unsignedLeb(body.length),
  ...body,
];

const op = {
  localGet: (index: number) => [0x20, ...unsignedLeb(index)],
  localSet: (index: number) => [0x21, ...unsignedLeb(index)],
  i32Const: (value: number) => [0x41, ...signedLeb(value)],
  i32Add: [0x6a],
  i32Shl: [0x74],
  i32LtU: [0x49],
  i32Eqz: [0x45],
  f32Add: [0x92],
  /** `f32.store` with 4-byte alignment and no offset. */
  f32Store: [0x38, 2, 0],
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  brIf: (depth: number) => [0x0d, depth],
  end: [0x0b],
  /** `v128.load` with a 4-byte alignment hint and a constant byte offset. */
  v128Load: (offset: number) => [0xfd, 0x00, 2, ...unsignedLeb(offset)],
  v128Zero: [0xfd, 0x0c, ...new Array<number>(16).fill(0)],
  f32x4ExtractLane: (lane: number) => [0xfd, 0x1f, lane],
  f32x4Add: [0xfd, ...unsignedLeb(0xe4)],
  f32x4Mul: [0xfd, ...unsignedLeb(0xe6)],
};

/**
 * `scan(query, rows, count, dimension, out)`: for each of `count` rows of
 * `dimension` floats starting at byte `rows`, stores the row's dot product
 * with the vector at byte `query` as a float at `out + 4 * row`. The
 * dimension must be a positive multiple of 8: two four-lane sums run side by
 * side, which keeps both multipliers busy.
 */
function assembleScanModule(): Uint8Array {
  const [query, rows, count, dimension, out] = [0, 1, 2, 3, 4];
  const [row, column, rowBytes, rowStart, sum0, sum1] = [5, 6, 7, 8, 9, 10];
  const multiplyAdd = (sum: number, offset: number) => [
    ...op.localGet(sum),
    ...op.localGet(query),
    ...op.localGet(column),
    ...op.i32Add,
    ...op.v128Load(offset),
    ...op.localGet(rowStart),
    ...op.localGet(column),
    ...op.i32Add,
    ...op.v128Load(offset),
    ...op.f32x4Mul,
    ...op.f32x4Add,
    ...op.localSet(sum),
  ];
  const lane = (index: number) => [
    ...op.localGet(sum0),
    ...op.f32x4ExtractLane(index),
  ];
  const body = [
    ...op.localGet(dimension),
    ...op.i32Const(2),
    ...op.i32Shl,
    ...op.localSet(rowBytes),
    ...op.localGet(rows),
    ...op.localSet(rowStart),
    ...op.i32Const(0),
    ...op.localSet(row),
    ...op.block,
    ...op.localGet(count),
    ...op.i32Eqz,
    ...op.brIf(0),
    ...op.loop, // over rows
    ...op.v128Zero,
    ...op.localSet(sum0),
    ...op.v128Zero,
    ...op.localSet(sum1),
    ...op.i32Const(0),
    ...op.localSet(column),
    ...op.loop, // over 8 values at a time
    ...multiplyAdd(sum0, 0),
    ...multiplyAdd(sum1, 16),
    ...op.localGet(column),
    ...op.i32Const(32),
    ...op.i32Add,
    ...op.localSet(column),
    ...op.localGet(column),
    ...op.localGet(rowBytes),
    ...op.i32LtU,
    ...op.brIf(0),
    ...op.end,
    ...op.localGet(sum0),
    ...op.localGet(sum1),
    ...op.f32x4Add,
    ...op.localSet(sum0),
    ...op.localGet(out),
    ...op.localGet(row),
    ...op.i32Const(2),
    ...op.i32Shl,
    ...op.i32Add,
    ...lane(0),
    ...lane(1),
    ...op.f32Add,
    ...lane(2),
    ...op.f32Add,
    ...lane(3),
    ...op.f32Add,
    ...op.f32Store,
    ...op.localGet(rowStart),
    ...op.localGet(rowBytes),
    ...op.i32Add,
    ...op.localSet(rowStart),
    ...op.localGet(row),
    ...op.i32Const(1),
    ...op.i32Add,
    ...op.localSet(row),
    ...op.localGet(row),
    ...op.localGet(count),
    ...op.i32LtU,
    ...op.brIf(0),
    ...op.end,
    ...op.end,
    ...op.end,
  ];
  const locals = vector([
    [4, I32],
    [2, V128],
  ]);
  const code = [...locals, ...body];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(
      1,
      vector([[0x60, ...vector([[I32], [I32], [I32], [I32], [I32]]), 0]]),
    ),
    ...section(2, vector([[...name('env'), ...name('memory'), 0x02, 0x00, 1]])),
    ...section(3, vector([[0]])),
    ...section(7, vector([[...name('scan'), 0x00, 0]])),
    ...section(10, vector([[...unsignedLeb(code.length), ...code]])),
  ]);
}

type ScanFunction = (
  query: number,
  rows: number,
  count: number,
  dimension: number,
  out: number,
) => void;

let compiled: object | null | undefined;

/** Compiles the scan once; null when this runtime lacks WebAssembly SIMD. */
function scanModule(): object | null {
  if (compiled === undefined) {
    const bytes = assembleScanModule();
    compiled = wasm.validate(bytes) ? new wasm.Module(bytes) : null;
  }
  return compiled;
}

/** The implementation of {@link VectorRows.dotProducts}: WebAssembly SIMD or plain JavaScript. */
export type ScanKind = 'wasm-simd' | 'javascript';

/**
 * Vectors of one length stored as consecutive rows, with a scan that returns
 * the dot product of a query with every row. Views returned by
 * {@link dotProducts} and {@link row} stay valid only until the rows change.
 */
export class VectorRows {
  private readonly memory: WasmMemory;
  private readonly scan: ScanFunction | undefined;
  private capacity: number;
  private count = 0;
  /** The implementation that scans the rows. */
  readonly kind: ScanKind;

  /**
   * @param dimension - Length of every row.
   * @param capacity - Rows to reserve; the storage grows when more are added.
   * @param scan - `javascript` to scan without SIMD even where it is
   *   available, for comparison.
   */
  constructor(
    readonly dimension: number,
    capacity = 64,
    scan: ScanKind = 'wasm-simd',
  ) {
    if (!(Number.isInteger(dimension) && dimension > 0)) {
      throw new RangeError(
        `dimension must be a positive integer, got ${dimension}`,
      );
    }
    this.capacity = Math.max(1, capacity);
    this.memory = new wasm.Memory({
      initial: this.pagesFor(this.capacity),
    });
    const module =
      scan === 'wasm-simd' && dimension % 8 === 0 ? scanModule() : null;
    if (module === null) {
      this.kind = 'javascript';
    } else {
      const instance = new wasm.Instance(module, {
        env: { memory: this.memory },
      });
      this.scan = instance.exports.scan as ScanFunction;
      this.kind = 'wasm-simd';
    }
  }

  /** Number of rows. */
  get length(): number {
    return this.count;
  }

  /** Appends one row. */
  push(values: Float32Array): void {
    this.checkLength(values);
    if (this.count === this.capacity) this.grow(this.capacity * 2);
    this.floats().set(values, this.count * this.dimension);
    this.count++;
  }

  /** Removes every row. */
  clear(): void {
    this.count = 0;
  }

  /** Returns a view of one row. */
  row(index: number): Float32Array {
    const start = index * this.dimension;
    return this.floats().subarray(start, start + this.dimension);
  }

  /**
   * Returns the dot product of `query` with every row, in row order. Both the
   * scan and {@link dot} add the products in the same order, so the dot
   * product of a row with itself is the same number through either.
   */
  dotProducts(query: Float32Array): Float32Array {
    this.checkLength(query);
    const floats = this.floats();
    const queryStart = this.capacity * this.dimension;
    const outStart = queryStart + this.dimension;
    const out = floats.subarray(outStart, outStart + this.count);
    if (this.scan === undefined) {
      for (let i = 0; i < this.count; i++)
        out[i] = dotProduct(query, floats, i * this.dimension);
      return out;
    }
    floats.set(query, queryStart);
    this.scan(queryStart * 4, 0, this.count, this.dimension, outStart * 4);
    return out;
  }

  /** Dot product of two vectors of this length, summed as the scan sums. */
  dot(a: Float32Array, b: Float32Array): number {
    this.checkLength(a);
    this.checkLength(b);
    if (this.scan === undefined) return dotProduct(a, b);
    const floats = this.floats();
    const queryStart = this.capacity * this.dimension;
    const rowStart = queryStart + this.dimension;
    const outStart = rowStart + this.dimension;
    floats.set(a, queryStart);
    floats.set(b, rowStart);
    this.scan(queryStart * 4, rowStart * 4, 1, this.dimension, outStart * 4);
    return floats[outStart]!;
  }

  private checkLength(values: Float32Array): void {
    if (values.length !== this.dimension) {
      throw new RangeError(
        `expected ${this.dimension} values, got ${values.length}`,
      );
    }
  }

  private floats(): Float32Array {
    return new Float32Array(this.memory.buffer);
  }

  /** Pages for the rows plus scratch space: a query, a second vector and one score per row. */
  private pagesFor(capacity: number): number {
    const floats = (capacity + 2) * this.dimension + capacity + 1;
    return Math.ceil((floats * 4) / PAGE_BYTES);
  }

  private grow(capacity: number): void {
    const pages = this.pagesFor(capacity);
    const current = this.memory.buffer.byteLength / PAGE_BYTES;
    if (pages > current) this.memory.grow(pages - current);
    this.capacity = capacity;
  }
}
