/**
 * @file A small builder for an ONNX graph: unique value names, nodes with attributes, and initializers
 * (tapenet tensors, int64 shape/axes constants, scalars), encoded little-endian as `raw_data`.
 */
import type { DType, Tensor, TypedArray } from '@tapenet/autodiff';
import { type AttrValue, attribute, DataType, type DataTypeCode, type NodeMsg, type TensorMsg } from './proto.js';

/** The ONNX element type of a tapenet dtype: every float becomes FLOAT (float64 is rounded to float32). */
export const onnxType = (dtype: DType): DataTypeCode => (dtype === 'int32' ? DataType.INT32 : DataType.FLOAT);

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The little-endian bytes of a typed array (a view where the platform is little-endian, else a swapped copy). */
function leBytes(a: Float32Array | Int32Array | BigInt64Array): Uint8Array {
  const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  if (LITTLE_ENDIAN) return bytes;
  const out = new Uint8Array(bytes.length);
  const w = a.BYTES_PER_ELEMENT;
  for (let i = 0; i < bytes.length; i += w) for (let j = 0; j < w; j++) out[i + j] = bytes[i + w - 1 - j]!;
  return out;
}

/** A tensor's elements as ONNX stores them: float32 for any float dtype, int32 for int32. */
function elements(data: TypedArray, dtype: DType): Float32Array | Int32Array {
  if (dtype === 'int32') return data instanceof Int32Array ? data : Int32Array.from(data);
  return data instanceof Float32Array ? data : Float32Array.from(data);
}

export class GraphBuilder {
  readonly nodes: NodeMsg[] = [];
  readonly initializers: TensorMsg[] = [];
  private readonly names = new Set<string>();
  private readonly small = new Map<string, string>();
  private nodeCount = 0;

  /** Claims `name` exactly; returns false when it is already taken. */
  claim(name: string): boolean {
    if (this.names.has(name)) return false;
    this.names.add(name);
    return true;
  }

  /** A new unique name starting with `base`. */
  fresh(base: string): string {
    if (this.claim(base)) return base;
    for (let i = 1; ; i++) if (this.claim(`${base}_${i}`)) return `${base}_${i}`;
  }

  /** Adds a node; `scope` (a layer path) prefixes its name. Returns its (first) output name. */
  node(
    scope: string,
    opType: string,
    inputs: readonly string[],
    outputs: readonly string[],
    attrs: Readonly<Record<string, AttrValue>> = {},
  ): string {
    this.nodes.push({
      name: `${scope}/${opType}_${this.nodeCount++}`,
      op_type: opType,
      input: inputs,
      output: outputs,
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    });
    return outputs[0]!;
  }

  /** Adds a tensor as an initializer named `name` (claimed by the caller). */
  tensor(name: string, t: Tensor): void {
    this.initializers.push({
      name,
      dims: t.shape,
      data_type: onnxType(t.dtype),
      raw_data: leBytes(elements(t.data(), t.dtype)),
    });
  }

  /** An int64 initializer (shapes, axes, pads), shared between equal requests; rank 1 unless `scalar`. */
  int64s(values: readonly number[], scalar = false): string {
    const id = `i64:${scalar ? 's' : 'v'}:${values.join(',')}`;
    const known = this.small.get(id);
    if (known !== undefined) return known;
    const name = this.fresh(scalar ? `const_i64_${values[0]}` : `const_i64_[${values.join(',')}]`);
    this.initializers.push({
      name,
      dims: scalar ? [] : [values.length],
      data_type: DataType.INT64,
      raw_data: leBytes(BigInt64Array.from(values, (v) => BigInt(v))),
    });
    this.small.set(id, name);
    return name;
  }

  /** A scalar initializer of a tapenet dtype, shared between equal requests. */
  scalar(value: number, dtype: DType): string {
    const type = onnxType(dtype);
    const id = `s:${type}:${Object.is(value, -0) ? '-0' : value}`;
    const known = this.small.get(id);
    if (known !== undefined) return known;
    const name = this.fresh(`const_${type === DataType.INT32 ? 'i32' : 'f32'}_${value}`);
    const data = type === DataType.INT32 ? Int32Array.of(value) : Float32Array.of(value);
    this.initializers.push({ name, dims: [], data_type: type, raw_data: leBytes(data) });
    this.small.set(id, name);
    return name;
  }
}
