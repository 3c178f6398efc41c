import { describe, expect, it } from 'vitest';
import { type Tensor, tensor } from './tensor.js';
import { treeFlatten, treeLeaves, treeMap, treePaths, treeTensors, treeUnflatten } from './tree.js';

describe('pytrees', () => {
  const tree = { fc: { weight: tensor([1]), bias: tensor([2]) }, layers: [{ w: tensor([3]) }, {}], name: 'net' };

  it('flattens in sorted-key order and rebuilds the same tree', () => {
    const { leaves, def } = treeFlatten(tree);
    expect(leaves.map((l) => (typeof l === 'string' ? l : (l as Tensor).item()))).toEqual([2, 1, 3, 'net']);
    expect(treeUnflatten(def, leaves)).toEqual(tree);
  });

  it('names leaves by dotted paths, as torchvision state_dict keys', () => {
    expect(treePaths(tree).map(([p]) => p)).toEqual(['fc.bias', 'fc.weight', 'layers.0.w', 'name']);
  });

  it('maps several trees of the same structure at once and rejects different structures', () => {
    const doubled = treeMap(
      (a: unknown, b: unknown) => (typeof a === 'string' ? a : (a as Tensor).item() + (b as Tensor).item()),
      tree,
      tree,
    );
    expect(treeLeaves(doubled)).toEqual([4, 2, 6, 'net']);
    expect(() => treeMap((a: unknown) => a, tree, { fc: {} })).toThrow(
      /treeMap: tree 1 does not have the structure of tree 0/,
    );
  });

  it('treeTensors keeps only tensors', () => {
    expect(treeTensors(tree)).toHaveLength(3);
  });

  it('treeUnflatten checks the leaf count', () => {
    const { def } = treeFlatten([1, 2]);
    expect(() => treeUnflatten(def, [1])).toThrow(/needs more than 1 leaves/);
    expect(() => treeUnflatten(def, [1, 2, 3])).toThrow(/3 leaves given but the structure has 2/);
  });
});
