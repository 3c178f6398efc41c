/** @file The registry: names, information, overrides, errors. */
import { describe, expect, it } from 'vitest';
import { paramCount } from '../test/helpers.js';
import { zoo } from './registry.js';

const NAMES = [
  'lenet5',
  'lenet5-original',
  'mlp',
  'alexnet',
  'alexnet-cifar',
  ...[11, 13, 16, 19].flatMap((d) => [`vgg${d}`, `vgg${d}-cifar`, `vgg${d}_bn`, `vgg${d}_bn-cifar`]),
  'resnet18',
  'resnet34',
  'resnet50',
  'resnet101',
  'resnet152',
  'resnet18-cifar',
  'resnet20',
  'resnet32',
  'resnet44',
  'resnet56',
  'resnet110',
];

describe('zoo', () => {
  it('lists every model once, with consistent information', () => {
    const list = zoo.list();
    expect(list.map((m) => m.name).sort()).toEqual([...NAMES].sort());
    for (const m of list) {
      expect(m.preprocessing.mean).toHaveLength(m.inputShape[0]);
      expect(m.preprocessing.std).toHaveLength(m.inputShape[0]);
      expect(m.citation).toMatch(/\d{4}/);
      expect(m.description.length).toBeGreaterThan(10);
      expect(zoo.info(m.name)).toEqual(m);
    }
  });

  it.each(NAMES)('%s builds and maps its documented input shape to numClasses logits', (name) => {
    const info = zoo.info(name);
    expect(zoo.get(name).describe(info.inputShape).outShape).toEqual([info.numClasses]);
  });

  it('builds the documented counts by name', () => {
    expect(paramCount(zoo.get('lenet5'), [1, 28, 28])).toBe(61706);
    expect(paramCount(zoo.get('resnet18'), [3, 224, 224])).toBe(11689512);
    expect(paramCount(zoo.get('vgg16'), [3, 224, 224])).toBe(138357544);
    expect(paramCount(zoo.get('vgg16_bn'), [3, 224, 224])).toBe(138365992);
    expect(paramCount(zoo.get('alexnet'), [3, 224, 224])).toBe(61100840);
    expect(paramCount(zoo.get('resnet20'), [3, 32, 32])).toBe(269722);
    expect(zoo.info('resnet50').preprocessing).toEqual({ mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] });
    expect(zoo.info('lenet5-original').inputShape).toEqual([1, 32, 32]);
  });

  it('applies numClasses and inChannels overrides', () => {
    expect(zoo.get('resnet20', { numClasses: 100 }).describe([3, 32, 32]).outShape).toEqual([100]);
    expect(zoo.get('lenet5', { inChannels: 3 }).describe([3, 28, 28]).outShape).toEqual([10]);
    expect(() => zoo.get('resnet20', { inChannels: 1 }).describe([3, 32, 32])).toThrow(/built for 1 input channels/);
    expect(zoo.get('vgg11-cifar', { numClasses: 100 }).describe([3, 32, 32]).outShape).toEqual([100]);
  });

  it('names the valid models for an unknown name', () => {
    expect(() => zoo.get('resnet19')).toThrow(/unknown model 'resnet19'; valid names: lenet5, lenet5-original, mlp/);
    expect(() => zoo.info('vgg17')).toThrow(/resnet110/);
  });
});
