/** @file The embedding lookup as a function of tensors (`F.embedding`; the layer is in embedding.ts). */
import { checkTensor, fmt, gather, reshape, ShapeError, type Tensor } from '@tapenet/autodiff';

/**
 * Rows of `weight` `[num, dim]` at int32 `indices` of any shape → `[...indices.shape, dim]`
 * (torch.nn.functional.embedding). The gradient adds each output row's cotangent into its row of weight
 * (repeated indices accumulate); indices get none. An index outside `[0, num)` throws.
 */
export function embedding(indices: Tensor, weight: Tensor): Tensor {
  const op = 'embedding';
  checkTensor(op, 'indices', indices);
  checkTensor(op, 'weight', weight);
  if (indices.dtype !== 'int32') throw new ShapeError(op, 'indices', `have dtype ${indices.dtype}; expected int32`);
  if (weight.rank !== 2) throw new ShapeError(op, 'weight', `has shape ${fmt(weight.shape)}; expected [num, dim]`);
  const [num, dim] = weight.shape as [number, number];
  const flat = reshape(indices, [indices.size]);
  const data = flat.data();
  for (let i = 0; i < data.length; i++) {
    if (!(data[i]! >= 0 && data[i]! < num))
      throw new ShapeError(op, 'indices', `hold ${data[i]} at flat index ${i}; the table has rows 0 … ${num - 1}`);
  }
  return reshape(gather(weight, flat, 0), [...indices.shape, dim]);
}
