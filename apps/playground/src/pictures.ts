/**
 * @file The course notes' pictures of a trained net, drawn with @tapenet/vis: the first conv layer's
 * filters, and the feature maps of every conv layer for one digit (the activations come from
 * `intermediates` of @tapenet/layers, the same values `apply` computes).
 */
import { type Tensor, tensor } from '@tapenet/autodiff';
import { intermediates } from '@tapenet/layers';
import { featureMapsRaster, filtersRaster, type Raster } from '@tapenet/vis';
import type { Trainer } from './trainer.js';

/** The conv layers of LeNet-5 whose maps the page shows. */
export const CONV_LAYERS = ['conv1', 'conv2'] as const;

/** conv1's filters `[6, 1, 5, 5]` as a grid (null for the MLP, which has none). */
export function firstFilters(t: Trainer): Raster | null {
  const w = (t.params as Record<string, { readonly weight?: Tensor } | undefined>).conv1?.weight;
  return w === undefined ? null : filtersRaster(w, { scale: 8, range: 'symmetric' });
}

/** Feature maps of each conv layer for one normalised digit `[784]`. */
export function featureMaps(t: Trainer, x: Float32Array): { layer: string; raster: Raster }[] {
  if (t.name !== 'lenet5') return [];
  const acts = intermediates(
    t.model,
    t.params,
    t.state,
    tensor(x, { shape: [1, 1, 28, 28] }),
    { train: false },
    {
      until: 'conv2',
    },
  );
  return CONV_LAYERS.map((layer) => ({
    layer,
    raster: featureMapsRaster(acts.get(layer) as Tensor, { scale: layer === 'conv1' ? 3 : 5 }),
  }));
}
