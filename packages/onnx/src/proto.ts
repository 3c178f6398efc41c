/**
 * @file The ONNX messages the exporter writes, typed, and their encoding with protobufjs from the
 * vendored official schema (parsed once, on first use). Field names are the schema's own (snake_case).
 */
import protobuf from 'protobufjs';
import { ONNX_PROTO } from './onnx-proto.js';

/** `TensorProto.DataType` values the exporter uses. */
export const DataType = { FLOAT: 1, INT32: 6, INT64: 7, BOOL: 9 } as const;
export type DataTypeCode = (typeof DataType)[keyof typeof DataType];

/** `AttributeProto.AttributeType` values the exporter uses. */
const AttrType = { FLOAT: 1, INT: 2, STRING: 3, INTS: 7 } as const;

export type TensorMsg = {
  readonly name: string;
  readonly dims: readonly number[];
  readonly data_type: DataTypeCode;
  /** Little-endian element bytes. */
  readonly raw_data: Uint8Array;
};

export type AttributeMsg = {
  readonly name: string;
  readonly type: (typeof AttrType)[keyof typeof AttrType];
  readonly f?: number;
  readonly i?: number;
  readonly s?: Uint8Array;
  readonly ints?: readonly number[];
};

/** An attribute value as the graph builder takes it: a number that is an int, a float, a string, ints. */
export type AttrValue = { readonly int: number } | { readonly float: number } | string | readonly number[];

export type NodeMsg = {
  readonly name: string;
  readonly op_type: string;
  readonly input: readonly string[];
  readonly output: readonly string[];
  readonly attribute: readonly AttributeMsg[];
};

/** One dim of a value's shape: a size, a symbolic name, or unknown. */
export type DimMsg = { readonly dim_value: number } | { readonly dim_param: string } | Record<string, never>;

export type ValueInfoMsg = {
  readonly name: string;
  readonly type: {
    readonly tensor_type: { readonly elem_type: DataTypeCode; readonly shape: { readonly dim: readonly DimMsg[] } };
  };
};

export type GraphMsg = {
  readonly name: string;
  readonly node: readonly NodeMsg[];
  readonly initializer: readonly TensorMsg[];
  readonly input: readonly ValueInfoMsg[];
  readonly output: readonly ValueInfoMsg[];
  readonly doc_string?: string;
};

export type ModelMsg = {
  readonly ir_version: number;
  readonly opset_import: readonly { readonly domain: string; readonly version: number }[];
  readonly producer_name: string;
  readonly producer_version: string;
  readonly doc_string?: string;
  readonly graph: GraphMsg;
};

/** Builds an `AttributeProto` from a name and an `AttrValue`. */
export function attribute(name: string, v: AttrValue): AttributeMsg {
  if (typeof v === 'string') return { name, type: AttrType.STRING, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) return { name, type: AttrType.INTS, ints: v };
  if ('int' in (v as object)) return { name, type: AttrType.INT, i: (v as { int: number }).int };
  return { name, type: AttrType.FLOAT, f: (v as { float: number }).float };
}

let modelType: protobuf.Type | undefined;

/** `onnx.ModelProto` from the vendored schema, parsed on first use. */
export function modelProto(): protobuf.Type {
  modelType ??= protobuf.parse(ONNX_PROTO, { keepCase: true }).root.lookupType('onnx.ModelProto');
  return modelType;
}

/** Serializes a model to the ONNX protobuf wire format (a plain Uint8Array, not Node's Buffer subclass). */
export function encodeModel(model: ModelMsg): Uint8Array {
  const type = modelProto();
  const problem = type.verify(model);
  if (problem !== null) throw new Error(`onnx export: internal error, the model does not fit the schema: ${problem}`);
  const bytes = type.encode(model).finish();
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
